"""Hostile input: whatever a user types or a file holds, the result is a value or a
TrackerError with a clear message, never another exception, never damage.

Property tests (Hypothesis) cover every parser, REF resolution and the CSV import
path (random headers, quotes, newlines, NUL, invalid UTF-8). The DB-backed
properties run on SQLite; explicit cases run on both engines.
"""

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import dump
from tracker import csvformat, db, transfer, values
from tracker.errors import InvalidValue, TrackerError

PARSER_SETTINGS = settings(max_examples=200, deadline=None)
DB_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SEED = db.resource_dir("seed")
SEED_CELLS = sorted(
    {cell for path in SEED.glob("*.csv") for row in csv.reader(path.open()) for cell in row}
)
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u200f\u05e9\u05dc\u05d5\u05dd",
    "\u202eevil",
    "Robert'); DROP TABLE jurisdiction;--",
    "' OR 1=1 --",
    "=1+1",
    '"',
    '""',
    "a\nb",
    "a\rb",
    "\t",
    "-1",
    "1e9",
    "NaN",
    "\ufeff",
    "Chicago, IL",
    "Nowhere, ZZ",
    "ocd-division/country:us/state:zz",
    "99999999999999999999999",
    "2017-02-29",
    "0000",
    "٢٠١٧",
    "$1,000.00",
    "16.738",
]
any_text = st.one_of(st.text(max_size=40), st.sampled_from(NASTY), st.sampled_from(SEED_CELLS))
# Things that are not text at all reach parsers through CSV None cells and library callers.
any_input = st.one_of(any_text, st.none(), st.integers(), st.floats(), st.binary(max_size=8))


def _clear(exc: TrackerError, field: str | None = None) -> None:
    message = str(exc)
    assert message.strip(), "an error needs a message"
    assert "Traceback" not in message
    if field is not None:
        assert message.startswith(field), message


# --- the value parsers ---------------------------------------------------------------


@PARSER_SETTINGS
@given(any_input)
def test_parse_partial_date_returns_the_date_as_entered_or_a_clear_error(text):
    try:
        value = values.parse_partial_date(text, "effective")
    except InvalidValue as exc:
        _clear(exc, "effective")
        return
    assert value == text.strip()
    assert values.first_day(value) <= values.last_day(value)


@PARSER_SETTINGS
@given(any_input)
def test_optional_date_returns_none_a_date_or_a_clear_error(text):
    try:
        value = values.optional_date(text, "filed")
    except InvalidValue as exc:
        _clear(exc, "filed")
        return
    assert value is None or values.first_day(value)


@PARSER_SETTINGS
@given(st.one_of(any_input, st.from_regex(r"\$?[0-9,]{0,25}(\.[0-9]{0,4})?", fullmatch=True)))
def test_parse_amount_returns_whole_cents_or_a_clear_error(text):
    try:
        cents = values.parse_amount(text, "amount")
    except InvalidValue as exc:
        _clear(exc, "amount")
        return
    assert isinstance(cents, int)
    assert 0 <= cents < values.MAX_CENTS
    assert values.parse_amount(values.format_amount(cents)) == cents


@PARSER_SETTINGS
@given(st.one_of(any_input, st.from_regex(r"[0-9,]{1,25}", fullmatch=True)))
def test_parse_count_returns_a_small_enough_count_or_a_clear_error(text):
    try:
        n = values.parse_count(text, "target_count")
    except InvalidValue as exc:
        _clear(exc, "target_count")
        return
    assert isinstance(n, int) and 0 <= n < 2**62


@PARSER_SETTINGS
@given(st.one_of(any_input, st.from_regex(r"[0-9]{1,6}", fullmatch=True)))
def test_parse_year_returns_a_four_digit_year_or_a_clear_error(text):
    try:
        year = values.parse_year(text, "fiscal_year")
    except InvalidValue as exc:
        _clear(exc, "fiscal_year")
        return
    assert 1789 <= year <= 9999


@PARSER_SETTINGS
@given(st.one_of(any_text, st.none(), st.from_regex(r"[0-9]{1,3}\.[0-9]{1,4}", fullmatch=True)))
def test_parse_assistance_listing_returns_nn_nnn_none_or_a_clear_error(text):
    try:
        value = values.parse_assistance_listing(text, "assistance_listing")
    except InvalidValue as exc:
        _clear(exc, "assistance_listing")
        return
    assert value is None or (len(value) == 6 and value[2] == ".")


@PARSER_SETTINGS
@given(any_text)
def test_fold_always_returns_text_without_case_or_surrounding_space(text):
    folded = values.fold(text)
    assert isinstance(folded, str)
    assert folded == folded.strip()
    assert values.fold(text.upper()) == values.fold(text.lower()) or not text.isascii()


@PARSER_SETTINGS
@given(st.one_of(any_text, st.none()), st.booleans())
def test_clean_text_returns_trimmed_text_without_nul_or_a_clear_error(text, required):
    try:
        value = values.clean_text(text, "title", required=required)
    except InvalidValue as exc:
        _clear(exc, "title")
        return
    if value is not None:
        assert "\x00" not in value
        assert value == value.strip() and value
    else:
        assert not required


# --- REFs against a seeded database --------------------------------------------------


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_resolve_returns_a_jurisdiction_or_a_clear_error(seeded_url):
    from tracker import jurisdictions as jur

    refs = st.one_of(
        any_text,
        st.builds(lambda a, b: f"{a}, {b}", any_text, st.sampled_from(["IL", "CA", "ca", "zz"])),
        st.builds(lambda t: "ocd-division/" + t, st.text(max_size=30)),
        st.from_regex(r"[0-9]{1,25}", fullmatch=True),
    )
    before = dump(seeded_url)

    @DB_SETTINGS
    @given(refs)
    def check(ref):
        with db.connect(seeded_url) as s:
            try:
                j = jur.resolve(s, ref, "jurisdiction")
            except TrackerError as exc:
                _clear(exc, "jurisdiction")
                return
            assert j.id is not None

    check()
    assert dump(seeded_url) == before


# --- CSV import ------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    """An entity name and the bytes of a CSV file that may be anything from valid to junk."""
    entity = draw(st.sampled_from(list(csvformat.ENTITIES)))
    known = list(csvformat.ENTITIES[entity].columns)
    header = draw(
        st.one_of(
            st.just(known),
            st.permutations(known),
            st.lists(st.one_of(st.sampled_from(known), any_text), max_size=len(known) + 2),
        )
    )
    cell = st.one_of(st.sampled_from(SEED_CELLS), any_text)
    rows = draw(st.lists(st.lists(cell, max_size=len(header) + 1), max_size=6))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    # Raw damage: stray quotes, NUL, bytes that are not UTF-8, cut-off files.
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        junk = draw(
            st.one_of(st.sampled_from([b'"', b"\x00", b"\xff", b"\xc3", b"\r", b"\n", b","]),
                      st.binary(max_size=4))
        )  # fmt: skip
        data = data[:at] + junk + data[at:]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return entity, data


def _import_bytes(url: str, entity: str, data: bytes, folder: Path) -> None:
    path = folder / f"{entity}.csv"
    path.write_bytes(data)
    try:
        with db.connect(url, write=True) as s:
            transfer.import_files(s, path)
            raise _Rollback
    except _Rollback:
        pass


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_any_csv_file_imports_or_fails_with_a_clear_error_and_no_change(seeded_url):
    before = dump(seeded_url)
    folder = Path(tempfile.mkdtemp())

    @settings(DB_SETTINGS, report_multiple_bugs=False)
    @given(csv_files())
    def check(file):
        entity, data = file
        try:
            _import_bytes(seeded_url, entity, data, folder)
        except TrackerError as exc:
            _clear(exc)

    check()
    assert dump(seeded_url) == before


@pytest.mark.parametrize("engine_name", ["sqlite"], indirect=True)
def test_any_bytes_as_a_csv_file_fail_with_a_clear_error_or_import(seeded_url):
    before = dump(seeded_url)
    folder = Path(tempfile.mkdtemp())

    @DB_SETTINGS
    @given(st.sampled_from(list(csvformat.ENTITIES)), st.binary(max_size=300))
    def check(entity, data):
        try:
            _import_bytes(seeded_url, entity, data, folder)
        except TrackerError as exc:
            _clear(exc)

    check()
    assert dump(seeded_url) == before


# --- explicit cases on both engines -----------------------------------------------------


def _assert_user_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.stderr.strip().splitlines()
    assert lines and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


NUL_COMMANDS = [
    ["sources", "add", "Title\x00", "--url", "https://example.org/nul"],
    ["sources", "add", "Title", "--publisher", "Pub\x00"],
    ["jurisdictions", "add", "Nul\x00ville", "--kind", "city", "--state", "CA"],
    ["jurisdictions", "add", "Nulville", "--kind", "city", "--state", "CA", "--alias", "x\x00"],
    ["jurisdictions", "list", "--state", "C\x00"],
    ["jurisdictions", "show", "Chicago\x00, IL"],
    ["status", "set", "Chicago, IL", "sanctuary", "--source", "1", "--note", "n\x00"],
    ["status", "set", "Chicago, IL", "sanctuary", "--source", "1\x00"],
    ["status", "history", "\x00"],
    ["grants", "add", "Chicago, IL", "--program", "P\x00", "--fiscal-year", "2017",
     "--amount", "1", "--type", "awarded", "--source", "1"],
    ["grants", "list", "--jurisdiction", "\x00"],
    ["actions", "add", "T", "--date", "2017", "--agency", "A\x00", "--kind", "letter",
     "--source", "1"],
    ["actions", "add", "T", "--date", "2017", "--agency", "A", "--kind", "letter",
     "--source", "1", "--description", "d\x00"],
    ["actions", "show", "\x00"],
    ["cases", "add", "C\x00 v. D", "--court", "Court", "--source", "1"],
    ["cases", "add", "C v. D", "--court", "Court", "--source", "1", "--plaintiff", "P\x00"],
    ["cases", "show", "\x00"],
    ["report", "status", "--state", "\x00"],
    ["report", "status", "--as-of", "2017\x00"],
    ["sources", "add", "T", "--url", "https://example.org/\x00"],
    ["sources", "add", "T", "--author", "a\x00"],
    ["jurisdictions", "update", "Chicago, IL", "--add-alias", "a\x00"],
    ["jurisdictions", "update", "Chicago, IL", "--name", "N\x00"],
    ["jurisdictions", "remove", "\x00", "--yes"],
    ["status", "set", "Chicago, IL", "sanctuary", "--source", "1", "--quote", "q\x00"],
    ["status", "set", "Chicago, IL", "sanctuary", "--source", "1", "--citation", "c\x00"],
    ["status", "set", "Chicago, IL", "sanctuary", "--source", "1", "--effective", "\x00"],
    ["grants", "add", "--program", "P", "--fiscal-year", "2017", "--amount", "1",
     "--type", "threatened", "--source", "1", "--action", "\x00"],
    ["actions", "update", "1", "--description", "d\x00"],
    ["actions", "update", "1", "--add-target", "\x00"],
    ["cases", "update", "1", "--docket", "d\x00"],
    ["cases", "update", "1", "--court", "c\x00"],
    ["cases", "rule", "1", "--date", "2017", "--kind", "other", "--source", "1", "--judge", "j\x00"],
    ["cases", "rule", "1", "--date", "2017", "--kind", "other", "--source", "1",
     "--summary", "s\x00"],
]  # fmt: skip


@pytest.mark.parametrize("args", NUL_COMMANDS, ids=lambda a: " ".join(a).replace("\x00", "NUL"))
def test_nul_in_a_command_argument_is_one_clear_error(seeded_cli, args):
    before = dump(seeded_cli.url)
    result = seeded_cli(*args)
    _assert_user_error(result)
    assert dump(seeded_cli.url) == before


def test_nul_in_a_csv_cell_is_a_clear_error_naming_the_line(seeded_cli, tmp_path):
    before = dump(seeded_cli.url)
    for name, body in {
        "sources.csv": "key,title,kind\nhttps://example.org/n,Ti\x00tle,news\n",
        "jurisdictions.csv": "name,kind,state,notes\nNulville,city,CA,a\x00b\n",
    }.items():
        path = tmp_path / name
        path.write_bytes(body.encode())
        result = seeded_cli("import", str(path))
        _assert_user_error(result, name, "line 2")
        assert dump(seeded_cli.url) == before


def test_right_to_left_marks_are_stored_and_shown_exactly(seeded_cli):
    import json

    name = "\u200f\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd\u200f Test City"
    title = "\u202bمصدر\u202c with marks \u200e"
    result = seeded_cli("sources", "add", title, "--url", "https://example.org/rtl")
    assert result.exit_code == 0, result.output
    result = seeded_cli("jurisdictions", "add", name, "--kind", "city", "--state", "CA")
    assert result.exit_code == 0, result.output
    shown = json.loads(
        seeded_cli("jurisdictions", "show", f"{name}, CA", "--format", "json").stdout
    )
    assert shown["jurisdiction"]["name"] == name
    rows = json.loads(seeded_cli("sources", "list", "--format", "json").stdout)
    assert title in [r["title"] for r in rows]
    listed = seeded_cli("jurisdictions", "list", "--format", "csv").stdout
    assert name in [r["name"] for r in csv.DictReader(io.StringIO(listed, newline=""))]


def test_a_one_megabyte_field_imports_exactly(seeded_cli, tmp_path):
    # Ends on a letter: leading and trailing spaces are trimmed by design.
    big = ("Ab\u00f1 \u05e9 " * 200_000)[:999_999] + "!"
    path = tmp_path / "sources.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["key", "title", "kind"])
        w.writerow(["https://example.org/big", big, "news"])
    result = seeded_cli("import", str(path))
    assert result.exit_code == 0, result.output
    rows = seeded_cli("sources", "list", "--format", "csv").stdout
    titles = [r["title"] for r in csv.DictReader(io.StringIO(rows, newline=""))]
    assert big in titles
    # And it comes back out through export, byte for byte.
    exported = seeded_cli("export", "sources").stdout
    assert big in [r["title"] for r in csv.DictReader(io.StringIO(exported, newline=""))]


@pytest.mark.parametrize(
    "encoding,text",
    [
        ("latin-1", "name,kind,state\nDo\u00f1a Ana County,county,NM\n"),
        ("utf-16", "name,kind,state\nDo\u00f1a Ana County,county,NM\n"),
        ("cp1252", "name,kind,state\n\u201cQuoted\u201d City,city,CA\n"),
    ],
)
def test_a_file_that_is_not_utf8_is_one_clear_error(seeded_cli, tmp_path, encoding, text):
    before = dump(seeded_cli.url)
    path = tmp_path / "jurisdictions.csv"
    path.write_bytes(text.encode(encoding))
    result = seeded_cli("import", str(path))
    _assert_user_error(result, "jurisdictions.csv", "UTF-8")
    assert dump(seeded_cli.url) == before


SQL_NAME = "Robert'); DROP TABLE jurisdiction;--"


def test_sql_metacharacters_in_names_are_stored_literally(seeded_cli, tmp_path):
    import json

    result = seeded_cli("jurisdictions", "add", SQL_NAME, "--kind", "city", "--state", "CA",
                        "--alias", "x' OR '1'='1")  # fmt: skip
    assert result.exit_code == 0, result.output
    result = seeded_cli("sources", "add", "'; DELETE FROM source; --", "--url", "https://e.org/q")
    assert result.exit_code == 0, result.output
    shown = json.loads(
        seeded_cli("jurisdictions", "show", f"{SQL_NAME}, CA", "--format", "json").stdout
    )
    assert shown["jurisdiction"]["name"] == SQL_NAME
    # The alias matches only itself, not everything.
    alias = seeded_cli("jurisdictions", "show", "x' OR '1'='1", "--format", "json")
    assert json.loads(alias.stdout)["jurisdiction"]["name"] == SQL_NAME
    assert seeded_cli("jurisdictions", "show", "x' OR '1'='2").exit_code == 1
    titles = [s["title"] for s in json.loads(seeded_cli("sources", "list", "-f", "json").stdout)]
    assert "'; DELETE FROM source; --" in titles and len(titles) > 1
    # Through import too.
    path = tmp_path / "jurisdictions.csv"
    path.write_text(f'name,kind,state\n"{SQL_NAME} Two",city,IL\n', encoding="utf-8")
    result = seeded_cli("import", str(path))
    assert result.exit_code == 0, result.output
    listed = json.loads(seeded_cli("jurisdictions", "list", "-f", "json").stdout)
    names = {j["name"] for j in listed}
    assert {SQL_NAME, f"{SQL_NAME} Two", "Chicago"} <= names


# --- import and export edge cases found by the property tests ---


SEED_SOURCE = "Department of Justice Threatens Jurisdictions That Don\u2019t Cooperate With Immigration Officials (2018-01-25)"


def test_an_empty_source_cell_is_a_clear_import_error(seeded_cli, tmp_path):
    before = dump(seeded_cli.url)
    path = tmp_path / "status.csv"
    path.write_text(
        "jurisdiction,status,source\nocd-division/country:us/state:ca,sanctuary,\n",
        encoding="utf-8",
    )
    _assert_user_error(seeded_cli("import", str(path)), "status.csv", "line 2", "source")
    assert dump(seeded_cli.url) == before


def test_an_empty_jurisdiction_cell_is_a_clear_import_error(seeded_cli, tmp_path):
    before = dump(seeded_cli.url)
    path = tmp_path / "status.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(
            [["jurisdiction", "status", "source"], ["", "sanctuary", SEED_SOURCE]]
        )
    _assert_user_error(seeded_cli("import", str(path)), "status.csv", "line 2", "jurisdiction")
    assert dump(seeded_cli.url) == before


def test_a_carriage_return_in_stored_text_survives_export(seeded_cli):
    result = seeded_cli("sources", "add", "one\rtwo", "--url", "https://example.org/cr")
    assert result.exit_code == 0, result.output
    exported = seeded_cli("export", "sources").stdout
    titles = [r["title"] for r in csv.DictReader(io.StringIO(exported, newline=""))]
    assert "one\rtwo" in titles
