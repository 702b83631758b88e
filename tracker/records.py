"""Stored rows as plain dicts for output: stable keys, dates as entered,
money as decimal strings, each record with its ``id`` and natural ``key``.

Any object with the model's attribute names will do (``tracker.dossier``
passes plain rows): importing this module never loads the ORM.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.values import format_amount, format_timestamp

if TYPE_CHECKING:
    from tracker.models import (
        FederalAction,
        GrantAmount,
        Jurisdiction,
        LegalCase,
        PolicyStatus,
        Ruling,
        Source,
    )


def source(s: Source) -> dict:
    return {
        "id": s.id,
        "key": s.key,
        "title": s.title,
        "publisher": s.publisher,
        "author": s.author,
        "url": s.url,
        "published": s.published,
        "kind": s.kind,
    }


def jurisdiction(j: Jurisdiction, aliases: list[str] | None = None) -> dict:
    row = {
        "id": j.id,
        "key": j.ocd_id,
        "name": j.name,
        "kind": j.kind,
        "state": j.state,
        "fips": j.fips,
        "population": j.population,
    }
    if aliases is not None:
        row["aliases"] = aliases
    row["notes"] = j.notes
    return row


def status(ps: PolicyStatus, src: Source, j: Jurisdiction | None = None) -> dict:
    row = {"id": ps.id}
    if j is not None:
        row["jurisdiction"] = j.ocd_id
        row["name"] = j.name
    row.update(
        {
            "status": ps.status,
            "effective": ps.effective,
            "observed": ps.observed,
            "source": src.key,
            "citation": ps.citation,
            "quote": ps.quote,
            "note": ps.note,
            "recorded_at": format_timestamp(ps.recorded_at),
        }
    )
    return row


def action(a: FederalAction, src: Source, targets: list[Jurisdiction]) -> dict:
    return {
        "id": a.id,
        "key": a.key,
        "date": a.date,
        "agency": a.agency,
        "kind": a.kind,
        "title": a.title,
        "description": a.description,
        "source": src.key,
        "target_count": a.target_count,
        "named_targets": [t.ocd_id for t in targets],
    }


def grant(
    g: GrantAmount,
    src: Source,
    jurisdiction: Jurisdiction | None,
    members: list[Jurisdiction],
    action: FederalAction | None,
) -> dict:
    return {
        "id": g.id,
        "program": g.program,
        "assistance_listing": g.assistance_listing,
        "fiscal_year": g.fiscal_year,
        "amount": format_amount(g.amount_cents),
        "amount_type": g.amount_type,
        "scope": g.scope,
        "jurisdiction": jurisdiction.ocd_id if jurisdiction else None,
        "aggregate_over": [m.ocd_id for m in members],
        "action": action.key if action else None,
        "source": src.key,
        "note": g.note,
    }


def case(c: LegalCase, src: Source | None = None) -> dict:
    row = {
        "id": c.id,
        "key": c.key,
        "caption": c.caption,
        "court": c.court,
        "docket": c.docket,
        "filed": c.filed,
        "status": c.status,
        "summary": c.summary,
    }
    if src is not None:
        row["source"] = src.key
    return row


def ruling(r: Ruling, src: Source) -> dict:
    return {
        "id": r.id,
        "date": r.date,
        "kind": r.kind,
        "judge": r.judge,
        "summary": r.summary,
        "source": src.key,
    }
