"""Every command and group explains itself with an example; vocabularies are offered."""

import typer
from typer.testing import CliRunner

from tracker.cli import app


def _walk(command, path=()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


ALL = list(_walk(typer.main.get_command(app)))


def test_the_walk_finds_every_command_group():
    names = {" ".join(path) for path, _ in ALL}
    for expected in (
        "grants add", "grants list", "actions add", "actions update", "actions list",
        "actions show", "cases add", "cases update", "cases rule", "cases list", "cases show",
        "jurisdictions show", "status set", "sources add", "report status", "db upgrade",
    ):  # fmt: skip
        assert expected in names
    assert len(ALL) > 30


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    missing = []
    for path, _ in ALL:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Traceback" not in result.output
        if "Example" not in result.stdout:
            missing.append(" ".join(path) or "tracker")
    assert missing == []


def test_examples_are_not_rewrapped():
    # A copy-pasteable command line stays on one line.
    result = CliRunner().invoke(app, ["grants", "add", "--help"])
    assert (
        'tracker grants add "Chicago, IL" --program "Byrne JAG" --fiscal-year 2017' in result.stdout
    )


def test_vocabularies_are_offered_in_help():
    runner = CliRunner()
    cases = {
        ("grants", "add"): ["awarded", "threatened", "withheld", "restored", "repayment_demanded"],
        ("actions", "add"): ["subpoena_threat", "grant_condition", "enforcement_operation"],
        ("cases", "add"): ["pending", "on_appeal", "settled"],
        ("cases", "rule"): ["temporary_restraining_order", "appellate_decision"],
        ("cases", "list"): ["table", "csv", "json", "markdown"],
    }
    for path, words in cases.items():
        out = runner.invoke(app, [*path, "--help"]).stdout
        for word in words:
            assert word in out, (path, word)


def test_vocabularies_complete_in_the_shell():
    root = typer.main.get_command(app)
    rule = root.commands["cases"].commands["rule"]
    kind = next(p for p in rule.params if p.name == "kind")
    ctx = rule.make_context("rule", ["x"], resilient_parsing=True)
    offered = [item.value for item in kind.shell_complete(ctx, "pre")]
    assert offered == ["preliminary_injunction"]
    grants_add = root.commands["grants"].commands["add"]
    amount_type = next(p for p in grants_add.params if p.name == "type")
    ctx = grants_add.make_context("add", [], resilient_parsing=True)
    assert [i.value for i in amount_type.shell_complete(ctx, "re")] == [
        "restored",
        "repayment_demanded",
    ]
