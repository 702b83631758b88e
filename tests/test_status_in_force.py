"""The status in force (status.py): the report's rows, the list's rows and the
one-jurisdiction answer agree with each other and with the rule, spelt out
here again independently (the latest start on or before the day, then
recorded_at, then id; each source's latest word; the other sources that
differ, most recent first), on both engines, with partial dates, missing
dates, sources without a published date and ties."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tracker import db, reports
from tracker import status as st
from tracker.models import Jurisdiction, PolicyStatus, Source, StatusPeriodsStale

DAYS = ["2000-01-01", "2015-01-01", "2015-06-01", "2016-03-01", "2018-01-24", "2030-01-01"]


def _fill(url: str, seed: int) -> None:
    rng = random.Random(seed)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    dates = [None, "2015", "2015-06", "2015-06-01", "2016-03-15", "2018-01", "2018-01-24"]
    s, j, p = Source, Jurisdiction, PolicyStatus
    with db.connect(url, write=True) as conn:
        sources = []
        for i, published in enumerate([None, "2015", "2016-03", "2018-01-24", None]):
            key = f"https://example.org/{i}"
            sources.append(
                conn.execute(
                    s.insert()
                    .values(key=key, title=f"S{i}", kind="news", published=published,
                            created_at=base)
                    .returning(s.c.id)
                ).scalar_one()
            )  # fmt: skip
        js = []
        for i in range(12):
            js.append(
                conn.execute(
                    j.insert()
                    .values(ocd_id=f"ocd-division/country:us/state:ca/place:p{i:02d}",
                            name=f"P{i:02d}", name_folded=f"p{i:02d}", kind="city",
                            state="CA" if i % 3 else "NV")
                    .returning(j.c.id)
                ).scalar_one()
            )  # fmt: skip
        for jid in js[1:]:  # the first has no assertion at all
            for _ in range(rng.randrange(0, 9)):
                conn.execute(
                    p.insert().values(
                        jurisdiction_id=jid,
                        source_id=rng.choice(sources),
                        status=rng.choice(["sanctuary", "partial", "cooperative"]),
                        effective=rng.choice(dates),
                        observed=rng.choice(dates),
                        # Few distinct times: ties on start and recorded_at happen.
                        recorded_at=base + timedelta(days=rng.randrange(3)),
                    )
                )


def _reference(url: str, day: str) -> dict[int, list[dict]]:
    """The rule over each jurisdiction's whole history, with Python's own
    comparisons: {jurisdiction id: [current, *disagreeing]} as dicts. The
    current one's "since" is the earliest effective date of the run of its
    status (the newest assertions, any source's, back to the first with
    another status), else the earliest observed date, else the run's
    earliest start; a disagreeing source's row has no "since"."""
    s, j, p = Source, Jurisdiction, PolicyStatus
    with db.connect(url) as conn:
        published = dict(conn.execute(sa.select(s.c.id, s.c.published)).all())
        keys = dict(conn.execute(sa.select(s.c.id, s.c.key)).all())
        out: dict[int, list[dict]] = {jid: [] for jid in conn.execute(sa.select(j.c.id)).scalars()}
        every = conn.execute(sa.select(p)).all()
    for jid in out:
        latest: dict[int, tuple] = {}  # source id -> (start, recorded_at, id, status)
        in_force = []
        for a in every:
            if a.jurisdiction_id != jid:
                continue
            start = a.effective or a.observed or published[a.source_id] or ""
            if start > day:
                continue
            in_force.append(a)
            word = (start, a.recorded_at, a.id, a.status)
            if a.source_id not in latest or word[:3] > latest[a.source_id][:3]:
                latest[a.source_id] = word
        if not latest:
            continue
        by_newest = sorted(latest.items(), key=lambda kv: kv[1][:3], reverse=True)
        (csid, current), others = by_newest[0], by_newest[1:]
        disagreeing = [(sid, w) for sid, w in others if w[3] != current[3]]
        in_force.sort(
            key=lambda a: (a.effective or a.observed or published[a.source_id] or "",
                           a.recorded_at, a.id),
            reverse=True,
        )  # fmt: skip
        run = []
        for a in in_force:
            if a.status != current[3]:
                break
            run.append(a)
        effective = [a.effective for a in run if a.effective]
        observed = [a.observed for a in run if a.observed]
        oldest = run[-1]
        since = (
            min(effective)
            if effective
            else min(observed)
            if observed
            else (published[oldest.source_id] or None)
        )
        out[jid] = [
            {"status": current[3], "since": since, "last_asserted": current[0] or None,
             "source": keys[csid], "id": current[2]},
            *[{"status": w[3], "since": None, "last_asserted": w[0] or None,
               "source": keys[sid], "id": w[2]} for sid, w in disagreeing],
        ]  # fmt: skip
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("periods", ["kept", "computed"])
def test_in_force_rows_and_one_jurisdiction_follow_the_rule(url, seed, periods):
    # kept: the report reads the periods the write kept (status_periods);
    # computed: every jurisdiction is marked stale (as a write that has not
    # yet committed leaves them), so the report computes them from the assertions.
    _fill(url, seed)
    if periods == "computed":
        with db.engine_for(url).begin() as conn:
            conn.execute(
                StatusPeriodsStale.insert().from_select(
                    ["jurisdiction_id"], sa.select(Jurisdiction.c.id)
                )
            )
    for day in DAYS:
        expected = _reference(url, day)
        with db.connect(url) as conn:
            rows = list(st.in_force_rows(conn, day))
            assert sorted(r.id for r in rows) == sorted(expected)
            for r in rows:
                ref = expected[r.id]
                one = st.in_force(conn, r.id, day)
                if not ref:
                    assert (r.status, r.since, r.source, r.disagreement) == (None,) * 4
                    assert r.last_asserted is None
                    assert one == []
                    continue
                current, disagreeing = ref[0], ref[1:]
                assert (r.status, r.since, r.source) == (
                    current["status"], current["since"], current["source"])  # fmt: skip
                assert r.last_asserted == current["last_asserted"]
                words = [f"{w['status']} ({w['source']})" for w in disagreeing]
                assert r.disagreement == ("; ".join(words) or None)
                assert one == [
                    {"status": w["status"], "since": w["since"],
                     "last_asserted": w["last_asserted"], "source": w["source"],
                     "disagreement": bool(disagreeing)}
                    for w in ref
                ]  # fmt: skip


def test_in_force_rows_order_and_filters(url):
    _fill(url, 4)
    with db.connect(url) as conn:
        every = list(st.in_force_rows(conn, "2030-01-01"))
        assert [(r.state, r.name_folded, r.ocd_id) for r in every] == sorted(
            (r.state, r.name_folded, r.ocd_id) for r in every
        )
        only = list(st.in_force_rows(conn, "2030-01-01", state="NV"))
        assert only == [r for r in every if r.state == "NV"]
        none = list(st.in_force_rows(conn, "2030-01-01", state="NV", kind="county"))
        assert none == []
        quiet = list(st.in_force_rows(conn, "2030-01-01", disagreement=False))
        assert [r.disagreement for r in quiet] == [None] * len(every)
        assert [r[:-1] for r in quiet] == [r[:-1] for r in every]
        listed = list(st.listing(conn, state="ca").rows)
        assert [(x["id"], x["status"]) for x in listed] == [
            (r.id, r.status) for r in every if r.state == "CA"
        ]


def test_status_report_rows_are_the_in_force_rows(url):
    _fill(url, 5)
    with db.connect(url) as conn:
        report = list(reports.status_report(conn, as_of="2018-01-24").rows)
        rows = list(st.in_force_rows(conn, "2018-01-24"))
    assert [(x["jurisdiction"], x["status"], x["since"], x["last_asserted"], x["source"],
             x["disagreement"]) for x in report] == [
        (r.ocd_id, r.status or reports.NO_STATUS, r.since, r.last_asserted, r.source,
         r.disagreement)
        for r in rows
    ]  # fmt: skip


def test_in_force_rows_streams_beside_another_read(url):
    """Rows still streaming while the same transaction asks about one
    jurisdiction (PostgreSQL: two server-side cursors at once)."""
    _fill(url, 6)
    with db.connect(url) as conn:
        outer = st.in_force_rows(conn, "2030-01-01")
        first = next(outer)
        inner = list(st.in_force_rows(conn, "2030-01-01"))
        one = st.in_force(conn, first.id, "2030-01-01")
        rest = list(outer)
    assert [first, *rest] == inner
    assert (one[0]["status"] if one else None) == first.status
