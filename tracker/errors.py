"""Exceptions meant for users: the CLI prints them as one ``Error: ...`` line."""


class TrackerError(Exception):
    """A problem with the user's input or surroundings, not a bug."""


class NotFound(TrackerError):
    pass


class Ambiguous(TrackerError):
    pass


class Duplicate(TrackerError):
    pass


class InvalidValue(TrackerError):
    pass


class SchemaOutOfDate(TrackerError):
    pass


class InvalidRow(TrackerError):
    """Every problem found in one row (or one command's input), one per field."""

    def __init__(self, problems: list[TrackerError]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class ImportFailed(TrackerError):
    """An import found problems; ``problems`` lists them, one line each."""

    def __init__(self, problems: list[str], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        shown = "\n".join(problems)
        more = self.total - len(problems)
        tail = f"\n... and {more} more" if more > 0 else ""
        super().__init__(
            f"import failed with {self.total} problem(s), nothing written:\n{shown}{tail}"
        )
