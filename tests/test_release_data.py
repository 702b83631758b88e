"""The data release under `tracker publish`'s DIR/data/ (tracker/release.py):
the CSV files exactly as `tracker export` writes them, a datapackage.json that
the frictionless package validates, an SQLite copy of the database that two
runs write byte for byte alike, and Datasette's metadata.json with a
status_as_of query that agrees with `tracker report status`. On both engines,
on the seed plus a designation list, a court order with an event, and
sources that disagree."""

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest
import sqlalchemy as sa
from conftest import CLI, dump, prebuilt

from tracker import db, release, schema
from tracker.csvformat import ENTITIES
from tracker.models import metadata

DOJ_SRC = "https://www.justice.gov/ag/sanctuary-jurisdiction-list"
DISPUTE_SRC = "https://example.org/cook-county-disputes-its-listing"
CHI_SRC = "https://example.org/chicago-v-sessions"
RECHECK_SRC = "https://example.org/sanctuary-recheck"
CHI_CASE = "1:17-cv-05720"
SEVENTH = "17-2991"
SF = "ocd-division/country:us/state:ca/place:san_francisco"
CSVS = [e.filename for e in ENTITIES.values()]
FILES = [*CSVS, "datapackage.json", "tracker.db", "metadata.json"]


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def _build(cli: CLI, tmp_path: Path) -> None:
    """Beside the seed: a designation list with entries, a fate and a later
    version; a court order stayed by an appellate ruling; grants; and
    statuses where sources disagree and runs change."""
    for title, url, published, kind in (
        ("Sanctuary Jurisdiction List", DOJ_SRC, "2025-08-05", "government_release"),
        ("Cook County disputes its listing", DISPUTE_SRC, "2025-08-10", "news"),
        ("City of Chicago v. Sessions, docket", CHI_SRC, "", "court_record"),
        ("A second look at sanctuary policies", RECHECK_SRC, "2018-03", "dataset"),
    ):
        ok(cli("sources", "add", title, "--url", url, "--kind", kind,
               *(["--published", published] if published else [])))  # fmt: skip
    doj = ok(cli("actions", "add", "DOJ sanctuary jurisdiction list", "--date", "2025-08-05",
                 "--agency", "U.S. Department of Justice", "--kind", "designation_list",
                 "--source", DOJ_SRC, "--target-count", "35"))  # fmt: skip
    names = tmp_path / "doj.csv"
    names.write_text(
        'Jurisdiction,State\nCalifornia,CA\n"Cook County, IL",IL\n'
        "City and County of San Francisco,CA\nSan Francisco,CA\n",
        encoding="utf-8",
    )
    ok(cli("actions", "load-entries", doj, str(names), "--name", "Jurisdiction",
           "--state", "State"))  # fmt: skip
    ok(cli("actions", "fate", doj, "Cook County, IL", "--fate", "disputed",
           "--date", "2025-08-10", "--source", DISPUTE_SRC, "--note", "It honours warrants."))  # fmt: skip
    ok(cli("actions", "add", "DOJ sanctuary jurisdiction list (updated)", "--date", "2025-09",
           "--agency", "U.S. Department of Justice", "--kind", "designation_list",
           "--source", DOJ_SRC, "--replaces", doj))  # fmt: skip
    jag = ok(cli("actions", "add", "Byrne JAG notice and access conditions",
                 "--date", "2017-07-25", "--agency", "U.S. Department of Justice",
                 "--kind", "grant_condition", "--source", CHI_SRC))  # fmt: skip
    ok(cli("cases", "add", "City of Chicago v. Sessions", "--court", "N.D. Ill.",
           "--docket", CHI_CASE, "--filed", "2017-08-07", "--source", CHI_SRC,
           "--plaintiff", "Chicago, IL", "--defendant", "Jeff Sessions"))  # fmt: skip
    ok(cli("cases", "rule", CHI_CASE, "--date", "2017-09-15", "--kind", "preliminary_injunction",
           "--judge", "Harry D. Leinenweber", "--source", CHI_SRC, "--restrains", jag,
           "--scope", "universal"))  # fmt: skip
    ok(cli("cases", "add", "City of Chicago v. Sessions (7th Cir.)", "--court", "7th Cir.",
           "--docket", SEVENTH, "--source", CHI_SRC))  # fmt: skip
    ok(cli("cases", "rule", SEVENTH, "--date", "2018-06-26", "--kind", "appellate_decision",
           "--summary", "En banc: the nationwide scope stayed", "--source", CHI_SRC))  # fmt: skip
    ok(cli("cases", "event", CHI_CASE, "--ruling", "2017-09-15:preliminary_injunction",
           "--event", "stayed", "--date", "2018-06-26", "--source", CHI_SRC,
           "--appellate", f"{SEVENTH}@2018-06-26:appellate_decision",
           "--still-covers", "Chicago, IL"))  # fmt: skip
    ok(cli("grants", "add", "Chicago, IL", "--program", "Byrne JAG", "--fiscal-year", "2017",
           "--amount", "$2,300,000", "--type", "withheld", "--source", CHI_SRC,
           "--action", jag))  # fmt: skip
    ok(cli("grants", "add", "Chicago, IL", "San Francisco, CA", "--program", "Byrne JAG",
           "--fiscal-year", "2017", "--amount", "1000.50", "--type", "threatened",
           "--source", CHI_SRC))  # fmt: skip
    # San Francisco: another source says otherwise (from its published date), then
    # a third says sanctuary again; Chicago: a source with only a published date;
    # Los Angeles: an older effective date, which its run's "since" takes.
    ok(cli("status", "set", "San Francisco, CA", "cooperative", "--source", RECHECK_SRC))
    ok(cli("status", "set", "San Francisco, CA", "sanctuary", "--source", CHI_SRC,
           "--observed", "2018-05-02"))  # fmt: skip
    ok(cli("status", "set", "Chicago, IL", "partial", "--source", RECHECK_SRC,
           "--note", "Only the police department."))  # fmt: skip
    ok(cli("status", "set", "Los Angeles, CA", "sanctuary", "--source", CHI_SRC,
           "--effective", "2017-10-05"))  # fmt: skip
    ok(
        cli(
            "status", "set", "Illinois", "neutral", "--source", RECHECK_SRC, "--observed", "2018-04"
        )
    )


@pytest.fixture
def built(seeded_cli, tmp_path, request) -> CLI:
    """Built once per worker and engine, copied for each test after."""
    prebuilt(request, seeded_cli.url, lambda: _build(seeded_cli, tmp_path))
    return seeded_cli


def _release(url: str, out: Path) -> dict[str, int]:
    with db.connect(url, snapshot=True) as conn:
        return release.write(conn, out)


def _hashes(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.iterdir()}


def _invalid(report) -> list:
    return report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


# --- the files ----------------------------------------------------------------------


def test_the_release_writes_its_files_and_counts_their_rows(built, tmp_path):
    counts = _release(built.url, tmp_path / "data")
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == sorted(FILES)
    assert list(counts) == FILES
    assert counts["entries.csv"] == 4
    assert counts["entry_fates.csv"] == 1
    assert counts["ruling_events.csv"] == 1
    assert counts["status.csv"] == 12
    assert counts["datapackage.json"] == len(ENTITIES)
    assert counts["metadata.json"] == len(metadata.tables) + 1
    with db.engine_for(built.url).connect() as conn:
        rows = sum(
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
            if t.name != "change_log"
        )
    assert counts["tracker.db"] == rows


def test_the_csv_files_are_the_export_byte_for_byte(built, tmp_path):
    ok(built("export", "--out", str(tmp_path / "export")))
    _release(built.url, tmp_path / "data")
    for name in CSVS:
        assert (tmp_path / "data" / name).read_bytes() == (
            tmp_path / "export" / name
        ).read_bytes(), name


def test_publishing_twice_gives_identical_files(built, tmp_path):
    _release(built.url, tmp_path / "one")
    _release(built.url, tmp_path / "two")
    assert _hashes(tmp_path / "one") == _hashes(tmp_path / "two")
    # Written again over a release already there: the same bytes, no partial files left.
    _release(built.url, tmp_path / "one")
    assert _hashes(tmp_path / "one") == _hashes(tmp_path / "two")


# --- datapackage.json ------------------------------------------------------------------


def test_the_data_package_is_valid(built, tmp_path):
    _release(built.url, tmp_path / "data")
    report = frictionless.validate(tmp_path / "data" / "datapackage.json")
    assert report.valid, _invalid(report)
    assert report.stats["tasks"] == len(ENTITIES)


def test_the_data_package_of_an_empty_database_is_valid(url, tmp_path):
    counts = _release(url, tmp_path / "data")
    assert counts["tracker.db"] == 0
    assert all(counts[name] == 0 for name in CSVS)
    report = frictionless.validate(tmp_path / "data" / "datapackage.json")
    assert report.valid, _invalid(report)
    package = json.loads((tmp_path / "data" / "datapackage.json").read_text("utf-8"))
    # No data, no moment it last changed.
    assert "created" not in package


def test_validation_catches_a_broken_reference_a_word_outside_the_vocabulary_and_a_bad_date(
    built, tmp_path
):
    data = tmp_path / "data"
    _release(built.url, data)
    package = json.loads((data / "datapackage.json").read_text("utf-8"))
    for resource in package["resources"]:
        del resource["hash"], resource["bytes"]
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    status = (data / "status.csv").read_text("utf-8").splitlines()
    status[1] = status[1].replace(",sanctuary,", ",sanctuarry,", 1)
    status[2] = status[2].replace("ocd-division/", "ocd-divisoin/", 1)
    (data / "status.csv").write_text("\n".join(status) + "\n", encoding="utf-8")
    actions = (data / "actions.csv").read_text("utf-8").splitlines()
    (line,) = [i for i, a in enumerate(actions) if a.startswith("2018-01-24-")]
    actions[line] = actions[line].replace(",2018-01-24,", ",2018-1-24,", 1)
    (data / "actions.csv").write_text("\n".join(actions) + "\n", encoding="utf-8")
    report = frictionless.validate(data / "datapackage.json")
    found = {(row[1], row[2], row[3]) for row in _invalid(report)}
    assert found == {
        (2, "status", "constraint-error"),
        (3, None, "foreign-key"),
        (line + 1, "date", "constraint-error"),
    }


def test_each_file_is_described_from_the_csv_format(built, tmp_path):
    _release(built.url, tmp_path / "data")
    package = json.loads((tmp_path / "data" / "datapackage.json").read_text("utf-8"))
    assert package["name"] == "tracker"
    assert package["profile"] == "tabular-data-package"
    assert "licenses" not in package
    resources = {r["name"]: r for r in package["resources"]}
    assert list(resources) == list(ENTITIES)
    for name, e in ENTITIES.items():
        r = resources[name]
        assert r["path"] == e.filename and r["format"] == "csv" and r["encoding"] == "utf-8"
        assert r["description"] == e.about
        fields = r["schema"]["fields"]
        assert [f["name"] for f in fields] == list(e.columns)
        for f, c in zip(fields, e.fields, strict=True):
            assert f["description"].startswith(c.about)
            constraints = f.get("constraints", {})
            if c.required:
                assert constraints["required"] is True, (name, c.name)
            if c.choices is not None:
                assert constraints["enum"] == [m.value for m in c.choices]
        assert r["schema"]["missingValues"] == [""]
    # The keys and types named in release.py are columns of the files.
    for name, key in release.PRIMARY_KEYS.items():
        assert set(key) <= set(ENTITIES[name].columns)
    for name, fields in release.FIELDS.items():
        assert set(fields) <= set(ENTITIES[name].columns)
    for name, references in release.FOREIGN_KEYS.items():
        for columns, target, target_columns in references:
            assert set(columns.split()) <= set(ENTITIES[name].columns)
            assert set(target_columns.split()) <= set(ENTITIES[target].columns)

    status = {f["name"]: f for f in resources["status"]["schema"]["fields"]}
    assert status["effective"]["type"] == "string"
    assert status["effective"]["constraints"]["pattern"] == "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
    assert status["recorded_at"]["type"] == "datetime"
    assert resources["status"]["schema"]["foreignKeys"] == [
        {"fields": "jurisdiction", "reference": {"resource": "jurisdictions", "fields": "ocd_id"}},
        {"fields": "source", "reference": {"resource": "sources", "fields": "key"}},
    ]
    assert "primaryKey" not in resources["status"]["schema"]
    assert resources["jurisdictions"]["schema"]["primaryKey"] == ["ocd_id"]
    grants = {f["name"]: f for f in resources["grants"]["schema"]["fields"]}
    assert grants["amount"]["type"] == "number"
    assert grants["fiscal_year"]["type"] == "integer"
    assert "(a list, so no foreign key)" in grants["jurisdictions"]["description"]
    assert resources["ruling_events"]["schema"]["foreignKeys"][0] == {
        "fields": ["case", "ruling_date", "ruling_kind"],
        "reference": {"resource": "rulings", "fields": ["case", "date", "kind"]},
    }


def test_created_is_when_the_data_last_changed_never_the_clock(built, tmp_path):
    _release(built.url, tmp_path / "data")
    package = json.loads((tmp_path / "data" / "datapackage.json").read_text("utf-8"))
    exported = (tmp_path / "data" / "status.csv").read_text("utf-8").splitlines()[1:]
    newest = max(line.rsplit(",", 1)[1] for line in exported)
    # The last status set is the last change made.
    assert package["created"] == newest[:19] + "Z"


# --- tracker.db -------------------------------------------------------------------------


def test_the_sqlite_copy_holds_every_row_but_the_journal(built, tmp_path):
    _release(built.url, tmp_path / "data")
    path = tmp_path / "data" / "tracker.db"
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone() == (
        0,
    )
    assert raw.execute("SELECT count(*) FROM change_log").fetchone() == (0,)
    assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [(schema.HEAD,)]
    raw.close()
    original = dump(built.url)
    copied = dump(f"sqlite:///{path}")
    assert original.pop("change_log") != []
    assert copied.pop("change_log") == []
    assert copied == original
    # tracker itself reads the copy as it reads the database.
    report = ["report", "status", "--as-of", "2018-06-01", "--format", "csv"]
    assert ok(CLI(f"sqlite:///{path}")(*report)) == ok(built(*report))


# --- metadata.json and the status_as_of query --------------------------------------------


def _status_as_of(path: Path, day: str) -> list[dict]:
    raw = sqlite3.connect(path)
    raw.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in raw.execute(release.STATUS_AS_OF, {"date": day})]
    finally:
        raw.close()


@pytest.mark.parametrize("day", ["2017", "2018-01-24", "2018-01-25", "2018-03", "2018-05-02",
                                 "2026-01-01"])  # fmt: skip
def test_the_status_as_of_query_agrees_with_report_status(built, tmp_path, day):
    _release(built.url, tmp_path / "data")
    got = _status_as_of(tmp_path / "data" / "tracker.db", day)
    want = json.loads(ok(built("report", "status", "--as-of", day, "--format", "json")))

    def by_key(rows):
        return sorted(rows, key=lambda r: r["jurisdiction"])

    assert by_key(got) == by_key(want)
    if built.url.startswith("sqlite"):
        assert got == want


def test_the_status_as_of_query_sees_disagreement_and_runs(built, tmp_path):
    _release(built.url, tmp_path / "data")
    rows = {
        r["jurisdiction"]: r for r in _status_as_of(tmp_path / "data" / "tracker.db", "2018-06")
    }
    sf = rows[SF]
    assert (sf["status"], sf["since"], sf["last_asserted"], sf["source"]) == (
        "sanctuary", "2018-05-02", "2018-05-02", CHI_SRC,
    )  # fmt: skip
    assert sf["disagreement"] == f"cooperative ({RECHECK_SRC})"
    la = rows["ocd-division/country:us/state:ca/place:los_angeles"]
    assert (la["status"], la["since"], la["last_asserted"], la["disagreement"]) == (
        "sanctuary", "2017-10-05", "2018-01-24", None,
    )  # fmt: skip
    chicago = rows["ocd-division/country:us/state:il/place:chicago"]
    assert (chicago["status"], chicago["since"], chicago["source"]) == (
        "partial", "2018-03", RECHECK_SRC,
    )  # fmt: skip
    dc = rows["ocd-division/country:us/district:dc"]
    assert (dc["status"], dc["since"], dc["source"]) == ("no status recorded", None, None)


def test_metadata_describes_every_table_and_column(tmp_path):
    about = release.datasette_metadata()
    tables = about["databases"]["tracker"]["tables"]
    assert set(tables) == set(metadata.tables) | {"alembic_version"}
    for name, table in metadata.tables.items():
        assert tables[name]["description"]
        assert set(tables[name]["columns"]) == set(table.c.keys()), name
        assert all(tables[name]["columns"].values())
    assert tables["jurisdiction"]["label_column"] == "name"
    assert tables["jurisdiction"]["facets"] == ["kind", "state"]
    assert "status" in tables["policy_status"]["facets"]
    assert tables["change_log"]["hidden"] is True
    assert tables["policy_status"]["columns"]["status"].endswith(
        "; one of: sanctuary, partial, cooperative, anti_sanctuary, neutral, unknown"
    )
    assert tables["policy_status"]["columns"]["source_id"] == "the source it refers to (source.id)"
    assert about["databases"]["tracker"]["queries"]["status_as_of"]["sql"] == release.STATUS_AS_OF


def test_datasette_serves_the_release(built, tmp_path):
    data = tmp_path / "data"
    _release(built.url, data)

    def get(path: str):
        result = subprocess.run(
            [sys.executable, "-m", "datasette", str(data / "tracker.db"),
             "-m", str(data / "metadata.json"), "--get", path],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    rows = get("/tracker/status_as_of.json?date=2018-01-25&_shape=array")
    assert rows == _status_as_of(data / "tracker.db", "2018-01-25")
    assert any(r["status"] == "sanctuary" for r in rows)
    served = get("/-/metadata.json")
    assert served["databases"]["tracker"]["tables"]["jurisdiction"]["label_column"] == "name"
    facets = get("/tracker/policy_status.json?_facet=status&_size=0")
    assert {f["value"] for f in facets["facet_results"]["status"]["results"]} == {
        "sanctuary", "cooperative", "partial", "neutral",
    }  # fmt: skip
