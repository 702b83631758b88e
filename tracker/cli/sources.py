"""tracker sources: where facts come from."""

from typing import Annotated

import typer

from tracker.cli import common
from tracker.vocab import SourceKind

app = typer.Typer(
    help="Add and list sources (articles, court records, releases, datasets).", no_args_is_help=True
)


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="The source's title.")],
    url: Annotated[
        str | None, typer.Option(help="Web address; it becomes the source's key.")
    ] = None,
    publisher: Annotated[str | None, typer.Option(help="Publisher, e.g. Chicago Tribune.")] = None,
    author: Annotated[str | None, typer.Option(help="Author.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    kind: Annotated[
        SourceKind, typer.Option(case_sensitive=False, help="What kind of source it is.")
    ] = SourceKind.news,
) -> None:
    """Add a source and print its key (the url, else "title (published)").

    Example: tracker sources add "Judge blocks grant conditions" --url https://example.org/a --published 2017-09-15
    """
    from tracker import sources

    with common.connect(write=True) as conn:
        key = sources.add(
            conn,
            title=title,
            url=url,
            publisher=publisher,
            author=author,
            published=published,
            kind=kind.value,
        )
    common.out(key)


@app.command("list")
def list_(format: common.FormatOption = None, excel_safe: common.ExcelSafeOption = False) -> None:
    """List sources by publication date.

    Example: tracker sources list --format json
    """
    from tracker import sources

    with common.connect() as conn:
        result = sources.list_sources(conn)
    common.show(result, format, excel_safe)
