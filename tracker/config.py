"""Where the database is."""

import os
import re
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


# Query parameters that carry a password (libpq's and the drivers' names).
_SECRET_PARAMS = re.compile(r"([?&](?:password|passwd|pwd|sslpassword)=)[^&#]*", re.IGNORECASE)
# scheme://user:PASSWORD@host... The password runs to the last "@": a raw "@"
# in it would otherwise leave its tail in view as part of the host name.
_USERINFO = re.compile(r"^(?P<head>[A-Za-z][\w+.-]*://[^:/?#@]*:)(?P<password>.*)@")


def mask_url(url: str) -> str:
    """The URL with any password replaced by ``***``: safe to print."""
    masked = _USERINFO.sub(lambda m: f"{m['head']}***@", url, count=1)
    return _SECRET_PARAMS.sub(r"\1***", masked)


def url_secrets(url: str) -> list[str]:
    """Every spelling of the URL's password(s) that could turn up in a message."""
    from urllib.parse import unquote

    found: list[str] = []
    m = _USERINFO.match(url)
    if m and m["password"]:
        found.append(m["password"])
        # Parts a parser may have split off at a raw "@" (and shown as a host).
        found.extend(m["password"].split("@"))
    found.extend(p.group(0).split("=", 1)[1] for p in _SECRET_PARAMS.finditer(url))
    found.extend([unquote(s) for s in found])
    # Longest first, so a whole password is masked before any part of it.
    return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)


def redact(text: str, url: str | None) -> str:
    """``text`` with the URL and its password masked: for any message that may quote them."""
    if not url:
        return text
    text = text.replace(url, mask_url(url))
    for secret in url_secrets(url):
        text = text.replace(secret, "***")
    return text
