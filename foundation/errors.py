"""One exception family for the hub, so a steward always learns what to fix and where.

Every error carries the partner and, where known, the origin (file, table or endpoint), the row and
the field. Messages never contain a BSN or an address: callers pass field names, not values, and
anything shaped like a BSN in the message or origin is masked here as a last line of defence.
"""

from foundation.privacy import mask_text


class HubError(Exception):
    """Base class of every error the hub raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        partner: str | None = None,
        origin: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = mask_text(message)
        self.partner = partner
        self.origin = origin
        self.row = row
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.partner:
            where.append(f"partner {self.partner}")
        if self.origin:
            where.append(f"origin {mask_text(str(self.origin))}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{self.message} ({', '.join(where)})" if where else self.message


class ConfigError(HubError):
    """The partner configuration or a setting is wrong; nothing was read."""


class SourceUnavailableError(HubError):
    """A partner system could not be reached or refused us (down, timeout, 401, 5xx)."""


class ParseError(HubError):
    """A delivery could not be parsed at all (e.g. a broken file); it is quarantined whole."""


class MappingError(HubError):
    """One row could not be mapped to the canonical schema; the row goes to quarantine."""


class StoreError(HubError):
    """The merged store is missing, out of date or inconsistent."""
