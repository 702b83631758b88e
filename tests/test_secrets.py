"""A password in the database URL is never printed: not in errors, messages or logs.

The test server trusts local connections, so a URL carrying any password
connects: every message of a working session can be checked too.
"""

import logging
import os
import subprocess
import sys

import pytest

from tracker import db
from tracker.config import mask_url, redact

PASSWORD = "s3cr3t-pw-XYZ"


def invoke(url: str, *args: str):
    from typer.testing import CliRunner

    from tracker.cli import app

    return CliRunner().invoke(app, ["--db", url, *args])


def assert_no_secret(text: str, *secrets: str) -> None:
    for secret in secrets or (PASSWORD,):
        assert secret not in text, text


# --- mask_url and redact -------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (f"postgresql://me:{PASSWORD}@db.example.org:5432/tracker",
         "postgresql://me:***@db.example.org:5432/tracker"),
        (f"postgresql+psycopg://me:{PASSWORD}@[::1]:5432/tracker",
         "postgresql+psycopg://me:***@[::1]:5432/tracker"),
        (f"postgresql://:{PASSWORD}@host/tracker", "postgresql://:***@host/tracker"),
        ("postgresql://me:s3cr3t@pw-XYZ@host/tracker", "postgresql://me:***@host/tracker"),
        ("postgresql://me:s3cr3t%40pw%2FXYZ@host/tracker", "postgresql://me:***@host/tracker"),
        (f"postgresql://me@host/tracker?sslmode=require&password={PASSWORD}&x=1",
         "postgresql://me@host/tracker?sslmode=require&password=***&x=1"),
        ("postgresql://me@host/tracker", "postgresql://me@host/tracker"),
        ("sqlite:////home/me/tracker.db", "sqlite:////home/me/tracker.db"),
        ("sqlite:///relative.db", "sqlite:///relative.db"),
    ],
)  # fmt: skip
def test_mask_url_hides_every_form_of_password(url, masked):
    assert mask_url(url) == masked


def test_redact_hides_the_password_wherever_a_message_quotes_it():
    url = "postgresql://me:s3cr3t@pw-XYZ@127.0.0.1/tracker"
    text = f"failed to resolve host 'pw-XYZ@127.0.0.1' for {url} (password s3cr3t@pw-XYZ)"
    assert_no_secret(redact(text, url), "s3cr3t", "pw-XYZ")
    encoded = "postgresql://me:s3cr3t%2Fpw-XYZ@host/tracker"
    assert_no_secret(redact("password 's3cr3t/pw-XYZ' rejected", encoded), "s3cr3t")


# --- errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://me:{PASSWORD}@127.0.0.1:1/tracker",
        f"postgresql://me@127.0.0.1:1/tracker?password={PASSWORD}",
        f"postgresql://me:{PASSWORD}@127.0.0.1:not-a-port/tracker",
        f"mysql://me:{PASSWORD}@127.0.0.1/tracker",
        "postgresql://me:s3cr3t@pw-XYZ@127.0.0.1:1/tracker",
    ],
    ids=["server-down", "password-parameter", "bad-port", "no-driver", "raw-at-sign"],
)
@pytest.mark.parametrize(
    "args",
    [("sources", "list"), ("sources", "add", "T", "--url", "https://x.org"),
     ("db", "upgrade"), ("db", "current"), ("db", "downgrade", "base")],
    ids=lambda a: "-".join(a[:2]),
)  # fmt: skip
def test_connection_errors_never_show_the_password(url, args):
    result = invoke(url, *args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert_no_secret(result.output, "s3cr3t", "pw-XYZ")


def test_errors_in_a_real_process_never_show_the_password_in_a_traceback_either():
    env = {**os.environ, "TRACKER_DATABASE_URL": f"postgresql://me:{PASSWORD}@127.0.0.1:1/x"}
    for args in (["sources", "list"], ["db", "upgrade"], ["--help"], ["db", "--help"]):
        result = subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert "Traceback" not in result.stderr
        assert_no_secret(result.stdout + result.stderr)


# --- a working PostgreSQL database reached with a password ---------------------


@pytest.fixture
def pg_with_password(postgres):
    name = postgres.create()
    url = postgres.base.set(database=name, password=PASSWORD).render_as_string(hide_password=False)
    assert PASSWORD in url
    yield url
    db.dispose_all()
    postgres.drop_later(name)


def test_every_db_command_and_schema_error_masks_the_password(pg_with_password, caplog):
    caplog.set_level(logging.DEBUG)
    url = pg_with_password
    outputs = []

    behind = invoke(url, "sources", "list")
    assert behind.exit_code == 1 and "tracker db upgrade" in behind.output
    outputs.append(behind.output)

    for args, code in [
        (("db", "current"), 0),
        (("db", "upgrade"), 0),
        (("db", "upgrade"), 0),
        (("db", "upgrade", "no-such-revision"), 1),
        (("db", "current"), 0),
        (("sources", "add", "T", "--url", "https://x.org"), 0),
        (("sources", "add", "T", "--url", "https://x.org"), 1),
        (("db", "downgrade", "no-such-revision"), 1),
        (("db", "backup", "copy.db"), 1),  # PostgreSQL: says to use pg_dump
        (("db", "downgrade", "base"), 0),
    ]:
        result = invoke(url, *args)
        assert result.exit_code == code, (args, result.output)
        outputs.append(result.output)

    with db.engine_for(url).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS alembic_version (version_num varchar(32))")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('9999_future')")
    for args in (("sources", "list"), ("db", "upgrade"), ("db", "current")):
        outputs.append(invoke(url, *args).output)

    text = "\n".join(outputs)
    assert ":***@" in text
    assert "newer than this version" in text
    assert_no_secret(text)
    # Alembic's and SQLAlchemy's own logging, at its most talkative.
    assert caplog.records
    assert_no_secret(caplog.text)
