"""Bad input to sources, jurisdictions and status: each gets exit status 1 (user
error) or 2 (usage error), one clear ``Error: ...`` line naming the field, no
traceback, and leaves the database exactly as it was. On both engines."""

import pytest
from conftest import dump

SRC = "https://example.org/report"

CASES = [
    # status set
    ("unknown status", ["status", "set", "Chicago, IL", "sanctury", "--source", SRC], 2, ["status", "sanctury"]),
    ("impossible date", ["status", "set", "Chicago, IL", "sanctuary", "--source", SRC, "--effective", "2017-02-30"], 1, ["effective", "2017-02-30"]),
    ("bad month", ["status", "set", "Chicago, IL", "sanctuary", "--source", SRC, "--observed", "2017-13"], 1, ["observed"]),
    ("date as words", ["status", "set", "Chicago, IL", "sanctuary", "--source", SRC, "--effective", "last fall"], 1, ["effective"]),
    ("unknown REF", ["status", "set", "Chicgo, IL", "sanctuary", "--source", SRC], 1, ["jurisdiction", "did you mean: Chicago, IL"]),
    ("unknown state in REF", ["status", "set", "Chicago, XX", "sanctuary", "--source", SRC], 1, ["jurisdiction", "'XX' is not a state code"]),
    ("ambiguous REF", ["status", "set", "Franklin County", "sanctuary", "--source", SRC], 1,
     ["jurisdiction", "ocd-division/country:us/state:oh/county:franklin", "ocd-division/country:us/state:pa/county:franklin"]),
    ("unknown source", ["status", "set", "Chicago, IL", "sanctuary", "--source", "https://nowhere.example"], 1, ["source"]),
    ("missing source", ["status", "set", "Chicago, IL", "sanctuary"], 2, ["--source"]),
    ("unknown id", ["status", "history", "#987654"], 1, ["jurisdiction", "database id 987654"]),
    ("bare number, no such FIPS", ["status", "history", "987654"], 1, ["jurisdiction", "FIPS code", "#987654"]),
    # jurisdictions add
    ("duplicate OCD id", ["jurisdictions", "add", "Franklin County", "--kind", "county", "--state", "OH"], 1,
     ["ocd-division/country:us/state:oh/county:franklin", "already exists"]),
    ("duplicate FIPS", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "OH", "--fips", "39049"], 1,
     ["fips", "Franklin County, OH"]),
    ("FIPS too short", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "IL", "--fips", "1703"], 1, ["fips", "5"]),
    ("place FIPS for a county", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "IL", "--fips", "1714000"], 1, ["fips"]),
    ("FIPS of another state", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "IL", "--fips", "06031"], 1, ["fips", "17"]),
    ("FIPS with letters", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "IL", "--fips", "17O31"], 1, ["fips"]),
    ("bad state code", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "ZZ"], 1, ["state", "ZZ"]),
    ("sound-alike state", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "Ilinois"], 1, ["state"]),
    ("state kind for DC", ["jurisdictions", "add", "Washington", "--kind", "state", "--state", "DC"], 1, ["kind"]),
    ("negative population", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "IL", "--population", "-5"], 2, ["population"]),
    ("text population", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "IL", "--population", "many"], 2, ["population"]),
    ("unknown kind", ["jurisdictions", "add", "Cook County", "--kind", "shire", "--state", "IL"], 2, ["kind"]),
    ("empty name", ["jurisdictions", "add", "  ", "--kind", "county", "--state", "IL"], 1, ["name"]),
    ("NUL in name", ["jurisdictions", "add", "Cook\x00County", "--kind", "county", "--state", "IL"], 1, ["name"]),
    ("newline in name", ["jurisdictions", "add", "Cook\nCounty", "--kind", "county", "--state", "IL"], 1, ["name", "control character"]),
    ("escape code in alias", ["jurisdictions", "update", "Chicago, IL", "--add-alias", "\x1b[31mRed"], 1, ["alias", "control character"]),
    ("second record for a city-county", ["jurisdictions", "add", "San Francisco County", "--kind", "county", "--state", "CA"], 1,
     ["name", "San Francisco, CA"]),
    ("bad OCD id", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "IL", "--ocd-id", "cook"], 1, ["ocd_id"]),
    ("OCD id of another state", ["jurisdictions", "add", "Cook County", "--kind", "county", "--state", "IL",
                                 "--ocd-id", "ocd-division/country:us/state:in/county:cook"], 1, ["ocd_id"]),
    # jurisdictions list / show / update / remove
    ("list: bad state", ["jurisdictions", "list", "--state", "ZZ"], 1, ["state"]),
    ("list: unknown status", ["jurisdictions", "list", "--status", "open"], 2, ["status"]),
    ("list: unknown format", ["jurisdictions", "list", "--format", "xml"], 2, ["format"]),
    ("show: ambiguous REF", ["jurisdictions", "show", "Franklin County"], 1, ["jurisdiction", "matches 2 jurisdictions"]),
    ("show: unknown OCD id", ["jurisdictions", "show", "ocd-division/country:us/state:il/place:nowhere"], 1, ["jurisdiction", "OCD id"]),
    ("update: negative population", ["jurisdictions", "update", "Chicago, IL", "--population", "-1"], 2, ["population"]),
    ("update: FIPS of another state", ["jurisdictions", "update", "Chicago, IL", "--fips", "0644000"], 1, ["fips"]),
    ("update: FIPS taken", ["jurisdictions", "update", "Santa Clara County, CA", "--fips", "06075"], 1, ["fips", "San Francisco, CA"]),
    ("update: empty name", ["jurisdictions", "update", "Chicago, IL", "--name", ""], 1, ["name"]),
    ("update: unknown REF", ["jurisdictions", "update", "Gotham, NY", "--population", "5"], 1, ["jurisdiction", "Gotham"]),
    ("remove: history without --cascade", ["jurisdictions", "remove", "Chicago, IL", "--yes"], 1, ["has history", "--cascade"]),
    ("remove: without terminal or --yes", ["jurisdictions", "remove", "Franklin County, OH"], 1, ["--yes"]),
    ("remove: ambiguous REF", ["jurisdictions", "remove", "Franklin County", "--yes"], 1, ["matches 2 jurisdictions"]),
    # sources
    ("source: impossible date", ["sources", "add", "Memo", "--published", "2017-02-30"], 1, ["published"]),
    ("source: not a url", ["sources", "add", "Memo", "--url", "example.org/x"], 1, ["url"]),
    ("source: unknown kind", ["sources", "add", "Memo", "--kind", "blog"], 2, ["kind"]),
    ("source: empty title", ["sources", "add", ""], 1, ["title"]),
    ("source: duplicate url", ["sources", "add", "Again", "--url", SRC], 1, ["already exists"]),
]  # fmt: skip


@pytest.fixture
def prepared(seeded_cli):
    for args in (
        ["sources", "add", "City report", "--url", SRC],
        ["jurisdictions", "add", "Franklin County", "--kind", "county", "--state", "OH", "--fips", "39049"],
        ["jurisdictions", "add", "Franklin County", "--kind", "county", "--state", "PA", "--fips", "42055"],
    ):  # fmt: skip
        result = seeded_cli(*args)
        assert result.exit_code == 0, result.output
    return seeded_cli


@pytest.mark.parametrize("args, code, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_cleanly(prepared, args, code, words):
    before = dump(prepared.url)
    result = prepared(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    if code == 1:
        # A user error is that one line and nothing else.
        assert result.stderr == errors[0] + "\n"
    for word in words:
        assert word.lower() in errors[0].lower(), errors[0]
    assert result.stdout == ""
    assert dump(prepared.url) == before
