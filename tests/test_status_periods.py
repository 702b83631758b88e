"""Each jurisdiction's periods of status are kept on the write path
(tracker/status_periods.py): after every kind of write, through tracker or
around it, the report read from the kept periods is the report computed from
the assertions, on every day that matters. On both engines."""

import random

import pytest
import sqlalchemy as sa
from conftest import import_dir

from tracker import db
from tracker import status as st
from tracker import status_periods as sp
from tracker.batch import Batch
from tracker.csvformat import Row
from tracker.models import Jurisdiction, PolicyStatus, Source, StatusPeriods, StatusPeriodsStale

A, B, C = "https://a.example/one", "https://b.example/two", "https://c.example/three"
PLACE = "ocd-division/country:us/state:il/place:"
ELGIN, JOLIET, PEORIA = PLACE + "elgin", PLACE + "joliet", PLACE + "peoria"
DAYS = ["2009-12-31", "2010", "2014-06-30", "2016-01-01", "2018-01-24", "2026-11-30", "2040-01-01"]

FILES = {
    "sources.csv": f"title,url,published,kind\nOne,{A},2010-05-01,news\nTwo,{B},2014,news\n"
    f"Three,{C},,dataset\n",
    "jurisdictions.csv": "name,kind,state\nElgin,city,IL\nJoliet,city,IL\nPeoria,city,IL\n",
    "status.csv": "jurisdiction,status,source,effective,observed\n"
    f"{ELGIN},sanctuary,{A},2010,\n"
    f"{ELGIN},cooperative,{B},,2014-06\n"
    f"{ELGIN},sanctuary,{C},2016-01-01,\n"
    f"{JOLIET},partial,{A},,\n"
    f"{JOLIET},partial,{C},,\n",
}


def _days(day: str) -> str:
    return {"2010": "2010-01-01"}.get(day, day)


def _both(url: str) -> None:
    """The report on each day from the kept periods equals the report computed
    from the assertions (every jurisdiction marked, inside a transaction
    thrown away); after a tracker write nothing is left marked."""
    with db.connect(url) as conn:
        left = conn.execute(sa.select(StatusPeriodsStale.c.jurisdiction_id)).scalars().all()
        kept = {d: list(st.in_force_rows(conn, _days(d))) for d in DAYS}
        conn.execute(
            StatusPeriodsStale.insert().from_select(
                ["jurisdiction_id"], sa.select(Jurisdiction.c.id)
            )
        )
        computed = {d: list(st.in_force_rows(conn, _days(d))) for d in DAYS}
        conn.rollback()
    assert left == []
    for d in DAYS:
        assert kept[d] == computed[d], d


def _report(cli, *args: str) -> str:
    result = cli("report", "status", "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return result.output


def _line(report: str, key: str) -> str:
    return next(line for line in report.splitlines() if line.startswith(key + ","))


def test_every_write_keeps_the_periods(cli, url, tmp_path):
    import_dir(cli, tmp_path, FILES)
    _both(url)
    assert _line(_report(cli, "--as-of", "2015-01-01"), ELGIN).endswith(
        f",cooperative,2014-06,2014-06,{B},sanctuary ({A})"
    )
    assert _line(_report(cli, "--as-of", "2030-01-01"), ELGIN).endswith(
        f",sanctuary,2016-01-01,2016-01-01,{C},cooperative ({B})"
    )
    # Never known starts (no dates, no published date) are in force on every day.
    assert _line(_report(cli, "--as-of", "1990-01-01"), JOLIET).endswith(f",partial,,,{C},")

    # status set: a new assertion.
    r = cli("status", "set", "Peoria, IL", "anti_sanctuary", "--source", B, "--effective", "2018")
    assert r.exit_code == 0, r.output
    _both(url)
    assert _line(_report(cli), PEORIA).endswith(f",anti_sanctuary,2018,2018,{B},")

    # A re-import: the stored rows matched, one more added.
    more = dict(FILES)
    more["status.csv"] = FILES["status.csv"] + f"{JOLIET},sanctuary,{B},2018-01-25,\n"
    import_dir(cli, tmp_path, more, "more")
    _both(url)
    assert _line(_report(cli, "--as-of", "2018-01-24"), JOLIET).endswith(
        f",partial,,2010-05-01,{A},"
    )
    assert _line(_report(cli, "--as-of", "2018-01-25"), JOLIET).endswith(
        f",sanctuary,2018-01-25,2018-01-25,{B},partial ({A}); partial ({C})"
    )

    # A source's published date changes the start of its undated assertions.
    import_dir(
        cli,
        tmp_path,
        {"sources.csv": f"title,url,published,kind\nThree,{C},2017-03,dataset\n"},
        "dated",
    )
    _both(url)
    assert _line(_report(cli, "--as-of", "2017-02-28"), JOLIET).endswith(
        f",partial,2010-05-01,2010-05-01,{A},"
    )
    assert _line(_report(cli, "--as-of", "2017-03-01"), JOLIET).endswith(
        f",partial,2010-05-01,2017-03,{C},"
    )

    # A jurisdiction removed with its records.
    r = cli("jurisdictions", "remove", "Peoria, IL", "--cascade", "--yes")
    assert r.exit_code == 0, r.output
    _both(url)
    with db.connect(url) as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(StatusPeriods)).scalar() == 2


def test_writes_around_tracker_are_seen(cli, url, tmp_path):
    """Rows added, changed or removed by plain SQL (a fix in the sqlite3 shell,
    psql, Datasette): triggers mark their jurisdictions, and the report
    computes those from the assertions until a tracker write keeps them again."""
    import_dir(cli, tmp_path, FILES)
    engine = db.engine_for(url)
    p = PolicyStatus
    with engine.begin() as conn:
        elgin = conn.execute(sa.select(Jurisdiction.c.id).where(Jurisdiction.c.ocd_id == ELGIN))
        elgin = elgin.scalar_one()
        peoria = conn.execute(sa.select(Jurisdiction.c.id).where(Jurisdiction.c.ocd_id == PEORIA))
        peoria = peoria.scalar_one()
        source = conn.execute(sa.select(Source.c.id).where(Source.c.key == A)).scalar_one()
        conn.execute(
            p.insert().values(jurisdiction_id=peoria, status="sanctuary", source_id=source,
                              effective="2019-02-03", recorded_at=sa.func.current_timestamp())
        )  # fmt: skip
        conn.execute(p.update().where(p.c.jurisdiction_id == elgin).values(effective="2011"))
    with engine.connect() as conn:
        marked = set(conn.execute(sa.select(StatusPeriodsStale.c.jurisdiction_id)).scalars())
    assert marked == {elgin, peoria}
    assert _line(_report(cli), PEORIA).endswith(f",sanctuary,2019-02-03,2019-02-03,{A},")
    assert _line(_report(cli), ELGIN).endswith(f",sanctuary,2011,2011,{C},cooperative ({B})")
    with engine.begin() as conn:
        conn.execute(p.delete().where(p.c.jurisdiction_id == peoria))
    assert _line(_report(cli), PEORIA).endswith(",no status recorded,,,,")
    # The next tracker write brings the kept periods up to date.
    r = cli("sources", "add", "Four", "--url", "https://d.example/four")
    assert r.exit_code == 0, r.output
    _both(url)


def test_a_failed_write_keeps_nothing(cli, url, tmp_path):
    import_dir(cli, tmp_path, FILES)
    with db.connect(url) as conn:
        before = conn.execute(sa.select(StatusPeriods).order_by(StatusPeriods.c.jurisdiction_id))
        before = before.all()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "jurisdiction,status,source,effective\n"
        f"{PEORIA},sanctuary,{A},2020\n{ELGIN},sanctuary,{A},2020-13\n",
        encoding="utf-8",
    )
    r = cli("import", str(bad))
    assert r.exit_code == 1
    with db.connect(url) as conn:
        after = conn.execute(sa.select(StatusPeriods).order_by(StatusPeriods.c.jurisdiction_id))
        assert after.all() == before
        assert conn.execute(sa.select(StatusPeriodsStale)).all() == []


@pytest.mark.parametrize(
    "words",
    [
        # (start, jurisdiction, source, code), oldest first: code = status + 8 * origin.
        [("2010", 1, 1, 0), ("2014-06", 1, 2, 2 + 8), ("2016", 1, 3, 0)],
        [("", 1, 1, 1 + 16), ("", 1, 2, 1 + 16), ("2018", 1, 1, 0)],
        # Two words on one start, one source's words on both sides of another's.
        [("2012", 1, 2, 0), ("2015-06", 1, 1, 0), ("2015-06", 1, 2, 3), ("2016-02-29", 1, 3, 3),
         ("2017", 1, 1, 3)],
        # A run whose best date is not its oldest word's.
        [("2011", 1, 1, 1 + 16), ("2012-05", 1, 2, 1 + 8), ("2013", 1, 3, 1), ("2014", 1, 2, 1 + 16),
         ("2015", 1, 1, 2), ("2016", 1, 3, 2 + 8), ("2017", 1, 2, 2)],
    ],
)  # fmt: skip
def test_the_kept_period_on_a_day_is_the_rule_on_the_words_in_force(words):
    """What ``kept`` reads off a stored row on a day is ``decide`` over the
    words in force on that day."""
    words = [(*w, i) for i, w in enumerate(words, 1)]  # each its assertion's id
    stored = sp._stored(1, words)[1:7]
    days = ["2009-01-01", "2010-01-01", "2012-01-01", "2013-06-01", "2014-06-01", "2015-06-01",
            "2015-06-30", "2016-02-29", "2016-06-01", "2017-01-01", "2018-01-01", "2030-01-01"]  # fmt: skip
    for day in days:
        in_force = [w for w in words if w[0] <= day]
        # As the report's query gives it: the older periods only when needed.
        row = stored if stored[0] > day else (*stored[:-1], None)
        found = sp.kept(row, day)
        if not in_force:
            assert found is None, day
            continue
        period = sp.decide(in_force)
        assert found == sp.Kept(
            period.current[0], period.status, period.since, period.current[2],
            sp.said(period.disagreeing),
        ), day  # fmt: skip


def _kept_and_computed(url: str) -> tuple[list, list]:
    """Every kept row, and every row computed from scratch (thrown away)."""
    order = StatusPeriods.c.jurisdiction_id
    with db.connect(url) as conn:
        kept = conn.execute(sa.select(StatusPeriods).order_by(order)).all()
        sp.refresh(conn, everything=True)
        computed = conn.execute(sa.select(StatusPeriods).order_by(order)).all()
        conn.rollback()
    return kept, computed


def test_a_write_after_the_newest_goes_on_from_where_the_rule_stood(
    url, cli, tmp_path, monkeypatch
):
    """Assertions added a few at a time, by `status set` and by imports, in
    random order of their starts, some recorded in the past: after each write
    the kept row (every column, where the rule stood included) is the one
    computed from all the assertions, whether the write went on from the kept
    row or computed it again."""
    import_dir(cli, tmp_path, {k: v for k, v in FILES.items() if k != "status.csv"})
    went_on = []
    real = sp.go_on

    def spy(conn, jurisdictions, before):
        done = real(conn, jurisdictions, before)
        went_on.append(len(done))
        return done

    monkeypatch.setattr(sp, "go_on", spy)
    rng = random.Random(20180124)
    places = [ELGIN, JOLIET, PEORIA]
    statuses = ["sanctuary", "partial", "cooperative", "anti_sanctuary", "neutral"]
    year = 2000
    for n in range(60):
        rows = []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            # Mostly later starts (the common write), now and then an older one.
            year += rng.choice([0, 0, 1, 1, 2])
            when = year - (rng.choice([0, 0, 0, 0, 7]))
            values = {"jurisdiction": rng.choice(places), "status": rng.choice(statuses),
                      "source": rng.choice([A, B, C])}  # fmt: skip
            kind = rng.choice(["effective", "observed", "effective", "neither"])
            if kind != "neither":
                values[kind] = rng.choice([f"{when}", f"{when}-06", f"{when}-06-30"])
            if rng.random() < 0.1:
                values["recorded_at"] = "2001-01-01T00:00:00Z"
            rows.append(Row(len(rows) + 2, values))
        with db.connect(url, write=True) as conn:
            # status set (every row a new assertion), or a file imported (a row
            # saying what a stored one says is that one).
            st.write(Batch(conn), rows, append=rng.random() < 0.7)
        kept, computed = _kept_and_computed(url)
        assert kept == computed, n
    # Most writes went on from the kept rows; some could not.
    assert sum(went_on) > 40
    assert len(kept) == 3


def test_a_row_kept_before_it_said_where_the_rule_stood_is_computed_again(url, cli, tmp_path):
    import_dir(cli, tmp_path, FILES)
    with db.connect(url, write=True) as conn:
        conn.execute(sa.update(StatusPeriods).values(origin=None, sources=None, last_id=None))
    r = cli("status", "set", "Elgin, IL", "partial", "--source", A, "--effective", "2020")
    assert r.exit_code == 0, r.output
    kept, computed = _kept_and_computed(url)
    assert kept[0] == computed[0]
    assert kept[0].status == "partial" and kept[0].origin == 0
    # Joliet was not written: its row stays as it was.
    assert kept[1].origin is None
    _both(url)


def test_a_database_from_before_kept_periods_has_them_all_computed_by_the_upgrade(
    url, cli, tmp_path
):
    """From revision 0008 (no periods kept) to head: every jurisdiction's
    periods are kept, nothing is left marked, and they are the periods
    computed from the assertions."""
    import_dir(cli, tmp_path, FILES)
    db.downgrade(url, "0008")
    db.upgrade(url, "head")
    with db.connect(url) as conn:
        assert conn.execute(sa.select(StatusPeriodsStale)).all() == []
    kept, computed = _kept_and_computed(url)
    assert len(kept) == 2  # Elgin and Joliet; Peoria has no assertion
    assert kept == computed
    _both(url)
