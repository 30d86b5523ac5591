"""Password hashing with argon2id (argon2-cffi), and generation of strong one-time passwords."""

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current RFC 9106 defaults

MIN_LENGTH = 12
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """A hash to check against when the account does not exist (made once, on first need)."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    """Hash a new password; refuse ones too short to resist guessing."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password. Without an account a dummy hash is checked, so timing does not tell."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(stored_hash)


def generate_password() -> str:
    """A random password of about 120 bits, shown once to the admin who creates an account."""
    return secrets.token_urlsafe(15)
