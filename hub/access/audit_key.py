"""The secret key of the audit chain: from ``HUB_AUDIT_KEY`` or an owner-only key file.

The chain is an HMAC-SHA256 chain, so whoever can write to the database but does not hold this
key cannot rewrite entries and recompute the chain. The key therefore never lives in the
database: it comes from the environment variable ``HUB_AUDIT_KEY`` (at least 32 characters) or
from the file ``HUB_AUDIT_KEY_FILE`` (default ``HUB_HOME/secrets/audit.key``, mode 0600). With
``HUB_DEMO=1`` a missing key file is created on first use; in production a missing key is a
configuration error (create it once with ``hub audit init-key``), because silently making a new
key would make every earlier entry unverifiable.
"""

import os
import secrets
import stat
from pathlib import Path

from foundation.errors import ConfigError
from foundation.settings import get_settings

ENV_KEY = "HUB_AUDIT_KEY"
ENV_KEY_FILE = "HUB_AUDIT_KEY_FILE"
MIN_KEY_CHARS = 32
_cache: dict[tuple[str, float], bytes] = {}


def key_path() -> Path:
    """Where the key file is (whether or not it exists)."""
    configured = os.environ.get(ENV_KEY_FILE)
    return Path(configured) if configured else get_settings().home / "secrets" / "audit.key"


def _demo() -> bool:
    return os.environ.get("HUB_DEMO", "").strip() == "1"


def create_key_file(path: Path | None = None) -> Path:
    """Write a new random key to an owner-only file; refuses to replace an existing one."""
    path = path or key_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError("an audit key file already exists; it is never replaced (entries "
                          "signed with it would become unverifiable)", origin=str(path)) from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path


def _read_key_file(path: Path) -> bytes:
    info = path.stat()
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError("the audit key file is readable by others: `chmod 600` it",
                          origin=str(path), field=ENV_KEY_FILE)
    cached = _cache.get((str(path), info.st_mtime))
    if cached is not None:
        return cached
    text = path.read_text(encoding="ascii").strip()
    if len(text) < MIN_KEY_CHARS:
        raise ConfigError(f"the audit key file holds fewer than {MIN_KEY_CHARS} characters",
                          origin=str(path), field=ENV_KEY_FILE)
    _cache[(str(path), info.st_mtime)] = text.encode()
    return text.encode()


def load_key() -> bytes:
    """The audit key; raises :class:`ConfigError` when it is missing (outside the demo) or weak."""
    value = os.environ.get(ENV_KEY)
    if value is not None:
        if len(value.strip()) < MIN_KEY_CHARS:
            raise ConfigError(f"{ENV_KEY} must hold at least {MIN_KEY_CHARS} characters",
                              field=ENV_KEY)
        return value.strip().encode()
    path = key_path()
    if not path.exists():
        if not _demo():
            raise ConfigError(
                f"no audit key: set {ENV_KEY}, or create the key file once with "
                "`hub audit init-key` (HUB_DEMO=1 creates it by itself)",
                origin=str(path), field=ENV_KEY)
        try:
            create_key_file(path)
        except ConfigError:  # another process created it at the same moment
            pass
    return _read_key_file(path)
