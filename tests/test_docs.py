"""Documentation that cannot drift from the code: the README's REF order and
import format are generated from the definitions the code uses, and
``tracker import --help`` shows the same columns without loading the database
layer.

``TRACKER_WRITE_README=1 pytest tests/test_docs.py`` rewrites the README's
generated sections after a change to those definitions.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker import csvformat
from tracker.cli import app, common

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS = {
    "tracker/cli/common.py (REF_FORMS)": common.ref_markdown,
    "tracker/csvformat.py (ENTITIES)": csvformat.format_markdown,
}


def _section(source: str) -> re.Pattern:
    return re.compile(
        rf"(<!-- generated from {re.escape(source)}; [^\n]*-->\n)(.*?)(<!-- end of generated text -->)",
        re.S,
    )


@pytest.mark.parametrize("source", SECTIONS)
def test_readme_section_is_what_the_code_generates(source):
    text = README.read_text(encoding="utf-8")
    expected = "\n" + SECTIONS[source]() + "\n"
    if os.environ.get("TRACKER_WRITE_README") == "1":
        text = _section(source).sub(lambda m: m.group(1) + expected + m.group(3), text)
        README.write_text(text, encoding="utf-8")
    found = _section(source).search(text)
    assert found is not None, f"README.md has no section generated from {source}"
    assert found.group(2) == expected, "run: TRACKER_WRITE_README=1 pytest tests/test_docs.py"


def test_import_help_lists_every_column_and_what_it_requires():
    out = CliRunner().invoke(app, ["import", "--help"]).stdout
    assert "Columns marked * are required." in out
    for entity in csvformat.ENTITIES.values():
        assert f"{entity.filename}: " in out
    lines = out.splitlines()
    status = lines.index(
        "  status.csv: dated policy-status assertions, each from a source; history is"
    )
    assert lines[status + 2 : status + 8] == [
        "    jurisdiction *     the jurisdiction (REF): its OCD id, FIPS code, a",
        "                       state's name or code, 'Name, ST', or a name or alias",
        "                       only one jurisdiction has; never a database id (#N)",
        "    status *           what the source asserts; one of: sanctuary, partial,",
        "                       cooperative, anti_sanctuary, neutral, unknown",
        "    source *           the key of the source that reports it (as in",
    ]
    # Lines stay within a terminal's 80 columns.
    assert max(len(line) for line in lines) <= 80


def test_the_documented_columns_are_the_columns_read():
    # One definition: what a file may have and must have comes from the same columns.
    for entity in csvformat.ENTITIES.values():
        assert entity.columns == tuple(c.name for c in entity.fields)
        assert entity.required == tuple(c.name for c in entity.fields if c.required)
        assert all(c.about for c in entity.fields)
    assert csvformat.ENTITIES["status"].required == ("jurisdiction", "status", "source")
    assert csvformat.ENTITIES["grants"].required == (
        "program", "fiscal_year", "amount", "amount_type", "source",
    )  # fmt: skip


def test_commands_that_take_a_ref_explain_the_order():
    runner = CliRunner()
    for path in (
        ["jurisdictions", "show"],
        ["jurisdictions", "update"],
        ["jurisdictions", "remove"],
        ["status", "set"],
        ["status", "history"],
        ["grants", "add"],
        ["grants", "list"],
        ["actions", "add"],
        ["actions", "update"],
        ["cases", "add"],
    ):
        out = runner.invoke(app, [*path, "--help"]).stdout
        assert "A REF (a jurisdiction) is the first of these that fits:" in out, path
        assert "  1. an OCD id: ocd-division/country:us/state:il/place:chicago" in out, path
        assert "  3. #N, a database id as 'tracker jurisdictions list' shows it" in out, path
        assert "  5. 'Name, ST': 'Chicago, IL', 'Cook County, IL'" in out, path


def test_import_help_loads_no_database_code(tmp_path):
    code = (
        "import sys, runpy\n"
        "sys.argv = ['tracker', 'import', '--help']\n"
        "try:\n"
        "    runpy.run_module('tracker', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'alembic', 'sqlmodel', 'psycopg')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "fiscal_year *" in result.stdout
    assert result.stdout.rstrip().endswith("[]"), result.stdout[-300:]
