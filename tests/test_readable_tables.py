"""Tables people can read: on a terminal, tables lead with the name and fit
the terminal's width, shortening free text with "…"; CSV and JSON stay
complete and unchanged. Widths are set through COLUMNS, as a terminal would.
On both engines where a database is involved."""

import io
import json
import os

import pytest

from tracker.records import SourceRef
from tracker.render import Format, render, render_record, table_columns, terminal_width

ARTICLE = (
    "Department of Justice Threatens Jurisdictions That Don’t Cooperate With "
    "Immigration Officials (2018-01-25)"
)
OCD = "ocd-division/country:us/"
# report status on the seed, as CSV: the bytes it printed before tables fitted
# the terminal (and what it must go on printing at any width).
STATUS_CSV = f"""\
jurisdiction,name,kind,state,status,since,last_asserted,source,disagreement
{OCD}state:ca,California,state,CA,sanctuary,2018-01-24,2018-01-24,{ARTICLE},
{OCD}state:ca/place:los_angeles,Los Angeles,city,CA,sanctuary,2018-01-24,2018-01-24,{ARTICLE},
{OCD}state:ca/place:san_francisco,San Francisco,city_county,CA,sanctuary,2018-01-25,2018-01-25,{ARTICLE},
{OCD}state:ca/county:santa_clara,Santa Clara County,county,CA,sanctuary,2018-01-25,2018-01-25,{ARTICLE},
{OCD}district:dc,District of Columbia,federal_district,DC,no status recorded,,,,
{OCD}state:il/place:chicago,Chicago,city,IL,sanctuary,2018-01-25,2018-01-25,{ARTICLE},
{OCD}state:il,Illinois,state,IL,sanctuary,2018-01-24,2018-01-24,{ARTICLE},
{OCD}state:la/place:new_orleans,New Orleans,city_county,LA,no status recorded,,,,
{OCD}state:ny/place:new_york,New York City,city,NY,sanctuary,2018-01-24,2018-01-24,{ARTICLE},
"""  # noqa: E501
NAMES = [
    "California", "Los Angeles", "San Francisco", "Santa Clara County", "District of Columbia",
    "Chicago", "Illinois", "New Orleans", "New York City",
]  # fmt: skip


def _status_json() -> str:
    """report status --format json on the seed, as it printed before."""
    header, *lines = STATUS_CSV.splitlines()
    rows = []
    for line in lines:
        # The source title holds no comma: a plain split reads these lines.
        values = [v or None for v in line.split(",")]
        row = dict(zip(header.split(","), values, strict=True))
        row["disagreement"] = None
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _ok(cli, *args) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _fits(text: str, width: int) -> None:
    too_long = [line for line in text.splitlines() if len(line) > width]
    assert too_long == []


@pytest.mark.parametrize("width", [80, 120, 200])
def test_report_status_fits_the_terminal_and_leads_with_the_name(seeded_cli, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    text = _ok(seeded_cli, "report", "status")
    _fits(text, width)
    assert "…" in text
    lines = text.splitlines()
    if width == 80:
        # Narrow: a line per jurisdiction still, the secondary columns (kind,
        # last_asserted) and the OCD id left out, the source shortened.
        assert lines[0].split() == ["name", "state", "status", "since", "source"]
        assert [line[:20].rstrip() for line in lines[2:]] == NAMES
        assert lines[2] == (
            "California            CA     sanctuary           2018-01-24  Department of…"
        )
        return
    header = lines[0].split()
    assert header[:4] == ["name", "state", "kind", "status"]
    assert [line[:20].rstrip() for line in lines[2:]] == NAMES
    if width == 120:
        # The OCD id (and the empty disagreement column) give way to the source.
        assert header == ["name", "state", "kind", "status", "since", "last_asserted", "source"]
        assert lines[2] == (
            "California            CA     state             sanctuary           2018-01-24  "
            "2018-01-24     Department of Justice…"
        )
    else:
        assert header[-1] == "jurisdiction"
        assert lines[2].endswith(f"Department of Justice Threatens…                {OCD}state:ca")


@pytest.mark.parametrize("width", [80, 120, 200])
def test_report_status_csv_and_json_are_unchanged_at_any_width(seeded_cli, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    assert _ok(seeded_cli, "report", "status", "--format", "csv") == STATUS_CSV
    assert _ok(seeded_cli, "report", "status", "--format", "json") == _status_json()
    jsonl = _ok(seeded_cli, "report", "status", "--format", "jsonl").splitlines()
    assert [json.loads(line) for line in jsonl] == json.loads(_status_json())


def test_jurisdictions_list_leads_with_the_name_and_keeps_its_key_last(seeded_cli, monkeypatch):
    wide = _ok(seeded_cli, "jurisdictions", "list").splitlines()
    assert wide[0].split() == [
        "name", "state", "kind", "status", "fips", "population", "id", "key",
    ]  # fmt: skip
    assert wide[2].split() == [
        "California",
        "CA",
        "state",
        "sanctuary",
        "06",
        "2",
        f"{OCD}state:ca",
    ]
    monkeypatch.setenv("COLUMNS", "80")
    narrow = _ok(seeded_cli, "jurisdictions", "list")
    _fits(narrow, 80)
    # At 80 columns the empty population and the OCD id give way; the id stays.
    assert narrow.splitlines()[0].split() == ["name", "state", "kind", "status", "fips", "id"]
    csv_lines = _ok(seeded_cli, "jurisdictions", "list", "--format", "csv").splitlines()
    assert csv_lines[0] == "id,key,name,kind,state,fips,population,status"


def test_dossier_fits_80_columns(seeded_cli, monkeypatch):
    before = _ok(seeded_cli, "jurisdictions", "show", "Chicago, IL", "--format", "json")
    monkeypatch.setenv("COLUMNS", "80")
    text = _ok(seeded_cli, "jurisdictions", "show", "Chicago, IL")
    _fits(text, 80)
    lines = text.splitlines()
    # The identity leads with the name; the id and OCD id come last.
    assert [line.split()[0] for line in lines[3:12]] == [
        "name", "state", "kind", "fips", "population", "aliases", "notes", "id", "key",
    ]  # fmt: skip
    assert lines[3] == "name        Chicago"
    assert lines[11] == f"key         {OCD}state:il/place:chicago"
    # The history's quote and note are too long for a line: shortened at a word.
    quote = next(line for line in lines if line.startswith("quote "))
    assert quote == "quote        Last fall, two federal judges blocked Sessions from withholding…"
    # The case, likewise, as a block with its summary shortened.
    assert "caption        Chicago v. Sessions" in lines
    assert (
        "summary        Chicago sued Attorney General Jeff Sessions, contending that the…" in lines
    )
    # JSON keeps every character.
    assert _ok(seeded_cli, "jurisdictions", "show", "Chicago, IL", "--format", "json") == before
    assert "contending that the federal policy was unconstitutional" in before


LONG_QUOTE = (
    "The city will not use its resources to enforce federal civil immigration law, and no "
    "officer shall ask about immigration status, detain anyone on a civil detainer, or give "
    "federal agents access to people in custody without a judicial warrant, said the mayor."
)


def test_a_long_quote_in_status_history_is_shortened(seeded_cli, monkeypatch):
    _ok(seeded_cli, "status", "set", "Chicago, IL", "sanctuary", "--source", "1",
        "--observed", "2019-02-01", "--quote", LONG_QUOTE)  # fmt: skip
    for width in (100, 200):
        monkeypatch.setenv("COLUMNS", str(width))
        text = _ok(seeded_cli, "status", "history", "Chicago, IL")
        _fits(text, width)
        assert LONG_QUOTE not in text
        cut = [line for line in text.splitlines() if "The city will not use" in line]
        assert len(cut) == 1 and "…" in cut[0]
        shown = cut[0].split("The city will not use", 1)[1].split("…")[0]
        assert LONG_QUOTE.startswith("The city will not use" + shown)
    data = json.loads(_ok(seeded_cli, "status", "history", "Chicago, IL", "--format", "json"))
    assert data[-1]["quote"] == LONG_QUOTE
    assert LONG_QUOTE in _ok(seeded_cli, "status", "history", "Chicago, IL", "--format", "csv")


def test_piped_tables_are_complete_unless_columns_is_set(seeded_cli, monkeypatch):
    # The CLI's stdout here is not a terminal, as when piped or redirected.
    monkeypatch.delenv("COLUMNS")
    piped = _ok(seeded_cli, "jurisdictions", "show", "Chicago, IL")
    assert "contending that the federal policy was unconstitutional." in piped
    assert max(len(line) for line in piped.splitlines()) > 200
    status = _ok(seeded_cli, "report", "status").splitlines()
    assert status[0].split()[0] == "name" and status[0].split()[-1] == "jurisdiction"
    monkeypatch.setenv("COLUMNS", "100")
    _fits(_ok(seeded_cli, "jurisdictions", "show", "Chicago, IL"), 100)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_width_reads_the_terminal_or_columns(monkeypatch):
    monkeypatch.delenv("COLUMNS")
    assert terminal_width(io.StringIO()) is None
    monkeypatch.setattr("shutil.get_terminal_size", lambda *a: os.terminal_size((93, 40)))
    assert terminal_width(_Terminal()) == 93
    monkeypatch.setenv("COLUMNS", "61")
    assert terminal_width(io.StringIO()) == 61
    assert terminal_width(_Terminal()) == 61
    monkeypatch.setenv("COLUMNS", "0")
    assert terminal_width(io.StringIO()) is None


def _table(rows, width, **kw) -> str:
    out = io.StringIO()
    render(rows, Format.table, out, width=width, **kw)
    return out.getvalue()


def test_keys_dates_and_words_are_never_cut_only_free_text():
    key = "2018-01-24-doj-threatens-subpoenas-for-records-of-23-sanctuary-jurisdictions"
    rows = [{"id": 1, "key": key, "date": "2018-01-24", "kind": "subpoena_threat",
             "description": "word " * 40, "note": "x" * 30}]  # fmt: skip
    text = _table(rows, 180)
    _fits(text, 180)
    line = text.splitlines()[2]
    assert key in line and "2018-01-24" in line and "subpoena_threat" in line
    assert "word word" in line and line.count("…") == 1
    # Longest first: the 200-character description is cut before the 30-character note.
    assert "x" * 30 in line


def test_a_list_of_keys_loses_whole_items_and_counts_them():
    targets = [f"{OCD}state:ca/place:city_{n}" for n in range(6)]
    rows = [{"title": "A list", "date": "2025-08", "named_targets": targets}]
    text = _table(rows, 120)
    _fits(text, 120)
    cell = text.splitlines()[2].split("2025-08", 1)[1].strip()
    kept, rest = cell.split("; … ")
    assert kept.split("; ") == targets[: len(kept.split("; "))]
    assert rest == f"(+{6 - len(kept.split('; '))})"


def test_a_table_too_wide_becomes_blocks_that_fit():
    rows = [{"key": "k" * 70, "date": "2018", "agency": "a" * 60, "other_key": "o" * 50}]
    text = _table(rows, 100)
    assert text.splitlines() == [
        "-[ 1 ]" + "-" * (11 + 70 - 6),
        "key        " + "k" * 70,
        "date       2018",
        "agency     " + "a" * 60,
        "other_key  " + "o" * 50,
    ]


def test_markdown_leads_with_the_name_and_is_not_cut():
    rows = [{"jurisdiction": f"{OCD}state:il", "name": "Illinois", "kind": "state",
             "state": "IL", "note": "n" * 300}]  # fmt: skip
    out = io.StringIO()
    render(rows, Format.markdown, out, width=80)
    assert out.getvalue().splitlines() == [
        "| name | state | kind | note | jurisdiction |",
        "|---|---|---|---|---|",
        f"| Illinois | IL | state | {'n' * 300} | {OCD}state:il |",
    ]


def test_csv_and_json_ignore_the_width():
    rows = [{"id": 1, "key": "k", "name": "N", "note": "word " * 50,
             "source": SourceRef("https://x.example/a", "A title " * 10)}]  # fmt: skip
    for fmt in (Format.csv, Format.json, Format.jsonl):
        wide, narrow = io.StringIO(), io.StringIO()
        render(rows, fmt, wide, width=0)
        render(rows, fmt, narrow, width=40)
        assert wide.getvalue() == narrow.getvalue()
        assert "word " * 49 in wide.getvalue() and "https://x.example/a" in wide.getvalue()


def test_a_record_shortens_text_but_not_its_key():
    key = "2018-01-24-doj-threatens-subpoenas-for-records-of-23-sanctuary-jurisdictions"
    out = io.StringIO()
    render_record({"id": 1, "key": key, "title": "T", "description": "word " * 40},
                  Format.table, out, width=60)  # fmt: skip
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["title", "description", "id", "key"]
    assert lines[3].startswith("description  word word") and lines[3].endswith("…")
    assert len(lines[3]) <= 60
    assert lines[5] == f"key          {key}"


def test_table_columns_put_names_first_and_identifiers_last():
    assert table_columns(["jurisdiction", "name", "kind", "state", "status", "since"]) == [
        "name", "state", "kind", "status", "since", "jurisdiction",
    ]  # fmt: skip
    assert table_columns(["id", "key", "caption", "court"]) == ["caption", "court", "id", "key"]
    # Without a name, the order is the domain's.
    assert table_columns(["entity", "key", "change", "field"]) == [
        "entity", "key", "change", "field",
    ]  # fmt: skip
