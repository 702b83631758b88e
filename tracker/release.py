"""The data release under a published site's ``data/``: every entity as
``ENTITY.csv``, exactly as ``tracker export`` writes it.

A minimal stand-in with the release's signature: the full release (a
``datapackage.json``, a ``tracker.db`` SQLite copy and Datasette's
``metadata.json``) replaces this module.
"""

from pathlib import Path

import sqlalchemy as sa

from tracker import transfer
from tracker.csvformat import ENTITIES, write_csv


def write(conn: sa.Connection, data_dir: Path) -> dict:
    """Write the release into ``data_dir`` (created); what was written:
    ``{"files": {name: rows}}``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, e in ENTITIES.items():
        with (data_dir / e.filename).open("w", encoding="utf-8", newline="") as fh:
            files[e.filename] = write_csv(fh, name, transfer.export_rows(conn, name))
    return {"files": files}
