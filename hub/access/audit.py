"""The append-only, keyed hash chain of every search, view, reveal, decision and login.

Each entry's ``hash`` is an HMAC-SHA256, under a key kept outside the database
(:mod:`hub.access.audit_key`), over its previous entry's hash and the canonical JSON of its own
fields (sorted keys, no whitespace). Changing, inserting or deleting an entry anywhere breaks the
chain at that point, and without the key nobody can compute a new chain that verifies. Every new
head is also noted outside the database (:mod:`hub.access.audit_anchor`), so removing the newest
entries or emptying the table is found too. Entries written before the chain was keyed (plain
SHA-256, before the key was introduced) are accepted only as the first
``HUB_AUDIT_UNKEYED_ENTRIES`` entries (default 0; the operator sets it once after the upgrade to
the number :func:`verify` reports), so a forger cannot fall back to the unkeyed scheme; the first
keyed entry links to the last of them, so they cannot be changed afterwards without the key
either. The
``prev_hash`` column is unique, so two writers can never both extend the same entry: the loser
retries on the new end. No clear BSN ever enters an entry: :func:`scrub` masks anything that
looks like one as a last line of defence, and callers record "searched by BSN" instead.
"""

import hashlib
import hmac
import json
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from foundation.errors import ConfigError
from foundation.privacy import mask_digit_runs
from hub.access import audit_anchor
from hub.access.audit_key import load_key
from hub.access.clock import utcnow
from hub.access.errors import AuditChainError
from hub.access.roles import User
from schemas.access import audit_log

GENESIS = "0" * 64
ENV_UNKEYED = "HUB_AUDIT_UNKEYED_ENTRIES"
HASHED_FIELDS = ("seq", "at", "actor", "role", "action", "target_kind", "target_id", "detail",
                 "reason")
_lock = threading.Lock()


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    role: str | None
    action: str
    target_kind: str | None
    target_id: str | None
    detail: str
    reason: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify`: ``broken_at`` is the first bad entry's seq, None when intact.

    ``unkeyed`` counts entries from before the chain was keyed; ``warnings`` say what could not
    be checked (no anchor outside the database).
    """

    entries: int
    broken_at: int | None = None
    problem: str | None = None
    unkeyed: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def scrub(value: Any) -> Any:
    """Mask every 8-9 digit number in strings of a JSON-able value (BSN-shaped text)."""
    if isinstance(value, str):
        return mask_digit_runs(value)
    if isinstance(value, Mapping):
        return {str(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def _message(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    body = canonical_json({name: fields[name] for name in HASHED_FIELDS})
    return f"{prev_hash}\n{body}".encode()


def entry_hash(fields: Mapping[str, Any], prev_hash: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 under ``key`` over the previous hash and the canonical JSON of the hashed
    fields; without a key the plain SHA-256 of entries from before the chain was keyed."""
    if key is None:
        return hashlib.sha256(_message(fields, prev_hash)).hexdigest()
    return hmac.new(key, _message(fields, prev_hash), hashlib.sha256).hexdigest()


def record(engine: sa.Engine, action: str, *, user: User | None = None, actor: str | None = None,
           target_kind: str | None = None, target_id: str | None = None,
           detail: Mapping[str, Any] | None = None, reason: str | None = None) -> AuditEntry:
    """Append one entry (who, when, what, which person or household, why) and return it."""
    fields: dict[str, Any] = {
        "actor": user.username if user else (actor or "system"),
        "role": user.role.value if user else None,
        "action": action,
        "target_kind": target_kind,
        "target_id": target_id,
        "detail": canonical_json(scrub(dict(detail or {}))),
        "reason": scrub(reason) if reason else None,
    }
    key = load_key()
    for _attempt in range(20):
        try:
            with _lock, engine.begin() as conn:
                last = conn.execute(
                    sa.select(audit_log.c.seq, audit_log.c.hash)
                    .order_by(audit_log.c.seq.desc()).limit(1)
                ).first()
                seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
                entry = dict(fields, seq=seq, at=utcnow().isoformat(timespec="microseconds"))
                entry["prev_hash"] = prev
                entry["hash"] = entry_hash(entry, prev, key)
                conn.execute(audit_log.insert().values(**entry))
        except IntegrityError:  # another process extended the chain first: retry on its end
            continue
        audit_anchor.note(engine, entry["seq"], entry["hash"], entry["at"])
        return AuditEntry(**entry)
    raise AuditChainError("could not append to the audit log: the chain kept moving",
                          origin="access_audit_log")


def iter_entries(engine: sa.Engine, batch: int = 5000) -> Iterator[AuditEntry]:
    """All entries in chain order, read in batches (the log grows without bound)."""
    after = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit_log).where(audit_log.c.seq > after)
                .order_by(audit_log.c.seq).limit(batch)
            ).all()
        if not rows:
            return
        for row in rows:
            yield AuditEntry(**row._mapping)
        after = rows[-1].seq


def verify_entries(entries: Iterator[AuditEntry], key: bytes | None = None,
                   marks: Mapping[int, tuple[str, str]] | None = None) -> VerifyResult:
    """Walk a chain and report the first entry that does not follow from its predecessor.

    ``key`` checks the HMACs (default: the configured key); ``marks`` are heads noted outside
    the database (``{seq: (hash, where)}``): each must still be in the chain, unchanged.
    """
    key = key if key is not None else load_key()
    allowed = unkeyed_allowed()
    marks = dict(marks or {})
    prev, expected_seq, count, unkeyed, keyed_seen = GENESIS, 1, 0, 0, False
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return VerifyResult(count, entry.seq,
                                f"entry {expected_seq} is missing (found {entry.seq} next)")
        if entry.prev_hash != prev:
            return VerifyResult(count, entry.seq,
                                "prev_hash does not match the previous entry's hash "
                                "(an entry before it was changed, inserted or removed)")
        if hmac.compare_digest(entry_hash(entry.__dict__, prev, key), entry.hash):
            keyed_seen = True
        elif not keyed_seen and entry_hash(entry.__dict__, prev) == entry.hash:
            if unkeyed >= allowed:
                return VerifyResult(count, entry.seq, _unkeyed_problem(entry.seq, allowed))
            unkeyed += 1
        else:
            return VerifyResult(count, entry.seq, "content does not match its keyed hash "
                                "(edited, or the chain was recomputed without the key)")
        noted = marks.pop(entry.seq, None)
        if noted is not None and not hmac.compare_digest(noted[0], entry.hash):
            return VerifyResult(count, entry.seq, f"differs from the head noted outside the "
                                f"database in {noted[1]} (the chain was rewritten)")
        prev, expected_seq = entry.hash, expected_seq + 1
    if marks:
        seq = max(marks)
        return VerifyResult(count, expected_seq,
                            f"the log ends at entry {expected_seq - 1}, but entry {seq} was "
                            f"noted outside the database in {marks[seq][1]}: entries were "
                            "removed from the end (or the table was emptied)", unkeyed)
    return VerifyResult(count, unkeyed=unkeyed)


def unkeyed_allowed() -> int:
    """How many entries from before the key may be plain SHA-256 (``HUB_AUDIT_UNKEYED_ENTRIES``)."""
    value = os.environ.get(ENV_UNKEYED, "0").strip() or "0"
    if not value.isdigit():
        raise ConfigError(f"{ENV_UNKEYED} must be a whole number", field=ENV_UNKEYED)
    return int(value)


def _unkeyed_problem(seq: int, allowed: int) -> str:
    return (f"entry {seq} has an unkeyed (plain SHA-256) hash, but only {allowed} such entries "
            f"are expected ({ENV_UNKEYED}): either the chain was recomputed without the key, or "
            "this log predates the keyed chain; then count its unkeyed entries with `hub audit "
            "unkeyed` and set that number once")


def count_unkeyed(engine: sa.Engine) -> int:
    """Length of the chain's prefix that verifies as plain SHA-256 (for the upgrade)."""
    prev, count = GENESIS, 0
    for entry in iter_entries(engine):
        if entry.prev_hash != prev or entry_hash(entry.__dict__, prev) != entry.hash:
            break
        prev, count = entry.hash, count + 1
    return count


def verify(engine: sa.Engine, key: bytes | None = None) -> VerifyResult:
    """Verify the whole audit log in the database against its key and its outside anchors."""
    marks = audit_anchor.marks(engine)
    return with_warnings(engine, verify_entries(iter_entries(engine), key, marks), marks)


def with_warnings(engine: sa.Engine, result: VerifyResult,
                  marks: Mapping[int, tuple[str, str]]) -> VerifyResult:
    """``result`` with what could not be checked: no outside anchor, unkeyed old entries."""
    warnings = list(result.warnings)
    if not marks:
        warnings.append(f"no head of this chain is noted outside the database (in "
                        f"{audit_anchor.anchor_folder(engine)}): removal of the newest entries "
                        "cannot be detected until a new entry is written")
    if result.unkeyed:
        warnings.append(f"{result.unkeyed} entries from before the chain was keyed are "
                        "checked with plain SHA-256 only")
    return VerifyResult(result.entries, result.broken_at, result.problem, result.unkeyed,
                        tuple(warnings))


def latest(engine: sa.Engine, limit: int = 100) -> list[AuditEntry]:
    """The newest entries, newest first (for the admin page)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.seq.desc())
                            .limit(limit)).all()
    return [AuditEntry(**row._mapping) for row in rows]


def last_hash(engine: sa.Engine) -> str:
    """The hash of the newest entry: note it elsewhere to detect removal of the newest entries."""
    with engine.connect() as conn:
        value = conn.execute(
            sa.select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).scalar()
    return value or GENESIS
