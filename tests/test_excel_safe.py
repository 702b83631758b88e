"""--excel-safe: no CSV cell a spreadsheet would run as a formula, on every command that
prints CSV (export, reports, lists, show and history), and the help says when to use it."""

import csv
import io

import pytest

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Text that Excel, LibreOffice or Sheets would run, in every field the CLI lets a user type.
EVIL_JURISDICTION = "@SUM(1+1)"
EVIL_URL = "https://example.org/=evil"


@pytest.fixture
def evil_cli(seeded_cli):
    cli = seeded_cli

    def ok(*args: str) -> str:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        return result.stdout.strip()

    source = ok(
        "sources", "add", "=HYPERLINK(\"http://x\",\"click\")",
        "--url", EVIL_URL, "--publisher", "+cmd|' /C calc'!A0", "--author", "-2+3",
        "--published", "2017-11", "--kind", "news",
    )  # fmt: skip
    ok("jurisdictions", "add", EVIL_JURISDICTION, "--kind", "city", "--state", "CA",
       "--alias", "=1+1", "--population", "5")  # fmt: skip
    ok("status", "set", f"{EVIL_JURISDICTION}, CA", "sanctuary", "--source", source,
       "--effective", "2017-01", "--citation", "=cmd()", "--quote", "+quote",
       "--note", "-note")  # fmt: skip
    ok("grants", "add", f"{EVIL_JURISDICTION}, CA", "--program", "=program()",
       "--fiscal-year", "2017", "--amount", "100", "--type", "withheld", "--source", source)  # fmt: skip
    action = ok("actions", "add", "=title()", "--date", "2017-11", "--agency", "@agency",
                "--kind", "letter", "--source", source, "--target", f"{EVIL_JURISDICTION}, CA",
                "--description", "-description")  # fmt: skip
    case = ok("cases", "add", "=Caption() v. Sessions", "--court", "@court", "--source", source,
              "--docket", "@17-cv-1", "--plaintiff", f"{EVIL_JURISDICTION}, CA",
              "--defendant", "=Jeff Sessions()")  # fmt: skip
    ok("cases", "rule", case, "--date", "2017-12", "--kind", "other", "--source", source,
       "--judge", "+judge", "--summary", "@summary")  # fmt: skip
    cli.action, cli.case = action, case
    return cli


def _commands(cli) -> list[list[str]]:
    ref = f"{EVIL_JURISDICTION}, CA"
    return [
        ["report", "status"],
        ["report", "grants"],
        ["report", "litigation"],
        ["report", "summary"],
        ["sources", "list"],
        ["jurisdictions", "list"],
        ["jurisdictions", "show", ref],
        ["status", "history", ref],
        ["grants", "list"],
        ["actions", "list"],
        ["actions", "show", cli.action],
        ["cases", "list"],
        ["cases", "show", cli.case],
    ]


def _formula_cells(text: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.startswith(FORMULA_START)
    ]


def test_every_csv_command_neutralises_formulas_with_excel_safe(evil_cli):
    for command in _commands(evil_cli):
        plain = evil_cli(*command, "--format", "csv")
        assert plain.exit_code == 0, (command, plain.output)
        # The data really does hold formulas: without the option they come out as typed.
        assert _formula_cells(plain.stdout), command
        safe = evil_cli(*command, "--format", "csv", "--excel-safe")
        assert safe.exit_code == 0, (command, safe.output)
        assert _formula_cells(safe.stdout) == [], command
        # Same rows and columns; only the risky cells gained a leading quote.
        plain_rows = list(csv.reader(io.StringIO(plain.stdout, newline="")))
        safe_rows = list(csv.reader(io.StringIO(safe.stdout, newline="")))
        assert len(plain_rows) == len(safe_rows), command
        for a, b in zip(plain_rows, safe_rows, strict=True):
            assert all(x == y or y == "'" + x for x, y in zip(a, b, strict=True)), command


def test_export_to_stdout_neutralises_formulas_with_excel_safe(evil_cli):
    from tracker.csvformat import ENTITIES

    found_any = False
    for entity in ENTITIES:
        plain = evil_cli("export", entity)
        assert plain.exit_code == 0, plain.output
        found_any = found_any or bool(_formula_cells(plain.stdout))
        safe = evil_cli("export", entity, "--excel-safe")
        assert safe.exit_code == 0, safe.output
        assert _formula_cells(safe.stdout) == [], entity
    assert found_any


def test_export_dir_neutralises_formulas_with_excel_safe(evil_cli, tmp_path):
    result = evil_cli("export", "--out", str(tmp_path / "safe"), "--excel-safe")
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "safe").glob("*.csv"))
    assert files
    for path in files:
        assert _formula_cells(path.read_text(encoding="utf-8")) == [], path.name


def test_tab_and_carriage_return_cells_are_neutralised():
    from tracker.render import Format, render, render_record, render_sections

    rows = [{"a": "\tx", "b": "\r=1", "c": "safe", "d": "-1", "e": "@x", "f": "+1"}]
    for draw in (
        lambda out: render(rows, Format.csv, out, excel_safe=True),
        lambda out: render_record(rows[0], Format.csv, out, excel_safe=True),
        lambda out: render_sections({"s": rows, "r": rows[0]}, Format.csv, out, excel_safe=True),
    ):
        out = io.StringIO()
        draw(out)
        assert _formula_cells(out.getvalue()) == []
        assert "safe" in out.getvalue()


def test_a_carriage_return_inside_a_cell_does_not_split_the_row():
    from tracker.render import Format, render, render_record, render_sections

    row = {"a": "one\rtwo", "b": "x"}
    for draw, expected in (
        (lambda out: render([row], Format.csv, out), [["a", "b"], ["one\rtwo", "x"]]),
        (lambda out: render_record(row, Format.csv, out), [["a", "b"], ["one\rtwo", "x"]]),
        (
            lambda out: render_sections({"s": [row]}, Format.csv, out),
            [
                ["section", "item", "field", "value"],
                ["s", "1", "a", "one\rtwo"],
                ["s", "1", "b", "x"],
            ],
        ),
    ):
        out = io.StringIO()
        draw(out)
        assert list(csv.reader(io.StringIO(out.getvalue(), newline=""))) == expected


def test_help_says_when_to_use_excel_safe(seeded_cli):
    for command in [["export"], *_commands_no_args()]:
        result = seeded_cli(*command, "--help")
        assert result.exit_code == 0, command
        text = " ".join(result.output.split())
        assert "--excel-safe" in text, command
        assert "spreadsheet" in text, command
        assert "imported back" in text, command


def _commands_no_args() -> list[list[str]]:
    return [
        ["report", "status"],
        ["report", "grants"],
        ["report", "litigation"],
        ["report", "summary"],
        ["sources", "list"],
        ["jurisdictions", "list"],
        ["jurisdictions", "show"],
        ["status", "history"],
        ["grants", "list"],
        ["actions", "list"],
        ["actions", "show"],
        ["cases", "list"],
        ["cases", "show"],
    ]
