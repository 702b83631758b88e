"""The schema revisions this code knows, without importing Alembic.

Every command checks the database's revision against ``HEAD`` with one small
query; Alembic is loaded only to actually migrate. A test keeps these in step
with ``migrations/versions``.
"""

REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
)
HEAD = REVISIONS[-1]
