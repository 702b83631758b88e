"""tracker cases: litigation, parties and rulings."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import CaseStatus, RulingKind

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
) -> None:
    """Record a ruling in a case and print the ruling's id. Run it again for
    each later ruling; `cases show` lists them all by date.

    \b
    Example: tracker cases rule "City of Chicago v. Sessions" --date 2017-09-15 --kind preliminary_injunction --judge "Harry Leinenweber" --source 1
    """
    from tracker import cases, sources

    with common.connect(write=True) as conn:
        c = cases.resolve(conn, case)
        ruling = cases.rule(
            conn, c.key, source=sources.key_of(conn, source), date=date, kind=kind.value,
            judge=judge, summary=summary,
        )  # fmt: skip
    common.out(str(ruling))


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
