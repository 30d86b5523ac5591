"""Errors of the access layer (accounts, sessions, audit), in the hub's one exception family."""

from foundation.errors import HubError


class AccessError(HubError):
    """An account could not be created or changed (duplicate name, bad role, weak password)."""


class AuditChainError(HubError):
    """The audit log could not be appended to (the chain moved under us too often)."""
