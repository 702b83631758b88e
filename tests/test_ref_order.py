"""REFs resolved in DESIGN.md's order, the same in a file as on the command
line: an OCD id; a FIPS code (a bare number is never a database id); ``#N``
(commands only); a state's name or code (always the state); ``Name, ST``; a
unique name or alias. On both engines."""

import pytest
from conftest import dump

from tracker import db, transfer
from tracker import jurisdictions as jur
from tracker.batch import Batch
from tracker.errors import Ambiguous, ImportFailed, InvalidValue, NotFound
from tracker.models import Jurisdiction, utcnow

SRC = "https://example.org/census-list"
NYC = "ocd-division/country:us/state:ny/place:new_york"
KENT = "ocd-division/country:us/state:de/county:kent"
NEW_CASTLE = "ocd-division/country:us/state:de/county:new_castle"
SUSSEX = "ocd-division/country:us/state:de/county:sussex"
NOT_TRACKED = (
    "jurisdiction: 'New York' names the state New York, which is not tracked; "
    'add it with: tracker jurisdictions add "New York" --kind state --state NY'
)


def add(url, name, kind, state, **kw):
    with db.connect(url, write=True) as s:
        return jur.add(s, {"name": name, "kind": kind, "state": state, **kw})


def find(url, ref):
    with db.connect(url) as s:
        return jur.resolve(s, ref).ocd_id


def failure(url, ref, error=NotFound) -> str:
    with db.connect(url) as s, pytest.raises(error) as err:
        jur.resolve(s, ref)
    return str(err.value)


def import_dir(url, tmp_path, **files: str):
    """Import the files given (name: text); the summary, or ImportFailed's problems."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    try:
        with db.connect(url, write=True) as s:
            return transfer.import_files(s, folder)
    except ImportFailed as exc:
        # Raised out of the transaction, which rolls back.
        return exc.problems


def status_of(url) -> list[tuple[str, str]]:
    with db.connect(url) as s:
        rows = s.exec_driver_sql(
            "SELECT j.ocd_id, p.status FROM policy_status p "
            "JOIN jurisdiction j ON j.id = p.jurisdiction_id ORDER BY j.ocd_id"
        )
        return [tuple(r) for r in rows]


@pytest.fixture
def delaware(url):
    """Delaware's three counties by FIPS code, and three towns whose database
    ids are those codes as numbers: what a national database of 100,000
    jurisdictions holds by chance."""
    for name, fips in (("Kent County", "10001"), ("New Castle County", "10003")):
        add(url, name, "county", "DE", fips=fips)
    add(url, "Sussex County", "county", "DE", fips="10005")
    with db.connect(url, write=True) as s:
        for fips in ("10001", "10003", "10005"):
            s.execute(
                Jurisdiction.insert().values(
                    id=int(fips),
                    ocd_id=f"ocd-division/country:us/state:vt/place:town_{fips}",
                    name=f"Town {fips}",
                    name_folded=f"town {fips}",
                    kind="town",
                    state="VT",
                    created_at=utcnow(),
                )
            )
    return url


# --- a bare number is a FIPS code, at any size --------------------------------


def test_a_status_file_by_county_fips_works_where_ids_equal_those_numbers(delaware, tmp_path):
    # Before: every row failed with "'10001' is the FIPS code of Kent County,
    # DE (...) and the id of Town 10001, VT (...); use the OCD id".
    summary = import_dir(
        delaware,
        tmp_path,
        sources=f"title,url\nCensus list,{SRC}\n",
        status=(
            "jurisdiction,status,source\n"
            f"10001,sanctuary,{SRC}\n"
            f"10003,partial,{SRC}\n"
            f"10005,cooperative,{SRC}\n"
        ),
    )
    assert not isinstance(summary, list), summary
    assert summary["status"].added == 3
    assert status_of(delaware) == [
        (KENT, "sanctuary"),
        (NEW_CASTLE, "partial"),
        (SUSSEX, "cooperative"),
    ]


def test_on_the_command_line_a_bare_number_is_the_fips_code_and_hash_n_the_id(delaware):
    assert find(delaware, "10001") == KENT
    assert find(delaware, "#10001") == "ocd-division/country:us/state:vt/place:town_10001"
    assert find(delaware, "10005") == SUSSEX


def test_a_bare_number_that_is_no_fips_code_is_unknown_with_a_hint_for_commands(seeded_url):
    assert failure(seeded_url, "99999") == (
        "jurisdiction: no jurisdiction has the FIPS code '99999'; "
        "a bare number is a FIPS code: for the database id, write '#99999'"
    )
    assert failure(seeded_url, "3") == (
        "jurisdiction: '3' is not a FIPS code (2, 5 or 7 digits); "
        "a bare number is a FIPS code: for the database id, write '#3'"
    )
    # A leading zero is never an id: no hint.
    assert failure(seeded_url, "06999") == "jurisdiction: no jurisdiction has the FIPS code '06999'"
    assert failure(seeded_url, "#987654") == (
        "jurisdiction: no jurisdiction has the database id 987654; see `tracker jurisdictions list`"
    )


def test_a_file_never_names_a_database_id(seeded_url, tmp_path):
    before = dump(seeded_url)
    problems = import_dir(
        seeded_url,
        tmp_path,
        status=(
            "jurisdiction,status,source,effective\n"
            f"#1,sanctuary,{SRC},2017\n"
            f"99999,sanctuary,{SRC},2017\n"
        ),
        sources=f"title,url\nCensus list,{SRC}\n",
    )
    assert problems == [
        "status.csv, line 2: jurisdiction: '#1' is a database id, which files never use "
        "(ids differ between databases); name the jurisdiction by its OCD id or FIPS code",
        # No '#N' hint in a file.
        "status.csv, line 3: jurisdiction: no jurisdiction has the FIPS code '99999'",
    ]
    assert dump(seeded_url) == before


def test_a_hash_id_in_a_grant_or_target_list_is_a_line_error_too(seeded_url, tmp_path):
    problems = import_dir(
        seeded_url,
        tmp_path,
        grants=(
            "program,fiscal_year,amount,amount_type,jurisdictions,source\n"
            'Byrne JAG,2017,100,withheld,"Chicago, IL; #2",' + SRC + "\n"
        ),
        sources=f"title,url\nCensus list,{SRC}\n",
    )
    assert problems == [
        "grants.csv, line 2: jurisdictions: '#2' is a database id, which files never use "
        "(ids differ between databases); name the jurisdiction by its OCD id or FIPS code",
    ]


# --- a state's name or code is the state ----------------------------------------


@pytest.mark.parametrize("ref", ["New York", "new york", "NY", "36"])
def test_a_state_not_tracked_is_said_so_never_a_city_alias(seeded_url, ref):
    # The seed has New York City with the alias "New York"; the state is not tracked.
    assert failure(seeded_url, ref) == NOT_TRACKED.replace("'New York' names", f"{ref!r} names")


def test_a_state_in_a_file_is_the_state(seeded_url, tmp_path):
    # Not tracked yet: a file adds the state (and the territory) from the registry,
    # never reading "New York" as New York City's alias.
    summary = import_dir(
        seeded_url,
        tmp_path,
        status=(
            "jurisdiction,status,source\n"
            f"California,sanctuary,{SRC}\n"
            f"New York,sanctuary,{SRC}\n"
            f"PR,unknown,{SRC}\n"
        ),
        sources=f"title,url\nCensus list,{SRC}\n",
    )
    assert summary["status"].added == 3
    assert summary["jurisdictions"].added == 2
    assert ("ocd-division/country:us/state:ny", "sanctuary") in status_of(seeded_url)
    assert ("ocd-division/country:us/territory:pr", "unknown") in status_of(seeded_url)
    assert (NYC, "sanctuary") in status_of(seeded_url)  # the seed's own row
    assert find(seeded_url, "New York") == "ocd-division/country:us/state:ny"
    assert find(seeded_url, "New York City") == NYC


def test_the_state_branch_is_one_function(seeded_url):
    # The registry will create an untracked state here; every path goes through it.
    with db.connect(seeded_url) as s:
        st = jur.lookup_state("TX")
        with pytest.raises(NotFound, match="'Texas' names the state Texas"):
            jur.state_id(s, st, "Texas")
        assert jur.state_id(s, jur.lookup_state("CA"), "CA") == jur.resolve_id(s, "06")


# --- ambiguous and unknown --------------------------------------------------------


def test_an_ambiguous_ref_lists_kind_state_fips_and_ocd_id(seeded_url):
    add(seeded_url, "Franklin County", "county", "OH", fips="39049")
    add(seeded_url, "Franklin County", "county", "PA", fips="42055")
    assert failure(seeded_url, "franklin county", Ambiguous) == (
        "jurisdiction: 'franklin county' matches 2 jurisdictions: "
        "Franklin County (county, OH, FIPS 39049, ocd-division/country:us/state:oh/county:franklin); "
        "Franklin County (county, PA, FIPS 42055, ocd-division/country:us/state:pa/county:franklin); "
        "name one by its OCD id or FIPS code"
    )  # fmt: skip
    assert find(seeded_url, "42055") == "ocd-division/country:us/state:pa/county:franklin"


def test_an_unknown_ref_suggests_close_names(seeded_url):
    assert failure(seeded_url, "Chicgo") == (
        "jurisdiction: no jurisdiction matches 'Chicgo'; "
        "did you mean: Chicago, IL (ocd-division/country:us/state:il/place:chicago)"
    )
    assert failure(seeded_url, "Gotham, NY") == (
        "jurisdiction: no jurisdiction matches 'Gotham, NY'; see `tracker jurisdictions list`"
    )


# --- one set of rules -------------------------------------------------------------

FORMS = [
    ("ocd-division/country:us/state:il/place:chicago", "ocd_id"),
    ("OCD-Division/country:us/state:il/place:chicago", "ocd_id"),
    ("1714000", "fips"),
    ("06", "fips"),
    ("Illinois", "state"),
    ("il", "state"),
    ("Chicago, IL", "name_state"),
    ("New York City, NY", "name_state"),
    ("Washington, D.C.", "name"),
    ("City of Chicago", "name"),
    ("san francisco county", "name"),
    ("California", "state"),
    ("Franklin County", "name"),
    ("Chicgo, IL", "name_state"),
    ("99999", "fips"),
]


@pytest.mark.parametrize("ref, _form", FORMS)
def test_a_file_resolves_every_ref_as_a_command_does(seeded_url, ref, _form):
    add(seeded_url, "Franklin County", "county", "OH", fips="39049")
    add(seeded_url, "Franklin County", "county", "PA", fips="42055")

    def answer(resolve):
        try:
            return resolve()
        except (NotFound, Ambiguous, InvalidValue) as exc:
            return str(exc)

    with db.connect(seeded_url) as s:
        command = answer(lambda: jur.resolve_id(s, ref))
        in_file = answer(lambda: jur.ref_id(Batch(s, where="status.csv"), ref, "jurisdiction"))
    # Only the '#N' hint differs: files never use ids.
    assert str(in_file) == str(command).split("; a bare number is a FIPS code")[0]


def test_parse_ref_reads_the_forms_in_design_order():
    read = {text: jur.parse_ref(text).form for text, _ in FORMS}
    assert read["1714000"] == jur.FIPS
    assert read["Illinois"] == read["il"] == read["California"] == jur.STATE
    assert jur.parse_ref("New York").form == jur.STATE
    assert read["Chicago, IL"] == jur.NAME_STATE
    assert read["City of Chicago"] == jur.NAME
    assert jur.parse_ref("#12").form == jur.DB_ID
    assert jur.parse_ref(" ocd-division/country:us ").form == jur.OCD_ID
    for bad, message in (("", "a jurisdiction reference is required"), ("a\x00", "NUL")):
        with pytest.raises(InvalidValue, match=message):
            jur.parse_ref(bad)


# --- the command line --------------------------------------------------------------


def test_status_set_takes_hash_n_and_fips(seeded_cli):
    ok = seeded_cli("sources", "add", "Census list", "--url", SRC)
    assert ok.exit_code == 0, ok.stderr
    with db.connect(seeded_cli.url) as s:
        chicago = jur.resolve_id(s, "Chicago, IL")
    by_id = seeded_cli("status", "set", f"#{chicago}", "partial", "--source", SRC)
    assert by_id.exit_code == 0, by_id.stderr
    assert by_id.stderr.startswith("Recorded Chicago, IL: partial")
    by_fips = seeded_cli("status", "set", "1714000", "cooperative", "--source", SRC)
    assert by_fips.exit_code == 0, by_fips.stderr
    assert by_fips.stderr.startswith("Recorded Chicago, IL: cooperative")
    bare = seeded_cli("status", "history", str(chicago))
    assert bare.exit_code == 1
    assert bare.stderr == (
        f"Error: jurisdiction: {str(chicago)!r} is not a FIPS code (2, 5 or 7 digits); "
        f"a bare number is a FIPS code: for the database id, write '#{chicago}'\n"
    )
    state = seeded_cli("jurisdictions", "show", "New York")
    assert state.exit_code == 1
    assert state.stderr == f"Error: {NOT_TRACKED}\n"
