import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import table_counts

from tracker import db, transfer
from tracker.values import format_amount


def test_seed_twice_adds_nothing(url):
    first = db.connect(url, write=True)
    with first as s:
        transfer.import_files(s, db.resource_dir("seed"))
    counts = table_counts(url)
    with db.connect(url, write=True) as s:
        summary = transfer.import_files(s, db.resource_dir("seed"))
    assert table_counts(url) == counts
    assert all(c.added == 0 and c.updated == 0 for c in summary.values())
    assert counts["jurisdiction"] == 9
    assert counts["policy_status"] == 7


def test_seed_command_prints_summary(cli):
    result = cli("seed")
    assert result.exit_code == 0, result.output
    assert "jurisdictions" in result.stdout
    again = cli("seed")
    assert again.exit_code == 0
    assert "Imported: 0 change(s) written." in again.stderr


# --- the article's facts, as stored rows ---------------------------------------

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DOJ_ACTION = "2018-01-24-doj-threatens-subpoenas-for-records-of-23-sanctuary-jurisdictions"
OCD = "ocd-division/country:us"
CA, IL = f"{OCD}/state:ca", f"{OCD}/state:il"
NYC, LA = f"{OCD}/state:ny/place:new_york", f"{OCD}/state:ca/place:los_angeles"
CHICAGO, SF = f"{OCD}/state:il/place:chicago", f"{OCD}/state:ca/place:san_francisco"
SANTA_CLARA = f"{OCD}/state:ca/county:santa_clara"


def _rows(url: str, sql: str, **params) -> list[sa.Row]:
    with db.engine_for(url).connect() as conn:
        return list(conn.execute(sa.text(sql), params))


def test_seed_source_is_the_article_with_its_author_and_date(seeded_url):
    (source,) = _rows(seeded_url, "SELECT title, author, published, kind, url FROM source")
    assert source.title.startswith("Department of Justice Threatens Jurisdictions")
    assert source.author == "Alfonso Serrano"
    assert source.published == "2018-01-25"
    assert source.kind == "news"
    # The article as supplied carries no url; none is invented.
    assert source.url is None


def test_seed_san_francisco_is_one_consolidated_city_county(seeded_url):
    rows = _rows(
        seeded_url,
        "SELECT ocd_id, name, kind, fips FROM jurisdiction WHERE name_folded LIKE :n",
        n="%san francisco%",
    )
    assert len(rows) == 1
    (sf,) = rows
    assert (sf.ocd_id, sf.name, sf.kind, sf.fips) == (SF, "San Francisco", "city_county", "06075")
    # "San Francisco County" is an alias of the one record, not a second record.
    aliases = _rows(
        seeded_url,
        "SELECT a.alias FROM jurisdiction_alias a JOIN jurisdiction j"
        " ON j.id = a.jurisdiction_id WHERE j.ocd_id = :o",
        o=SF,
    )
    assert "San Francisco County" in {a.alias for a in aliases}


def test_seed_jurisdictions_have_the_right_kinds(seeded_url):
    kinds = dict(_rows(seeded_url, "SELECT ocd_id, kind FROM jurisdiction"))
    assert kinds == {
        f"{OCD}/district:dc": "federal_district",
        CA: "state",
        IL: "state",
        SANTA_CLARA: "county",
        LA: "city",
        SF: "city_county",
        CHICAGO: "city",
        f"{OCD}/state:la/place:new_orleans": "city_county",
        NYC: "city",
    }


def test_seed_doj_action_counts_23_targets_and_names_four(seeded_url):
    (action,) = _rows(
        seeded_url,
        "SELECT id, date, agency, kind, target_count FROM federal_action WHERE key = :k",
        k=DOJ_ACTION,
    )
    assert action.date == "2018-01-24"
    assert action.agency == "U.S. Department of Justice"
    assert action.target_count == 23
    targets = _rows(
        seeded_url,
        "SELECT j.ocd_id FROM action_target t JOIN jurisdiction j ON j.id = t.jurisdiction_id"
        " WHERE t.action_id = :a",
        a=action.id,
    )
    assert sorted(t.ocd_id for t in targets) == sorted([CA, IL, NYC, LA])


def test_seed_39_million_is_one_aggregate_tied_to_the_action(seeded_url):
    grants = _rows(
        seeded_url,
        "SELECT g.id, g.fiscal_year, g.amount_cents, g.scope, g.jurisdiction_id, g.note,"
        " a.key AS action_key FROM grant_amount g LEFT JOIN federal_action a"
        " ON a.id = g.action_id",
    )
    assert len(grants) == 1
    (grant,) = grants
    assert grant.amount_cents == 3_900_000_000
    assert format_amount(grant.amount_cents) == "39000000.00"
    assert grant.fiscal_year == 2016
    assert grant.scope == "aggregate"
    assert grant.action_key == DOJ_ACTION
    assert grant.jurisdiction_id is None
    assert "The Washington Post" in grant.note
    # Never split into per-jurisdiction shares: no member rows carry a part of it.
    assert _rows(seeded_url, "SELECT * FROM grant_member") == []


def test_seed_cases_have_their_parties(seeded_url):
    parties = _rows(
        seeded_url,
        "SELECT c.caption, p.role, j.ocd_id, p.name FROM case_party p"
        " JOIN legal_case c ON c.id = p.case_id"
        " LEFT JOIN jurisdiction j ON j.id = p.jurisdiction_id",
    )
    by_case: dict[str, set] = {}
    for caption, role, ocd, name in parties:
        by_case.setdefault(caption, set()).add((role, ocd or name))
    assert by_case == {
        "Chicago v. Sessions": {
            ("plaintiff", CHICAGO),
            ("defendant", "Jeff Sessions, Attorney General"),
        },
        "San Francisco and Santa Clara County v. Trump": {
            ("plaintiff", SF),
            ("plaintiff", SANTA_CLARA),
            ("defendant", "Donald Trump"),
        },
    }


def test_seed_invents_no_docket_numbers_filing_dates_or_judges(seeded_url):
    cases = _rows(seeded_url, "SELECT caption, docket, filed FROM legal_case")
    assert len(cases) == 2
    assert all(c.docket is None and c.filed is None for c in cases)
    rulings = _rows(seeded_url, "SELECT judge FROM ruling")
    assert rulings and all(r.judge is None for r in rulings)


def test_seed_rulings_keep_the_partial_dates_the_article_gives(seeded_url):
    rulings = _rows(
        seeded_url,
        "SELECT c.caption, r.date, r.kind FROM ruling r JOIN legal_case c ON c.id = r.case_id",
    )
    assert sorted((r.caption, r.date, r.kind) for r in rulings) == [
        ("Chicago v. Sessions", "2017", "other"),
        ("San Francisco and Santa Clara County v. Trump", "2017-11", "permanent_injunction"),
    ]


def test_seed_status_assertions_each_carry_a_quote_naming_the_jurisdiction(seeded_url):
    rows = _rows(
        seeded_url,
        "SELECT j.ocd_id, j.name, p.status, p.quote, p.effective, s.author"
        " FROM policy_status p JOIN jurisdiction j ON j.id = p.jurisdiction_id"
        " JOIN source s ON s.id = p.source_id",
    )
    assert {r.ocd_id for r in rows} == {CA, IL, NYC, LA, CHICAGO, SF, SANTA_CLARA}
    for r in rows:
        assert r.status == "sanctuary"
        assert r.author == "Alfonso Serrano"
        assert r.quote and r.quote.strip()
        assert r.name.split(" County")[0] in r.quote, (r.name, r.quote)
        # The article gives no date any of these policies took effect.
        assert r.effective is None


def test_seed_asserts_no_status_the_article_does_not_support(seeded_url):
    # New Orleans and Washington D.C. are named only through their mayors and a meeting.
    rows = _rows(
        seeded_url,
        "SELECT j.ocd_id FROM policy_status p JOIN jurisdiction j ON j.id = p.jurisdiction_id"
        " WHERE j.ocd_id IN (:a, :b)",
        a=f"{OCD}/state:la/place:new_orleans",
        b=f"{OCD}/district:dc",
    )
    assert rows == []


def test_seed_quotes_are_verbatim_from_the_article(seeded_url):
    articles = sorted(ARTICLE.glob("*.txt")) if ARTICLE.is_dir() else []
    if not articles:
        # CI lays shared/ beside its clone; a full run (TRACKER_TEST_FULL=1, as
        # in .ci/run) must check the quotes, not skip them.
        where = f"the article is not at {ARTICLE} (shared/, beside the checkout)"
        if os.environ.get("TRACKER_TEST_FULL") == "1":
            pytest.fail(where)
        pytest.skip(where)
    text = " ".join(articles[0].read_text(encoding="utf-8").split())
    quotes = _rows(seeded_url, "SELECT quote FROM policy_status")
    for (quote,) in quotes:
        assert " ".join(quote.split()) in text, quote


def test_seed_command_twice_leaves_the_same_row_counts(cli):
    first = cli("seed")
    assert first.exit_code == 0, first.output
    counts = table_counts(cli.url)
    second = cli("seed")
    assert second.exit_code == 0, second.output
    assert table_counts(cli.url) == counts
    assert counts["source"] == 1
    assert counts["legal_case"] == 2
    assert counts["ruling"] == 2
    assert counts["grant_amount"] == 1
