"""Migrations keep data: a populated database at every earlier revision upgrades
to head with every row intact, and an embedded database holding data is backed
up (next to it, reported on stderr) before its schema changes.

Generic over Alembic's revisions: each revision is populated with the seed
(loaded at head, then downgraded to the revision) plus representative rows
written in plain SQL for that revision's tables, then upgraded to head. A
migration added later joins the loop on its own; REPRESENTATIVE must gain rows
for it when it changes tables (test_every_revision_has_representative_rows).
A synthetic revision 0002 (a copied migrations directory) exercises a real
upgrade today, when 0001 is the only revision, and proves the check catches a
migration that loses rows.
"""

import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from tracker import db, schema
from tracker.cli import app

STAMP = "2017-11-15 12:00:00.000000"
TRICKY = "Robert'); DROP TABLE jurisdiction;-- \u200f\u05e9\u05dc\u05d5\u05dd O'Fallon [x] Doña"

# Rows in plain SQL per revision, touching every table and every nullable
# column, with ids far above what the seed uses.
REPRESENTATIVE: dict[str, list[tuple[str, dict]]] = {
    "0001": [
        (
            "INSERT INTO jurisdiction (id, ocd_id, name, name_folded, kind, state, fips,"
            " population, notes, created_at) VALUES (900001,"
            " 'ocd-division/country:us/state:nm/county:test_dona_ana', :name, 'test dona ana',"
            " 'county', 'NM', '35013', 219561, :notes, :at)",
            {"name": "Test Doña Ana County", "notes": TRICKY, "at": STAMP},
        ),
        (
            "INSERT INTO jurisdiction (id, ocd_id, name, name_folded, kind, state, fips,"
            " population, notes, created_at) VALUES (900002,"
            " 'ocd-division/country:us/state:mo/place:test_o''fallon', 'Test O''Fallon',"
            " 'test o''fallon', 'city', 'MO', NULL, NULL, NULL, :at)",
            {"at": STAMP},
        ),
        (
            "INSERT INTO jurisdiction_alias (id, jurisdiction_id, alias, alias_folded)"
            " VALUES (900001, 900001, :alias, 'dac')",
            {"alias": "DAC"},
        ),
        (
            "INSERT INTO source (id, key, title, publisher, author, url, published, kind,"
            " created_at) VALUES (900001, 'https://example.org/test-migration', :title,"
            " 'Pub', 'Au Thor', 'https://example.org/test-migration', '2017-11', 'news', :at)",
            {"title": TRICKY, "at": STAMP},
        ),
        (
            "INSERT INTO source (id, key, title, publisher, author, url, published, kind,"
            " created_at) VALUES (900002, 'Untitled 2017', 'Untitled', NULL, NULL, NULL,"
            " NULL, 'other', :at)",
            {"at": STAMP},
        ),
        (
            "INSERT INTO federal_action (id, key, date, agency, kind, title, description,"
            " source_id, target_count, created_at) VALUES (900001, 'test-action-2017', '2017',"
            " 'U.S. Department of Justice', 'letter', 'Test letter', :d, 900001, 23, :at)",
            {"d": '=HYPERLINK("x")\nsecond line', "at": STAMP},
        ),
        ("INSERT INTO action_target (action_id, jurisdiction_id) VALUES (900001, 900001)", {}),
        (
            "INSERT INTO policy_status (id, jurisdiction_id, status, source_id, effective,"
            " observed, citation, quote, note, recorded_at) VALUES (900001, 900001,"
            " 'sanctuary', 900001, '2017-01', '2017-11-15', 'Ord. 1', :q, 'n', :at)",
            {"q": "\u201cquoted\u201d", "at": STAMP},
        ),
        (
            "INSERT INTO policy_status (id, jurisdiction_id, status, source_id, effective,"
            " observed, citation, quote, note, recorded_at) VALUES (900002, 900002,"
            " 'unknown', 900002, NULL, NULL, NULL, NULL, NULL, :at)",
            {"at": STAMP},
        ),
        (
            "INSERT INTO grant_amount (id, program, assistance_listing, fiscal_year,"
            " amount_cents, amount_type, scope, jurisdiction_id, action_id, source_id, note,"
            " recorded_at) VALUES (900001, 'Edward Byrne Memorial JAG', '16.738', 2016,"
            " 99999999999999999, 'withheld', 'jurisdiction', 900001, NULL, 900001, NULL, :at)",
            {"at": STAMP},
        ),
        (
            "INSERT INTO grant_amount (id, program, assistance_listing, fiscal_year,"
            " amount_cents, amount_type, scope, jurisdiction_id, action_id, source_id, note,"
            " recorded_at) VALUES (900002, 'Edward Byrne Memorial JAG', NULL, 2017, 1,"
            " 'threatened', 'aggregate', NULL, 900001, 900001, 'aggregate', :at)",
            {"at": STAMP},
        ),
        ("INSERT INTO grant_member (grant_id, jurisdiction_id) VALUES (900002, 900001)", {}),
        ("INSERT INTO grant_member (grant_id, jurisdiction_id) VALUES (900002, 900002)", {}),
        (
            "INSERT INTO legal_case (id, key, caption, court, docket, filed, status, summary,"
            " source_id, created_at) VALUES (900001, 'test-case', :caption, 'N.D. Ill.',"
            " '1:17-cv-99999', '2017-08', 'on_appeal', NULL, 900001, :at)",
            {"caption": "Test [City] v. Sessions", "at": STAMP},
        ),
        (
            "INSERT INTO case_party (id, case_id, role, jurisdiction_id, name)"
            " VALUES (900001, 900001, 'plaintiff', 900001, NULL)",
            {},
        ),
        (
            "INSERT INTO case_party (id, case_id, role, jurisdiction_id, name)"
            " VALUES (900002, 900001, 'defendant', NULL, 'Jeff Sessions, Attorney General')",
            {},
        ),
        (
            "INSERT INTO ruling (id, case_id, date, kind, judge, summary, source_id, created_at)"
            " VALUES (900001, 900001, '2017-09-15', 'preliminary_injunction', 'Leinenweber',"
            " :s, 900001, :at)",
            {"s": TRICKY, "at": STAMP},
        ),
    ],
}

SYNTHETIC_0002 = '''"""Test only: a second revision that rebuilds the jurisdiction table."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite copies every row into a new table (the risky path); PostgreSQL alters.
    with op.batch_alter_table("jurisdiction", recreate=_recreate()) as batch_op:
        batch_op.add_column(sa.Column("test_extra", sa.String(), nullable=True))
{extra}

def downgrade() -> None:
    with op.batch_alter_table("jurisdiction", recreate=_recreate()) as batch_op:
        batch_op.drop_column("test_extra")


def _recreate() -> str:
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"
'''

LOSSY = '    op.execute("DELETE FROM jurisdiction_alias")\n'


def _script(location: Path | None = None) -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(location or db.resource_dir("migrations")))
    return ScriptDirectory.from_config(cfg)


def _revisions_base_to_head(script: ScriptDirectory) -> list[str]:
    return [s.revision for s in reversed(list(script.walk_revisions("base", "heads")))]


def _representative(revision: str, order: list[str]) -> list[tuple[str, dict]]:
    """The rows for ``revision``, else for the nearest earlier revision that has them."""
    for r in reversed(order[: order.index(revision) + 1]):
        if r in REPRESENTATIVE:
            return REPRESENTATIVE[r]
    raise AssertionError(f"no representative rows for revision {revision}")


def _populate_at(url: str, revision: str, order: list[str]) -> None:
    """A database at ``revision`` holding the seed and representative rows."""
    from tracker import csvio

    db.upgrade(url, "head")
    with db.session(url, write=True) as s:
        csvio.import_files(s, db.resource_dir("seed"))
    if revision != order[-1]:
        db.downgrade(url, revision)
    with db.engine_for(url).begin() as conn:
        for sql, params in _representative(revision, order):
            conn.execute(sa.text(sql), params)
    assert db.revision_of(url) == revision
    if db.is_sqlite(url):
        # The downgrade above backed the database up; the tests count their own.
        for path in _backups(url):
            path.unlink()


def _rows(url: str) -> dict[str, list[dict]]:
    """Every row of every table (reflected: the database's own columns, at any revision)."""
    meta = sa.MetaData()
    engine = db.engine_for(url)
    with engine.connect() as conn:
        meta.reflect(conn)
        return {
            name: [dict(r._mapping) for r in conn.execute(sa.select(table))]
            for name, table in meta.tables.items()
            if name != "alembic_version"
        }


def _lost(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> list[str]:
    """Rows of ``before`` missing from ``after`` (compared on the columns both have)."""
    lost = []
    for table, rows in before.items():
        if table not in after:
            if rows:
                lost.append(f"{table}: table gone with {len(rows)} row(s)")
            continue
        if not rows:
            continue
        common = [c for c in rows[0] if after[table] and c in after[table][0]] or list(rows[0])
        have = Counter(tuple(repr(r.get(c)) for c in common) for r in after[table])
        want = Counter(tuple(repr(r.get(c)) for c in common) for r in rows)
        missing = want - have
        if missing:
            lost.append(f"{table}: {sum(missing.values())} row(s) lost or changed")
    return lost


def _upgrade_cli(url: str):
    result = CliRunner().invoke(app, ["--db", url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    return result


def _backups(url: str) -> list[Path]:
    path = Path(sa.engine.make_url(url).database)
    return sorted(path.parent.glob(path.name + ".bak-*"))


@pytest.fixture
def synthetic(tmp_path, monkeypatch):
    """Install a copied migrations directory with a revision 0002 (optionally lossy)."""

    def install(extra: str = "") -> Path:
        location = tmp_path / "migrations"
        shutil.copytree(
            db.resource_dir("migrations"), location, ignore=shutil.ignore_patterns("__pycache__")
        )
        (location / "versions" / "0002_test_extra.py").write_text(
            SYNTHETIC_0002.replace("{extra}", extra)
        )
        real = db.resource_dir
        monkeypatch.setattr(
            db, "resource_dir", lambda name: location if name == "migrations" else real(name)
        )
        monkeypatch.setattr(schema, "REVISIONS", (*schema.REVISIONS, "0002"))
        monkeypatch.setattr(schema, "HEAD", "0002")
        return location

    return install


# --- every revision up to head ---------------------------------------------------


def test_every_revision_has_representative_rows():
    order = _revisions_base_to_head(_script())
    assert order[0] in REPRESENTATIVE, "the first revision needs representative rows"
    for revision in order:
        _representative(revision, order)


def test_every_row_at_each_revision_survives_the_upgrade_to_head(engine_name, request, tmp_path):
    order = _revisions_base_to_head(_script())
    for revision in order:
        if engine_name == "sqlite":
            url = f"sqlite:///{tmp_path / f'at-{revision}.db'}"
        else:
            pg = request.getfixturevalue("postgres")
            name = pg.create()
            request.addfinalizer(lambda pg=pg, name=name: (db.dispose_all(), pg.drop(name)))
            url = pg.url(name)
        _populate_at(url, revision, order)
        before = _rows(url)
        assert before["jurisdiction"] and before["ruling"] and before["grant_member"]
        _upgrade_cli(url)
        assert db.revision_of(url) == order[-1]
        assert _lost(before, _rows(url)) == []


def test_a_synthetic_upgrade_that_rebuilds_a_table_keeps_every_row(
    engine_name, empty_url, synthetic
):
    order = _revisions_base_to_head(_script(synthetic()))
    assert order == ["0001", "0002"]
    _populate_at(empty_url, "0001", order)
    before = _rows(empty_url)
    _upgrade_cli(empty_url)
    assert db.revision_of(empty_url) == "0002"
    after = _rows(empty_url)
    assert "test_extra" in after["jurisdiction"][0]
    assert _lost(before, after) == []


def test_the_check_catches_a_migration_that_loses_rows(engine_name, empty_url, synthetic):
    order = _revisions_base_to_head(_script(synthetic(LOSSY)))
    _populate_at(empty_url, "0001", order)
    before = _rows(empty_url)
    _upgrade_cli(empty_url)
    aliases = len(before["jurisdiction_alias"])
    assert aliases > 1
    lost = _lost(before, _rows(empty_url))
    assert lost == [f"jurisdiction_alias: {aliases} row(s) lost or changed"]


# --- the backup before an upgrade --------------------------------------------------


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_upgrade_of_a_database_holding_data_writes_a_backup_first(empty_url, synthetic):
    order = _revisions_base_to_head(_script(synthetic()))
    _populate_at(empty_url, "0001", order)
    before = _rows(empty_url)
    result = _upgrade_cli(empty_url)
    [backup] = _backups(empty_url)
    assert backup.name.startswith("empty.db.bak-0001-")
    assert str(backup) in result.stderr
    assert result.stdout == ""
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    backup_url = f"sqlite:///{backup}"
    assert db.revision_of(backup_url) == "0001"
    assert _rows(backup_url) == before


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_automatic_first_use_upgrade_also_writes_a_backup(empty_url, synthetic):
    order = _revisions_base_to_head(_script(synthetic()))
    _populate_at(empty_url, "0001", order)
    before = _rows(empty_url)
    db.dispose_all()
    result = CliRunner().invoke(app, ["--db", empty_url, "sources", "list", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert db.revision_of(empty_url) == "0002"
    [backup] = _backups(empty_url)
    assert str(backup) in result.stderr
    assert str(backup) not in result.stdout
    assert _rows(f"sqlite:///{backup}") == before


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_downgrade_of_a_database_holding_data_writes_a_backup_first(empty_url):
    order = _revisions_base_to_head(_script())
    _populate_at(empty_url, order[-1], order)
    before = _rows(empty_url)
    result = CliRunner().invoke(app, ["--db", empty_url, "db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    [backup] = _backups(empty_url)
    assert str(backup) in result.stderr
    assert _rows(f"sqlite:///{backup}") == before


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_a_new_or_empty_database_gets_no_backup(empty_url, synthetic):
    _upgrade_cli(empty_url)
    assert _backups(empty_url) == []
    # At 0001 with tables but no rows: the upgrade to 0002 has nothing to protect.
    synthetic()
    result = _upgrade_cli(empty_url)
    assert db.revision_of(empty_url) == "0002"
    assert _backups(empty_url) == []
    assert "Backed up" not in result.stderr


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_a_database_already_at_head_gets_no_backup(empty_url):
    order = _revisions_base_to_head(_script())
    _populate_at(empty_url, order[-1], order)
    result = _upgrade_cli(empty_url)
    assert "already at revision" in result.stderr
    assert _backups(empty_url) == []


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_a_sqlite_file_with_other_data_is_backed_up_before_tracker_adds_its_tables(empty_url):
    path = Path(sa.engine.make_url(empty_url).database)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    result = _upgrade_cli(empty_url)
    [backup] = _backups(empty_url)
    assert backup.name.startswith("empty.db.bak-none-")
    assert str(backup) in result.stderr
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    finally:
        conn.close()


@pytest.mark.parametrize("engine_name", ["postgresql"], indirect=True)
def test_postgresql_upgrade_writes_no_local_backup(empty_url, synthetic, tmp_path):
    order = _revisions_base_to_head(_script(synthetic()))
    _populate_at(empty_url, "0001", order)
    result = _upgrade_cli(empty_url)
    assert "Backed up" not in result.stderr
    assert list(tmp_path.glob("*.bak-*")) == []
