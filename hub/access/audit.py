"""The append-only, hash-chained audit log of every search, view, reveal, decision and login.

Each entry is hashed as SHA-256 over its previous entry's hash and the canonical JSON of its own
fields (sorted keys, no whitespace), and stores both hashes. Changing, inserting or deleting an
entry anywhere but at the end breaks the chain at that point, which :func:`verify` reports. The
``prev_hash`` column is unique, so two writers can never both extend the same entry: the loser
retries on the new end. No clear BSN ever enters an entry: :func:`scrub` masks anything that
looks like one as a last line of defence, and callers record "searched by BSN" instead.
"""

import hashlib
import json
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from foundation.privacy import mask_bsn
from hub.access.clock import utcnow
from hub.access.errors import AuditChainError
from hub.access.roles import User
from schemas.access import audit_log

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "at", "actor", "role", "action", "target_kind", "target_id", "detail",
                 "reason")
_BSN_LIKE = re.compile(r"(?<!\d)\d{8,9}(?!\d)")
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
    """Outcome of :func:`verify`: ``broken_at`` is the first bad entry's seq, None when intact."""

    entries: int
    broken_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def scrub(value: Any) -> Any:
    """Mask every 8-9 digit number in strings of a JSON-able value (BSN-shaped text)."""
    if isinstance(value, str):
        return _BSN_LIKE.sub(lambda m: mask_bsn(m.group(0)) or "", value)
    if isinstance(value, Mapping):
        return {str(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 over the previous hash and the canonical JSON of the hashed fields."""
    body = canonical_json({name: fields[name] for name in HASHED_FIELDS})
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


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
                entry["hash"] = entry_hash(entry, prev)
                conn.execute(audit_log.insert().values(**entry))
        except IntegrityError:  # another process extended the chain first: retry on its end
            continue
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


def verify_entries(entries: Iterator[AuditEntry]) -> VerifyResult:
    """Walk a chain and report the first entry that does not follow from its predecessor."""
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return VerifyResult(count, entry.seq,
                                f"entry {expected_seq} is missing (found {entry.seq} next)")
        if entry.prev_hash != prev:
            return VerifyResult(count, entry.seq,
                                "prev_hash does not match the previous entry's hash "
                                "(an entry before it was changed, inserted or removed)")
        if entry_hash(entry.__dict__, prev) != entry.hash:
            return VerifyResult(count, entry.seq, "content does not match its hash (edited)")
        prev, expected_seq = entry.hash, expected_seq + 1
    return VerifyResult(count)


def verify(engine: sa.Engine) -> VerifyResult:
    """Verify the whole audit log in the database."""
    return verify_entries(iter_entries(engine))


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
