"""Status facts as sources state them: a status `neutral` (no law or policy
either way), distinct from `unknown`, through every path and the migration
that allows it; a `label` keeping the source's own classification verbatim;
`report status --status S` listing only the jurisdictions where S is in force.
Both engines."""

import json

import sqlalchemy as sa

from tracker import db

SRC = "https://example.org/tx"
TX = "ocd-division/country:us/state:tx"


def _setup(cli):
    assert cli("sources", "add", "Texas survey", "--url", SRC, "--kind", "dataset").exit_code == 0
    assert cli("jurisdictions", "add", "Texas").exit_code == 0
    assert cli("jurisdictions", "add", "Cook County, IL").exit_code == 0


def _assertions(url, column: str) -> list[tuple]:
    """(status, column) of each stored assertion, in the order written."""
    with db.engine_for(url).connect() as conn:
        q = f"SELECT status, {column} FROM policy_status ORDER BY id"
        return [tuple(r) for r in conn.execute(sa.text(q))]


def _statuses(url):
    return _assertions(url, "note")


def test_neutral_is_a_status_of_its_own_on_every_path(cli, url, tmp_path):
    _setup(cli)
    set_ = cli("status", "set", "Texas", "Neutral", "--source", SRC, "--effective", "2016")
    assert set_.exit_code == 0, set_.output
    f = tmp_path / "status.csv"
    f.write_text(f'jurisdiction,status,source,effective\n"Cook County, IL",unknown,{SRC},2016\n')
    assert cli("import", str(f)).exit_code == 0
    assert _statuses(url) == [("neutral", None), ("unknown", None)]
    report = json.loads(cli("report", "status", "--as-of", "2017", "--format", "json").stdout)
    assert {r["jurisdiction"]: r["status"] for r in report} == {
        TX: "neutral",
        "ocd-division/country:us/state:il/county:cook": "unknown",
    }
    exported = cli("export", "status").stdout
    assert f"{TX},neutral,{SRC},2016," in exported


def test_report_status_lists_only_the_status_asked_for(cli):
    _setup(cli)
    cli("status", "set", "Texas", "neutral", "--source", SRC, "--effective", "2016")
    cli("status", "set", "Cook County, IL", "sanctuary", "--source", SRC, "--effective", "2011")
    rows = cli("report", "status", "--status", "NEUTRAL", "--format", "csv").stdout.splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == [TX]
    rows = cli("report", "status", "--status", "sanctuary", "--as-of", "2010", "--format", "csv")
    assert rows.stdout.splitlines()[1:] == []
    bad = cli("report", "status", "--status", "sanctury")
    assert bad.exit_code == 2
    assert "sanctury" in bad.stderr


def test_downgrade_keeps_a_neutral_assertion_as_unknown_with_a_note(cli, url):
    _setup(cli)
    cli("status", "set", "Texas", "neutral", "--source", SRC, "--note", "Survey 2016")
    cli("status", "set", "Texas", "neutral", "--source", SRC, "--effective", "2017")
    db.dispose_all()
    db.downgrade(url, "0003")
    assert _statuses(url) == [
        ("unknown", "Survey 2016 [neutral (no law or policy either way)]"),
        ("unknown", "neutral (no law or policy either way)"),
    ]
    db.upgrade(url)
    assert cli("status", "set", "Texas", "neutral", "--source", SRC).exit_code == 0


def _labels(url):
    return _assertions(url, "label")


def test_a_label_keeps_the_sources_own_words_on_every_path(cli, url, tmp_path):
    _setup(cli)
    done = cli(
        "status", "set", "Texas", "anti_sanctuary", "--source", SRC, "--effective", "2017-05",
        "--label", "SB4: anti-sanctuary (score 0/7)",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    f = tmp_path / "status.csv"
    f.write_text(
        "jurisdiction,status,source,effective,label\n"
        f'"Cook County, IL",sanctuary,{SRC},2011-09,sanctuary_strong\n',
        encoding="utf-8",
    )
    assert cli("import", str(f)).exit_code == 0
    assert _labels(url) == [
        ("anti_sanctuary", "SB4: anti-sanctuary (score 0/7)"),
        ("sanctuary", "sanctuary_strong"),
    ]
    history = json.loads(cli("status", "history", "Texas", "--format", "json").stdout)
    assert history[0]["label"] == "SB4: anti-sanctuary (score 0/7)"
    exported = cli("export", "status").stdout.splitlines()
    assert exported[0] == (
        "jurisdiction,status,source,effective,observed,citation,quote,note,label,recorded_at"
    )
    # A file without the column leaves labels as they are; an empty cell clears one.
    f.write_text(
        f'jurisdiction,status,source,effective\n"Cook County, IL",sanctuary,{SRC},2011-09\n',
        encoding="utf-8",
    )
    result = cli("import", str(f), "--format", "csv")
    assert result.stdout.splitlines()[1] == "status,0,0,1"
    assert _labels(url)[1] == ("sanctuary", "sanctuary_strong")
    f.write_text(
        f'jurisdiction,status,source,effective,label\n"Cook County, IL",sanctuary,{SRC},2011-09,\n',
        encoding="utf-8",
    )
    result = cli("import", str(f), "--format", "csv")
    assert result.stdout.splitlines()[1] == "status,0,1,0"
    assert _labels(url)[1] == ("sanctuary", None)
