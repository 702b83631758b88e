"""Export, import into an empty database, export again: byte-identical files,
on SQLite, on PostgreSQL, and from SQLite to PostgreSQL."""

import shutil
from pathlib import Path

import pytest
from conftest import dump

from tracker import csvformat, db, sources, transfer
from tracker import jurisdictions as jur
from tracker import status as st

# Names and text a careful export must keep exactly: quotes, accents,
# brackets, commas, newlines, a leading zero, a formula-looking cell.
TRICKY = {
    "jurisdictions.csv": (
        "name,kind,state,fips,population,aliases,notes\n"
        "O'Fallon,city,MO,2954074,91316,,\n"
        'Doña Ana County,county,NM,35013,219561,"Dona Ana; Condado de Doña Ana","A note, with ""quotes""\n'
        'and a second line"\n'
        "Cañon City,city,CO,0811810,,,[brackets] =1+2\n"
    ),
    "status.csv": (
        "jurisdiction,status,source,effective,note\n"
        '"O\'Fallon, MO",cooperative,'
        "Department of Justice Threatens Jurisdictions That Don’t Cooperate With "
        "Immigration Officials (2018-01-25),2017-06,\n"
        "35013,partial,"
        "Department of Justice Threatens Jurisdictions That Don’t Cooperate With "
        "Immigration Officials (2018-01-25),2016,=SUM(A1)\n"
    ),
    "grants.csv": (
        "program,assistance_listing,fiscal_year,amount,amount_type,jurisdictions,source\n"
        'Edward Byrne Memorial Justice Assistance Grant,16.738,2017,"$1,234.50",awarded,'
        '"Doña Ana County, NM",'
        "Department of Justice Threatens Jurisdictions That Don’t Cooperate With "
        "Immigration Officials (2018-01-25)\n"
        "Edward Byrne Memorial Justice Assistance Grant,16.738,2017,5000,withheld,"
        '"Cañon City, CO; O\'Fallon, MO",'
        "Department of Justice Threatens Jurisdictions That Don’t Cooperate With "
        "Immigration Officials (2018-01-25)\n"
    ),
}


def _write(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def rich_url(seeded_url, tmp_path):
    """The seed plus tricky text and two identical assertions recorded twice."""
    with db.connect(seeded_url, write=True) as s:
        transfer.import_files(s, _write(tmp_path / "tricky", TRICKY))
    with db.connect(seeded_url, write=True) as s:
        chicago = jur.resolve(s, "Chicago, IL")
        src = sources.resolve(s, sources.list_sources(s).rows[0]["key"])
        # The CLI can record the same assertion twice (a re-run); both rows
        # are history and must survive the round trip.
        again = {"jurisdiction": chicago.ocd_id, "status": "sanctuary", "source": src.key,
                 "effective": "2017-09", "note": "again"}  # fmt: skip
        st.set_status(s, again)
        st.set_status(s, again)
    return seeded_url


def _export(url: str, out: Path) -> dict[str, bytes]:
    with db.connect(url) as s:
        transfer.export_dir(s, out)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _import(url: str, directory: Path) -> dict[str, csvformat.Counts]:
    with db.connect(url, write=True) as s:
        return transfer.import_files(s, directory)


def _fresh(engine: str, tmp_path: Path, request, name: str) -> str:
    if engine == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_template"), tmp_path / name)
        return f"sqlite:///{tmp_path / name}"
    pg = request.getfixturevalue("postgres")
    dbname = pg.migrated()
    request.addfinalizer(lambda: (db.dispose_all(), pg.release(dbname)))
    return pg.url(dbname)


def _round_trip(source_url: str, target_url: str, tmp_path: Path) -> None:
    first = _export(source_url, tmp_path / "first")
    summary = _import(target_url, tmp_path / "first")
    assert all(c.updated == 0 and c.unchanged == 0 for c in summary.values())
    second = _export(target_url, tmp_path / "second")
    assert list(first) == sorted(e.filename for e in csvformat.ENTITIES.values())
    for name in first:
        assert second[name] == first[name], name
    # The two identical assertions are both there, in both databases.
    assert first["status.csv"].count(b",2017-09,,,,again,") == 2
    assert "Doña Ana County".encode() in first["jurisdictions.csv"]
    assert b",0811810," in first["jurisdictions.csv"]
    # Importing the same files again changes nothing.
    before = dump(target_url)
    again = _import(target_url, tmp_path / "first")
    assert all(c.added == 0 and c.updated == 0 for c in again.values())
    assert dump(target_url) == before


def test_round_trip_same_engine(rich_url, engine_name, tmp_path, request):
    target = _fresh(engine_name, tmp_path, request, "target.db")
    _round_trip(rich_url, target, tmp_path)


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_round_trip_sqlite_to_postgresql(rich_url, tmp_path, request):
    target = _fresh("postgresql", tmp_path, request, "")
    _round_trip(rich_url, target, tmp_path)


@pytest.mark.parametrize("engine_name", ["postgresql"])
def test_round_trip_postgresql_to_sqlite(rich_url, tmp_path, request):
    target = _fresh("sqlite", tmp_path, request, "target.db")
    _round_trip(rich_url, target, tmp_path)


def test_seed_round_trips_to_the_seed_files_it_came_from(seeded_url, tmp_path):
    out = _export(seeded_url, tmp_path / "out")
    seed = db.resource_dir("seed")
    # Files without recorded_at in the seed get the import time; all else is identical.
    for name in ("sources.csv", "jurisdictions.csv", "actions.csv", "cases.csv", "rulings.csv"):
        assert out[name] == (seed / name).read_bytes(), name
