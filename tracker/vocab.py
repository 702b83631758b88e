"""The stored vocabularies. Shared by models, domain code and CLI options.

Kept free of heavy imports so ``tracker --help`` stays fast.
"""

from enum import StrEnum


class JurisdictionKind(StrEnum):
    state = "state"
    territory = "territory"
    federal_district = "federal_district"
    county = "county"
    city_county = "city_county"
    city = "city"
    town = "town"
    village = "village"
    borough = "borough"
    township = "township"


class Status(StrEnum):
    sanctuary = "sanctuary"
    partial = "partial"
    cooperative = "cooperative"
    anti_sanctuary = "anti_sanctuary"
    # No law or policy either way; ``unknown`` says nobody has found out.
    neutral = "neutral"
    unknown = "unknown"


class ActionKind(StrEnum):
    letter = "letter"
    subpoena_threat = "subpoena_threat"
    grant_condition = "grant_condition"
    funding_withheld = "funding_withheld"
    executive_order = "executive_order"
    enforcement_operation = "enforcement_operation"
    statement = "statement"
    # A published list of jurisdictions: its entries are kept as printed (list_entry).
    designation_list = "designation_list"


class EntryFate(StrEnum):
    """What later became of an entry of a published list."""

    # The jurisdiction disputed its listing.
    disputed = "disputed"
    # The list's publisher took the entry off the list.
    removed = "removed"
    # The whole list was withdrawn.
    withdrawn = "withdrawn"


class AmountType(StrEnum):
    awarded = "awarded"
    threatened = "threatened"
    withheld = "withheld"
    restored = "restored"
    repayment_demanded = "repayment_demanded"


class CaseStatus(StrEnum):
    pending = "pending"
    decided = "decided"
    dismissed = "dismissed"
    settled = "settled"
    on_appeal = "on_appeal"
    closed = "closed"


class PartyRole(StrEnum):
    plaintiff = "plaintiff"
    defendant = "defendant"
    intervenor = "intervenor"
    amicus = "amicus"


class RulingKind(StrEnum):
    temporary_restraining_order = "temporary_restraining_order"
    preliminary_injunction = "preliminary_injunction"
    permanent_injunction = "permanent_injunction"
    summary_judgment = "summary_judgment"
    dismissal = "dismissal"
    appellate_decision = "appellate_decision"
    other = "other"


class RulingScope(StrEnum):
    """Whom a court order protects: its parties, a class, a state, everyone."""

    parties = "parties"
    class_ = "class"
    state = "state"
    universal = "universal"


class RulingEvent(StrEnum):
    """What later happened to a court order, changing its force."""

    stayed = "stayed"
    stay_lifted = "stay_lifted"
    vacated = "vacated"
    reversed = "reversed"
    affirmed = "affirmed"
    modified = "modified"
    expired = "expired"


class SourceKind(StrEnum):
    news = "news"
    court_record = "court_record"
    government_release = "government_release"
    dataset = "dataset"
    other = "other"


class GrantScope(StrEnum):
    """A grant amount belongs to one jurisdiction or is an aggregate."""

    jurisdiction = "jurisdiction"
    aggregate = "aggregate"


# Local kinds whose OCD id segment is ``place:``.
MUNICIPAL_KINDS = frozenset(
    {
        JurisdictionKind.city,
        JurisdictionKind.town,
        JurisdictionKind.village,
        JurisdictionKind.borough,
        JurisdictionKind.township,
        JurisdictionKind.city_county,
    }
)


def parse_choice(enum: type[StrEnum], value: str, field: str) -> StrEnum:
    """The member ``value`` names, in any case and with spaces around it
    (``Sanctuary``, ``COUNTY``: stored as ``sanctuary``, ``county``), or an
    InvalidValue listing the choices."""
    from tracker.errors import InvalidValue

    try:
        return enum(value)
    except ValueError:
        pass
    if isinstance(value, str):
        try:
            return enum(value.strip().lower())
        except ValueError:
            pass
    choices = ", ".join(m.value for m in enum)
    raise InvalidValue(f"{field}: {value!r} is not one of: {choices}") from None
