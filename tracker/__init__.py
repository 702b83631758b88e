"""tracker: a jurisdiction policy tracker.

Sanctuary-policy status over time, the federal grant money tied to each
jurisdiction, the federal actions aimed at them and the litigation around
them, with a source on every fact.
"""

__version__ = "0.1.0"
