"""tracker sources add | list, on both engines."""

import csv
import io
import json

from conftest import dump


def ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def test_add_prints_the_url_as_key(cli):
    result = ok(cli("sources", "add", "Judge blocks grant conditions", "--url", "https://example.org/a",
                    "--publisher", "Chicago Tribune", "--author", "Jane Roe", "--published", "2017-09-15",
                    "--kind", "news"))  # fmt: skip
    assert result.stdout == "https://example.org/a\n"
    (row,) = json.loads(ok(cli("sources", "list", "--format", "json")).stdout)
    assert row == {
        "id": row["id"],
        "key": "https://example.org/a",
        "title": "Judge blocks grant conditions",
        "publisher": "Chicago Tribune",
        "author": "Jane Roe",
        "url": "https://example.org/a",
        "published": "2017-09-15",
        "kind": "news",
    }


def test_without_url_the_key_is_title_and_date(cli):
    assert ok(cli("sources", "add", "DOJ press release", "--published", "2018-01", "--kind",
                  "government_release")).stdout == "DOJ press release (2018-01)\n"  # fmt: skip
    assert ok(cli("sources", "add", "Undated memo")).stdout == "Undated memo\n"


def test_list_orders_by_date_in_all_formats(cli):
    ok(cli("sources", "add", "Later", "--published", "2019"))
    ok(cli("sources", "add", "Earlier [draft]", "--published", "2017-03"))
    table = ok(cli("sources", "list")).stdout
    assert table.index("Earlier [draft]") < table.index("Later")
    rows = list(csv.DictReader(io.StringIO(ok(cli("sources", "list", "--format", "csv")).stdout)))
    assert [r["title"] for r in rows] == ["Earlier [draft]", "Later"]
    assert rows[0]["published"] == "2017-03"


def test_a_source_is_usable_by_its_key(cli):
    ok(cli("sources", "add", "DOJ press release", "--published", "2018-01"))
    ok(cli("jurisdictions", "add", "Illinois", "--kind", "state", "--state", "IL"))
    ok(cli("status", "set", "IL", "sanctuary", "--source", "DOJ press release (2018-01)"))


def test_duplicate_source_is_refused(cli):
    ok(cli("sources", "add", "A", "--url", "https://example.org/a"))
    before = dump(cli.url)
    again = cli("sources", "add", "A again", "--url", "https://example.org/a")
    assert again.exit_code == 1
    assert again.stderr.startswith("Error: source 'https://example.org/a' already exists")
    assert dump(cli.url) == before


def test_sources_help_offers_kinds(cli):
    text = ok(cli("sources", "add", "--help")).stdout
    for kind in ("news", "court_record", "government_release", "dataset", "other"):
        assert kind in text
