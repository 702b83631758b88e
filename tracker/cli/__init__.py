"""The ``tracker`` command line. Thin: parse, call the library, print.

Heavy modules (the ORM, Alembic, reports) are imported inside the commands
that need them, so ``tracker --help`` and ``--version`` stay fast.
"""

import signal
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from tracker import __version__
from tracker.cli import common
from tracker.config import redact
from tracker.errors import InvalidRow, TrackerError


class TrackerGroup(TyperGroup):
    """Turns errors meant for users into one ``Error: ...`` line and exit 1."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except InvalidRow as exc:
            # One line per problem, as an import reports a row.
            _fail(*(str(p) for p in exc.problems))
        except TrackerError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            typer.echo("Interrupted; the database is unchanged.", err=True)
            sys.exit(130)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            # --help, a usage error: the CLI's own, never the database's
            # (checking would load SQLAlchemy just to print help).
            raise
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(1)
        except OSError as exc:
            # The file system said no (an --out path that is a file, a full
            # disk, no permission): the user's surroundings, not a bug.
            if exc.errno is None:
                raise
            reason = exc.strerror or str(exc)
            _fail(reason if exc.filename is None else f"{exc.filename}: {reason}")
        except Exception as exc:
            # Database errors reach users too (server down, file locked, read-only).
            import sqlalchemy.exc

            if isinstance(exc, sqlalchemy.exc.IntegrityError):
                _fail(f"the database refused the change: {_first_line(exc.orig)}")
            if _is_users_problem(exc):
                from tracker.db import database_error

                _fail(str(database_error(common.url(), exc)))
            raise


_USERS_SQLSTATES = {"25006", "42501", "55P03", "57014"}
_USERS_SQLSTATE_CLASSES = {"08", "40", "53", "57", "58"}


def _is_users_problem(exc: Exception) -> bool:
    """A database error caused by the surroundings, not by a bug in tracker."""
    import sqlalchemy.exc

    if isinstance(exc, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return True
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
    # PostgreSQL: a read-only role or database, the server out of room or
    # shutting down, a lost connection, a transaction the server gave up on.
    # Other programming and internal errors are bugs and keep their traceback.
    if sqlstate in _USERS_SQLSTATES or sqlstate[:2] in _USERS_SQLSTATE_CLASSES:
        return True
    # The bare DatabaseError: SQLite's "file is not a database", "malformed".
    return type(exc) is sqlalchemy.exc.DatabaseError


def _first_line(exc) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _fail(*texts: str) -> None:
    for text in texts:
        # Whatever the message quotes, the database password never reaches the screen.
        try:
            text = redact(text, common.url())
        except Exception:  # noqa: BLE001 - masking must never hide the error itself
            text = redact(text, common.state.db)
        typer.echo(f"Error: {text}", err=True)
    sys.exit(1)


app = typer.Typer(
    cls=TrackerGroup,
    help="Track US jurisdictions' sanctuary-policy status over time, the federal grant money "
    "tied to them, the federal actions aimed at them and the litigation around them, "
    "with a source on every fact.",
    no_args_is_help=True,
    epilog='\b\nExample: tracker seed && tracker jurisdictions show "Chicago, IL"',
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tracker {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="TRACKER_DATABASE_URL",
            help="SQLAlchemy database URL, e.g. sqlite:///tracker.db or "
            "postgresql://user@host/dbname. Default: a SQLite file in your data directory.",
            show_envvar=True,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    common.state.db = db


def _register() -> None:
    from tracker.cli import (
        actions,
        cases,
        changes,
        data,
        db,
        grants,
        jurisdictions,
        publish,
        registry,
        report,
        sources,
        status,
        statusmap,
    )

    groups = [
        (db, "db", "tracker db upgrade"),
        (sources, "sources", 'tracker sources add "Judge blocks grant conditions" --url https://example.org/a'),
        (jurisdictions, "jurisdictions", 'tracker jurisdictions show "Denver, CO"'),
        (status, "status", 'tracker status history "Chicago, IL" --format csv'),
        (grants, "grants", 'tracker grants list --jurisdiction "Chicago, IL"'),
        (actions, "actions", "tracker actions list --format json"),
        (cases, "cases", 'tracker cases show "Chicago v. Sessions"'),
        (report, "report", "tracker report status --as-of 2018-01-25"),
        (registry, "registry", 'tracker registry lookup "Cook County, IL"'),
    ]  # fmt: skip
    for module, name, example in groups:
        # The example sits in the epilog so each group's --help shows one;
        # \b keeps click from re-wrapping the command line.
        app.add_typer(module.app, name=name, epilog=f"\b\nExample: {example}")
    data.register(app)
    app.command("reconcile")(registry.reconcile)
    app.command("changes")(changes.changes)
    app.command("map")(statusmap.map_)
    app.command("publish")(publish.publish)


_register()


def _quiet_on_the_way_out() -> None:
    """The user stopped tracker: what the stop cut short may complain as it
    is collected on the way out (a driver's cursor stopped inside its own
    constructor: "Exception ignored in ... __del__", with a traceback). The
    one line said is the whole answer. Only from ``main``'s handlers: a
    program that runs the commands itself keeps its own hook."""
    sys.unraisablehook = lambda _unraisable: None


def _interrupted(_signum, _frame) -> None:
    # Quiet from the moment of the signal: a half-built object may be
    # collected while the stack unwinds, before the line is written.
    _quiet_on_the_way_out()
    raise KeyboardInterrupt


def _terminated(signum, _frame) -> None:
    # Unwind like Ctrl-C: the transaction rolls back and partial files are
    # removed on the way out, then exit with the shell's 128 + signal number.
    typer.echo("Terminated; the database is unchanged.", err=True)
    _quiet_on_the_way_out()
    raise SystemExit(128 + signum)


def main() -> None:
    # A signal the caller set to be ignored (a job started in the background
    # ignores Ctrl-C) stays ignored.
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted)
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:
        signal.signal(signal.SIGTERM, _terminated)
    app(prog_name="tracker")
