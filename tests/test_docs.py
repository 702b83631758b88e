"""Documentation that cannot drift from the code: the README's REF order is
generated from the definition the commands' --help shows.

``TRACKER_WRITE_README=1 pytest tests/test_docs.py`` rewrites the README's
generated sections after a change to those definitions.
"""

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker.cli import app, common

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS = {
    "tracker/cli/common.py (REF_FORMS)": common.ref_markdown,
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
