"""tracker cases: litigation, parties and rulings."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import CaseStatus, RulingEvent, RulingKind, RulingScope

app = typer.Typer(help="Record and read lawsuits, their parties and rulings.", no_args_is_help=True)

PARTY_HELP = (
    "A jurisdiction REF (linked to it), or a person or agency by name, e.g. 'Jeff Sessions' "
    "(repeatable). 'Name, ST' that matches no jurisdiction is an error."
)
CaseArg = Annotated[
    str,
    typer.Argument(metavar="CASE", help="The case's id, key, docket number or caption."),
]
SourceOpt = Annotated[
    str, typer.Option(metavar="SRC", help="The source's id or key (its url when it has one).")
]
PartyOpt = Annotated[list[str] | None, typer.Option(metavar="P", help=PARTY_HELP)]


@app.command(epilog=common.ref_epilog())
def add(
    caption: Annotated[
        str,
        typer.Argument(
            metavar="CAPTION", help="The case caption, e.g. 'City of Chicago v. Sessions'."
        ),
    ],
    court: Annotated[str, typer.Option(metavar="TEXT", help="The court, e.g. 'N.D. Ill.'.")],
    source: SourceOpt,
    docket: Annotated[
        str | None,
        typer.Option(metavar="NUMBER", help="Docket number; it becomes the case's key."),
    ] = None,
    filed: Annotated[
        str | None, typer.Option(metavar="DATE", help="Filing date: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    status: Annotated[
        CaseStatus, typer.Option(case_sensitive=False, help="Where the case stands.")
    ] = CaseStatus.pending,
    summary: Annotated[
        str | None, typer.Option(metavar="TEXT", help="What the case is about.")
    ] = None,
    plaintiff: PartyOpt = None,
    defendant: PartyOpt = None,
    intervenor: PartyOpt = None,
    amicus: PartyOpt = None,
) -> None:
    """Add a case with its parties and print its key (the docket, else the caption).

    A party that matches a tracked jurisdiction is linked to it; other text is
    a named person or agency. Text like 'Name, ST' that matches no
    jurisdiction is an error.

    \b
    Example: tracker cases add "City of Chicago v. Sessions" --court "N.D. Ill." --docket 1:17-cv-05720 --source 1 --plaintiff "Chicago, IL" --defendant "Jeff Sessions"
    """
    from tracker import cases, sources

    parties = [
        (role, p)
        for role, given in (
            ("plaintiff", plaintiff),
            ("defendant", defendant),
            ("intervenor", intervenor),
            ("amicus", amicus),
        )
        for p in given or []
    ]
    with common.connect(write=True) as conn:
        key = cases.add(
            conn, source=sources.key_of(conn, source), parties=parties, caption=caption,
            court=court, docket=docket, filed=filed, status=status.value, summary=summary,
        )  # fmt: skip
    common.out(key)


@app.command()
def update(
    case: CaseArg,
    docket: Annotated[str | None, typer.Option(metavar="NUMBER", help="Docket number.")] = None,
    status: Annotated[
        CaseStatus | None, typer.Option(case_sensitive=False, help="Where the case stands.")
    ] = None,
    court: Annotated[str | None, typer.Option(metavar="TEXT", help="The court.")] = None,
    filed: Annotated[
        str | None, typer.Option(metavar="DATE", help="Filing date: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    summary: Annotated[
        str | None, typer.Option(metavar="TEXT", help="What the case is about.")
    ] = None,
) -> None:
    """Change a case's docket, status, court, filing date or summary; prints its key.

    \b
    Example: tracker cases update "City of Chicago v. Sessions" --status on_appeal
    """
    from tracker import cases

    with common.connect(write=True) as conn:
        key = cases.update(
            conn,
            case,
            docket=docket,
            status=status.value if status else None,
            court=court,
            filed=filed,
            summary=summary,
        )
    common.out(key)


@app.command()
def rule(
    case: CaseArg,
    date: Annotated[
        str,
        typer.Option(metavar="DATE", help="Date of the ruling: YYYY, YYYY-MM or YYYY-MM-DD."),
    ],
    kind: Annotated[RulingKind, typer.Option(case_sensitive=False, help="What kind of ruling.")],
    source: SourceOpt,
    judge: Annotated[str | None, typer.Option(metavar="NAME", help="The judge.")] = None,
    summary: Annotated[
        str | None, typer.Option(metavar="TEXT", help="What the court decided.")
    ] = None,
    restrains: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ACTION",
            help="A federal action the order restrains: its id or key (repeatable).",
        ),
    ] = None,
    scope: Annotated[
        RulingScope | None,
        typer.Option(
            case_sensitive=False,
            help="Whom the order protects: its parties, a class, states, or everyone.",
        ),
    ] = None,
    covers: Annotated[
        list[str] | None,
        typer.Option(
            metavar="REF",
            help="A jurisdiction the order covers (repeatable). Without any: the "
            "jurisdictions among the case's plaintiffs (for --scope state, the states "
            "among them). Never with --scope universal, which covers everyone.",
        ),
    ] = None,
) -> None:
    """Record a ruling in a case and print the ruling's id. Run it again for
    each later ruling; `cases show` lists them all by date.

    A court order names the federal actions it restrains (--restrains), whom it
    protects (--scope) and, where not its plaintiffs, the jurisdictions it
    covers (--covers). The plaintiffs are read when a report asks, so a
    plaintiff added to the case later is covered too. `tracker cases event`
    records what later happened to it; `tracker report protection` shows
    whom it protects on a date.

    \b
    Example: tracker cases rule "City of Chicago v. Sessions" --date 2017-09-15 --kind preliminary_injunction --judge "Harry Leinenweber" --source 1 --restrains 2017-07-25-byrne-jag-conditions --scope universal
    """
    from tracker import cases, sources

    with common.connect(write=True) as conn:
        c = cases.resolve(conn, case)
        ruling = cases.rule(
            conn, c.key, source=sources.key_of(conn, source), date=date, kind=kind.value,
            judge=judge, summary=summary, scope=scope.value if scope else None,
            restrains=restrains or (), covers=covers or (),
        )  # fmt: skip
    common.out(str(ruling))


@app.command(epilog=common.ref_epilog())
def event(
    case: CaseArg,
    ruling: Annotated[
        str,
        typer.Option(
            metavar="RULING",
            help="The ruling it happened to: DATE:KIND (e.g. 2017-09-15:preliminary_injunction), "
            "or its id as 'cases rule' printed it.",
        ),
    ],
    event: Annotated[
        RulingEvent, typer.Option("--event", case_sensitive=False, help="What happened.")
    ],
    date: Annotated[
        str,
        typer.Option(
            metavar="DATE",
            help="When: YYYY, YYYY-MM or YYYY-MM-DD; not before the ruling.",
        ),
    ],
    source: SourceOpt,
    appellate: Annotated[
        str | None,
        typer.Option(
            metavar="RULING",
            help="The ruling that brought it, e.g. an appellate decision: "
            "CASE@DATE:KIND, DATE:KIND in the same case, or a ruling id.",
        ),
    ] = None,
    still_covers: Annotated[
        list[str] | None,
        typer.Option(
            metavar="REF",
            help="A jurisdiction the order still covers after the event (repeatable): "
            "'stayed as to everyone but Chicago' is --event stayed --still-covers "
            "'Chicago, IL'. Without any, the event concerns the whole order. Not for "
            "stay_lifted.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option(metavar="TEXT", help="A note.")] = None,
) -> None:
    """Record what later happened to a court order, and print the event's id.

    \b
    stayed       suspended until stay_lifted; with --still-covers, for
                 everyone but those
    stay_lifted  in force again as it was before the stay
    vacated, reversed, expired
                 ended; with --still-covers, ended for everyone but those
    affirmed, modified
                 kept; with --still-covers, from then on covering only those

    An order covers from then on only jurisdictions it covered before. A
    preliminary injunction or restraining order needs no event when a later
    permanent injunction or dismissal in its case replaces it: reports show
    it superseded.

    \b
    Example: tracker cases event 1:17-cv-05720 --ruling 2017-09-15:preliminary_injunction --event stayed --date 2018-06-26 --source 1 --appellate 17-2991@2018-06-26:appellate_decision --still-covers "Chicago, IL"
    """
    from tracker import protection, sources

    with common.connect(write=True) as conn:
        found = protection.add_event(
            conn, case, ruling=ruling, event=event.value, date=date,
            source=sources.key_of(conn, source), appellate=appellate,
            still_covers=still_covers or (), note=note,
        )  # fmt: skip
    common.out(str(found))


@app.command("list")
def list_(format: common.FormatOption = None, excel_safe: common.ExcelSafeOption = False) -> None:
    """List cases with their parties and latest ruling.

    \b
    Example: tracker cases list --format json
    """
    from tracker import cases

    with common.connect() as conn:
        result = cases.list_cases(conn)
    common.show(result, format, excel_safe)


@app.command()
def show(
    case: CaseArg, format: common.FormatOption = None, excel_safe: common.ExcelSafeOption = False
) -> None:
    """Show a case: its details, parties (jurisdictions with their OCD ids) and
    every ruling, oldest first.

    \b
    Example: tracker cases show "City of Chicago v. Sessions"
    """
    from tracker import cases

    with common.connect() as conn:
        doc = cases.show(conn, case)
    common.show(doc, format, excel_safe)
