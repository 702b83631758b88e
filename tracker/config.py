"""Where the database is."""

import os
from pathlib import Path

ENV_URL = "TRACKER_DATABASE_URL"
ENV_HOME = "TRACKER_HOME"


def data_dir() -> Path:
    """The user's data directory for tracker; ``TRACKER_HOME`` moves it."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home)
    from platformdirs import user_data_dir

    return Path(user_data_dir("tracker", appauthor=False))


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'tracker.db'}"


def database_url(explicit: str | None = None) -> str:
    """``--db`` wins, then ``TRACKER_DATABASE_URL``, then the embedded default."""
    return explicit or os.environ.get(ENV_URL) or default_url()


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***``: safe to print."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
