"""Migrations keep data: a populated database at every earlier revision upgrades
to head with every row intact, and an embedded database holding data is backed
up (next to it, reported on stderr) before its schema changes.

Generic over Alembic's revisions: each revision is populated with the seed
(loaded at head, then downgraded to the revision) plus representative rows
written in plain SQL for that revision's tables, then upgraded to head. A
migration added later joins the loop on its own; REPRESENTATIVE must gain rows
for it when it changes tables (test_every_revision_has_representative_rows).
A synthetic revision after the real head (a copied migrations directory)
rebuilds the jurisdiction table on both engines, exercises the backup before an
upgrade, and proves the check catches a migration that loses rows.
"""

import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError
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
# 0006: a published list replacing the action above, its entries (one
# jurisdiction printed twice) and an entry's fate.
REPRESENTATIVE["0006"] = [
    *REPRESENTATIVE["0001"],
    (
        "INSERT INTO federal_action (id, key, date, agency, kind, title, description,"
        " source_id, target_count, created_at, replaces_id) VALUES (900002, 'test-list-2025',"
        " '2025-08-05', 'U.S. Department of Justice', 'designation_list', 'Test list', NULL,"
        " 900001, 35, :at, 900001)",
        {"at": STAMP},
    ),
    ("INSERT INTO action_target (action_id, jurisdiction_id) VALUES (900002, 900001)", {}),
    (
        "INSERT INTO list_entry (id, action_id, position, name, jurisdiction_id, reason,"
        " created_at) VALUES (900001, 900002, 1, :name, 900001, :reason, :at)",
        {"name": "Test Doña Ana County", "reason": TRICKY, "at": STAMP},
    ),
    (
        "INSERT INTO list_entry (id, action_id, position, name, jurisdiction_id, reason,"
        " created_at) VALUES (900002, 900002, 2, 'County of Test Doña Ana', 900001, NULL, :at)",
        {"at": STAMP},
    ),
    (
        "INSERT INTO list_entry_fate (id, entry_id, fate, date, source_id, note, created_at)"
        " VALUES (900001, 900001, 'disputed', '2025-08', 900002, :note, :at)",
        {"note": TRICKY, "at": STAMP},
    ),
]

# 0007: a ruling's scope, restraints, coverage and events.
REPRESENTATIVE["0007"] = [
    *REPRESENTATIVE["0006"],
    (
        "INSERT INTO ruling (id, case_id, date, kind, judge, summary, source_id, created_at,"
        " scope) VALUES (900002, 900001, '2018-06-26', 'appellate_decision', NULL, NULL,"
        " 900002, :at, 'universal')",
        {"at": STAMP},
    ),
    ("INSERT INTO ruling_restraint (ruling_id, action_id) VALUES (900001, 900001)", {}),
    ("INSERT INTO ruling_coverage (ruling_id, jurisdiction_id) VALUES (900001, 900002)", {}),
    (
        "INSERT INTO ruling_event (id, ruling_id, event, date, source_id, appellate_ruling_id,"
        " note, created_at) VALUES (900001, 900001, 'stayed', '2018-06', 900001, 900002, :n, :at)",
        {"n": TRICKY, "at": STAMP},
    ),
    (
        "INSERT INTO ruling_event (id, ruling_id, event, date, source_id, appellate_ruling_id,"
        " note, created_at) VALUES (900002, 900002, 'expired', '2019', 900002, NULL, NULL, :at)",
        {"at": STAMP},
    ),
    ("INSERT INTO ruling_event_coverage (event_id, jurisdiction_id) VALUES (900001, 900001)", {}),
]

# The synthetic revision follows the real head, whatever it is.
REAL_REVISIONS = schema.REVISIONS
REAL_HEAD = schema.HEAD
SYNTHETIC = f"{int(REAL_HEAD) + 1:04d}"

SYNTHETIC_SCRIPT = '''"""Test only: a revision after head that rebuilds the jurisdiction table."""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
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
    from tracker import transfer

    db.upgrade(url, "head")
    with db.connect(url, write=True) as s:
        transfer.import_files(s, db.resource_dir("seed"))
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
    """Install a copied migrations directory with a revision after head (optionally lossy)."""

    def install(extra: str = "") -> Path:
        location = tmp_path / "migrations"
        shutil.copytree(
            db.resource_dir("migrations"), location, ignore=shutil.ignore_patterns("__pycache__")
        )
        script = (
            SYNTHETIC_SCRIPT.replace("{revision}", SYNTHETIC)
            .replace("{down_revision}", REAL_HEAD)
            .replace("{extra}", extra)
        )
        (location / "versions" / f"{SYNTHETIC}_test_extra.py").write_text(script)
        real = db.resource_dir
        monkeypatch.setattr(
            db, "resource_dir", lambda name: location if name == "migrations" else real(name)
        )
        monkeypatch.setattr(schema, "REVISIONS", (*schema.REVISIONS, SYNTHETIC))
        monkeypatch.setattr(schema, "HEAD", SYNTHETIC)
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
            request.addfinalizer(lambda pg=pg, name=name: (db.dispose_all(), pg.drop_later(name)))
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
    assert order == [*REAL_REVISIONS, SYNTHETIC]
    _populate_at(empty_url, REAL_HEAD, order)
    before = _rows(empty_url)
    _upgrade_cli(empty_url)
    assert db.revision_of(empty_url) == SYNTHETIC
    after = _rows(empty_url)
    assert "test_extra" in after["jurisdiction"][0]
    assert _lost(before, after) == []


def test_a_migration_that_rebuilds_a_table_keeps_it_journaled(engine_name, empty_url, synthetic):
    """SQLite drops a table's triggers when a batch migration rebuilds it:
    after the synthetic rebuild, an edit is still journaled (migrations/env.py
    installs the journal's triggers again after every migration)."""
    order = _revisions_base_to_head(_script(synthetic()))
    _populate_at(empty_url, REAL_HEAD, order)
    _upgrade_cli(empty_url)
    with db.engine_for(empty_url).begin() as conn:
        conn.execute(sa.text("UPDATE jurisdiction SET population = 7 WHERE id = 900001"))
    with db.engine_for(empty_url).connect() as conn:
        last = conn.execute(
            sa.text("SELECT table_name, op, old FROM change_log ORDER BY id DESC LIMIT 1")
        ).one()
    assert last.table_name == "jurisdiction" and last.op == "update"
    assert '"population": 219561' in last.old.replace('":219561', '": 219561')


def test_the_check_catches_a_migration_that_loses_rows(engine_name, empty_url, synthetic):
    order = _revisions_base_to_head(_script(synthetic(LOSSY)))
    _populate_at(empty_url, REAL_HEAD, order)
    before = _rows(empty_url)
    _upgrade_cli(empty_url)
    aliases = len(before["jurisdiction_alias"])
    assert aliases > 1
    lost = _lost(before, _rows(empty_url))
    assert lost == [f"jurisdiction_alias: {aliases} row(s) lost or changed"]


# --- 0002: jurisdiction's UNIQUE constraints become unique indexes ---------------

JURISDICTION_UNIQUES = {"uq_jurisdiction_ocd_id", "uq_jurisdiction_fips"}
REFERENCING = [
    "jurisdiction_alias",
    "policy_status",
    "action_target",
    "grant_amount",
    "grant_member",
    "case_party",
]


def _jurisdiction_uniques(url: str) -> tuple[set[str], set[str]]:
    """The jurisdiction table's (unique constraints, standalone unique indexes)."""
    with db.engine_for(url).connect() as conn:
        inspector = sa.inspect(conn)
        constraints = {u["name"] for u in inspector.get_unique_constraints("jurisdiction")}
        indexes = {
            i["name"]
            for i in inspector.get_indexes("jurisdiction")
            # PostgreSQL also lists the index behind each UNIQUE constraint.
            if i["unique"] and not i.get("duplicates_constraint")
        }
    return constraints, indexes


def _duplicate_refused(url: str, column: str) -> str:
    """Insert a jurisdiction repeating row 900001's ``column``; the refusal's text."""
    of_900001 = {"ocd_id": "ocd-division/country:us/state:nm/county:test_dona_ana", "fips": "35013"}
    values = {
        "ocd_id": "ocd-division/country:us/state:nm/county:test_duplicate",
        "fips": None,
        column: of_900001[column],
    }
    with pytest.raises(IntegrityError) as info, db.engine_for(url).begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO jurisdiction (id, ocd_id, name, name_folded, kind, state, fips,"
                " created_at) VALUES (900003, :ocd_id, 'Dup', 'dup', 'county', 'NM', :fips, :at)"
            ),
            {**values, "at": STAMP},
        )
    return str(info.value.orig)


def _assert_duplicates_refused(url: str) -> None:
    for column in ("ocd_id", "fips"):
        message = _duplicate_refused(url, column)
        if db.is_sqlite(url):
            assert f"UNIQUE constraint failed: jurisdiction.{column}" in message
        else:
            assert f"uq_jurisdiction_{column}" in message
    with db.engine_for(url).connect() as conn:
        assert (
            conn.execute(sa.text("SELECT count(*) FROM jurisdiction WHERE id = 900003")).scalar()
            == 0
        )


def _assert_references_hold(url: str) -> None:
    """The referencing tables still point at the (rebuilt) jurisdiction table."""
    engine = db.engine_for(url)
    if db.is_sqlite(url):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    # A status assertion cites jurisdiction 900001: deleting it is refused.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM jurisdiction WHERE id = 900001"))
    # And a row pointing at no jurisdiction is refused.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO jurisdiction_alias (id, jurisdiction_id, alias, alias_folded)"
                " VALUES (900009, 987654, 'Nowhere', 'nowhere')"
            )
        )


def test_upgrade_to_0002_keeps_every_jurisdiction_and_every_row_referencing_one(empty_url):
    order = _revisions_base_to_head(_script())
    _populate_at(empty_url, "0001", order)
    assert _jurisdiction_uniques(empty_url) == (JURISDICTION_UNIQUES, set())
    before = _rows(empty_url)
    assert all(before[table] for table in REFERENCING)

    db.upgrade(empty_url, "0002")
    assert db.revision_of(empty_url) == "0002"
    after = _rows(empty_url)
    assert _lost(before, after) == []
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert _jurisdiction_uniques(empty_url) == (set(), JURISDICTION_UNIQUES)
    _assert_references_hold(empty_url)
    _assert_duplicates_refused(empty_url)


def test_downgrade_from_0002_to_0001_keeps_every_row_and_the_unique_constraints(empty_url):
    order = _revisions_base_to_head(_script())
    _populate_at(empty_url, "0002", order)
    before = _rows(empty_url)

    db.downgrade(empty_url, "0001")
    assert db.revision_of(empty_url) == "0001"
    after = _rows(empty_url)
    assert _lost(before, after) == []
    assert {t: len(r) for t, r in after.items()} == {t: len(r) for t, r in before.items()}
    assert _jurisdiction_uniques(empty_url) == (JURISDICTION_UNIQUES, set())
    _assert_references_hold(empty_url)
    _assert_duplicates_refused(empty_url)


# --- the backup before an upgrade --------------------------------------------------


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_upgrade_of_a_database_holding_data_writes_a_backup_first(empty_url, synthetic):
    order = _revisions_base_to_head(_script(synthetic()))
    _populate_at(empty_url, REAL_HEAD, order)
    before = _rows(empty_url)
    result = _upgrade_cli(empty_url)
    [backup] = _backups(empty_url)
    assert backup.name.startswith(f"empty.db.bak-{REAL_HEAD}-")
    assert str(backup) in result.stderr
    assert result.stdout == ""
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    backup_url = f"sqlite:///{backup}"
    assert db.revision_of(backup_url) == REAL_HEAD
    assert _rows(backup_url) == before


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_automatic_first_use_upgrade_also_writes_a_backup(empty_url, synthetic):
    order = _revisions_base_to_head(_script(synthetic()))
    _populate_at(empty_url, REAL_HEAD, order)
    before = _rows(empty_url)
    db.dispose_all()
    result = CliRunner().invoke(app, ["--db", empty_url, "sources", "list", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert db.revision_of(empty_url) == SYNTHETIC
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
    # At the real head with tables but no rows: the upgrade has nothing to protect.
    synthetic()
    result = _upgrade_cli(empty_url)
    assert db.revision_of(empty_url) == SYNTHETIC
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
    _populate_at(empty_url, REAL_HEAD, order)
    result = _upgrade_cli(empty_url)
    assert "Backed up" not in result.stderr
    assert list(tmp_path.glob("*.bak-*")) == []
