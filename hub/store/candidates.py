"""Which published records a delivery's new records may match: the candidates an increment
links them against (:func:`candidate_records`), read from the published version.

Seeds are the records that share one of matching's blocking keys with a new record; they are
widened to every record of their persons and households, so matching sees whole persons and
families (its household rules and household-context pass need them).
"""

from collections.abc import Collection
from typing import Any

import pandas as pd
import sqlalchemy as sa

from hub.store.build import RECORD_KEY
from hub.store.chunks import in_chunks
from schemas import store as s
from schemas.canonical import PERSON_COLUMNS


def _records(conn: sa.Connection, version: int, condition: sa.ColumnElement[bool]
             ) -> pd.DataFrame:
    t = s.source_records
    columns = [*PERSON_COLUMNS, "person_id", "household_id"]
    rows = conn.execute(sa.select(*[t.c[c] for c in columns])
                        .where(t.c.version_id == version, condition)).all()
    return pd.DataFrame(rows, columns=columns)


def _values(frame: pd.DataFrame, column: str) -> list[Any]:
    if column not in frame.columns:
        return []
    values = frame[column].dropna()
    return sorted({v for v in values.tolist() if v != ""})


KEY_SEPARATOR = "\x1f"
Criteria = tuple[tuple[tuple[sa.ColumnElement[Any], ...], set[tuple[str, ...]]], ...]
"""Per seed criterion: the columns joined into one key, and the keys of the new records."""


def _joined(*columns: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """One text key of several columns: ``key IN (...)`` of plain strings is a hash lookup per
    row in PostgreSQL, where a row-value ``(a, b) IN (...)`` expands to an OR of ANDs (17 s
    instead of about 1 s on a million records)."""
    text = [sa.type_coerce(c, sa.String) for c in columns]
    out: sa.ColumnElement[str] = text[0]
    for column in text[1:]:
        out = out + KEY_SEPARATOR + column
    return out


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def _folded(texts: set[str]) -> list[str]:
    """Lower-cased texts in both forms: ``lower()`` of SQLite (and of a C-locale database)
    folds ASCII only, so ask for the fully and the ASCII-only folded form."""
    return sorted({t.lower() for t in texts} | {_ascii_lower(t) for t in texts})


def _rows_with(new: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    if not set(columns) <= set(new.columns):
        return pd.DataFrame(columns=columns)
    return new.dropna(subset=columns)


def _named(new: pd.DataFrame) -> list[tuple[str, str, str, str, int | None]]:
    """(surname, first names, birth year, postcode area, house number) of the named rows."""
    out = []
    for row in new.itertuples(index=False):
        surname, first = getattr(row, "surname", None), getattr(row, "first_names", None)
        if not isinstance(surname, str) or not isinstance(first, str) or not surname or not first:
            continue
        born = getattr(row, "birth_date", None)
        postcode = getattr(row, "postcode", None)
        number = getattr(row, "house_number", None)
        out.append((surname, first, str(born)[:4] if isinstance(born, str)
                    else "", str(postcode)[:4] if isinstance(postcode, str) else "",
                    None if number is None or pd.isna(number) else int(number)))
    return out


def _seed_conditions(new: pd.DataFrame) -> list[sa.ColumnElement[bool]]:
    """Records sharing with ``new`` a BSN, a birth date, an address (postcode and house
    number), a dossier reference, a surname with the first names, a surname with the initial
    and birth year, or a postcode area, house number, surname and initial.

    These mirror matching's blocking rules (matching/blocking.py), so the pairs a full run
    compares are among the candidates; a surname alone would select a few per cent of a
    million records for 'Jansen' or 'Yilmaz'. Compared exactly (lower-cased), not through
    matching's standardisation: a pair only a name rule finds through a given-name variant
    ('Mo' for 'Mohamed') or one part of a double surname, with no date, address or BSN in
    common, is left to the full run.

    One condition per criterion (and chunk of values), each led by a column of one of the
    version's candidate indexes (migration 0008): asked one by one, each is an index lookup,
    where their OR in one query read every record of the version (about 4 s at a million).
    """
    t = s.source_records
    conditions: list[sa.ColumnElement[bool]] = []
    for column in ("bsn", "birth_date"):
        conditions += [t.c[column].in_(chunk) for chunk in in_chunks(_values(new, column))]
    surname = sa.func.lower(t.c.surname)
    first = sa.func.lower(t.c.first_names)
    initial = sa.func.substr(first, 1, 1)
    number = sa.cast(t.c.house_number, sa.String)
    named = _named(new)
    homes = _rows_with(new, ["postcode", "house_number"])
    refs = _rows_with(new, ["source", "source_household_ref"])
    by_name: Criteria = (
        ((surname, first), {(s_, f) for s_, f, _, _, _ in named}),
        ((surname, initial, sa.func.substr(t.c.birth_date, 1, 4)),
         {(s_, f[:1], y) for s_, f, y, _, _ in named if y}),
        ((sa.func.substr(t.c.postcode, 1, 4), number, surname, initial),
         {(p, str(n), s_, f[:1]) for s_, f, _, p, n in named if p and n is not None}),
    )
    name_parts: list[sa.ColumnElement[bool]] = []
    for columns, keys in by_name:
        joined = {KEY_SEPARATOR.join(k) for k in keys}
        name_parts += [_joined(*columns).in_(chunk) for chunk in in_chunks(_folded(joined))]
    if name_parts:
        # every name criterion needs the surname: the index on it finds the rows of the
        # surnames, the joined keys decide among them
        surnames = _folded({s_ for s_, _, _, _, _ in named})
        conditions += [sa.and_(surname.in_(chunk), sa.or_(*name_parts))
                       for chunk in in_chunks(surnames)]
    homes_keys = {(str(p), str(int(n))) for p, n in zip(homes["postcode"], homes["house_number"],
                                                         strict=True)}
    refs_keys = {(str(a), str(b)) for a, b in zip(refs["source"], refs["source_household_ref"],
                                                  strict=True)}
    conditions += _exact(t.c.postcode, 0, (t.c.postcode, number), homes_keys)
    conditions += _exact(t.c.source_household_ref, 1, (t.c.source, t.c.source_household_ref),
                         refs_keys)
    return conditions


def _exact(indexed: sa.ColumnElement[Any], part: int, columns: tuple[sa.ColumnElement[Any], ...],
           keys: Collection[tuple[str, ...]]) -> list[sa.ColumnElement[bool]]:
    """Records whose ``columns`` equal one of ``keys``, found through the index on ``indexed``
    (part ``part`` of each key)."""
    return [sa.and_(indexed.in_(sorted({k[part] for k in chunk})),
                    _joined(*columns).in_([KEY_SEPARATOR.join(k) for k in chunk]))
            for chunk in in_chunks(sorted(keys))]


def records_of_persons(conn: sa.Connection, version: int, person_ids: list[str]
                        ) -> pd.DataFrame:
    t = s.source_records
    frames = [_records(conn, version, t.c.person_id.in_(chunk)) for chunk in in_chunks(person_ids)]
    return (pd.concat(frames, ignore_index=True) if frames
            else _records(conn, version, sa.false()))


def household_persons(conn: sa.Connection, version: int, household_ids: list[str]) -> set[str]:
    m = s.household_members
    found: set[str] = set()
    for chunk in in_chunks(household_ids):
        found.update(map(str, conn.execute(sa.select(m.c.person_id).where(
            m.c.version_id == version, m.c.household_id.in_(chunk))).scalars()))
    return found


def candidate_records(conn: sa.Connection, version: int, new: pd.DataFrame) -> pd.DataFrame:
    """Published records that may match ``new``, widened to every record of their persons and
    households: canonical rows with ``person_id`` and ``household_id``.

    Confidential addresses stay in their table: a source record with ``address_confidential``
    has empty address columns here, and matching treats a confidential address as missing in a
    full run too (it never blocks or compares on one), so the view is the same. The records of
    ``new`` itself (a changed record's published row) are left out: ``new`` replaces them.
    """
    conditions = _seed_conditions(new)
    if not conditions or new.empty:
        return _records(conn, version, sa.false())
    found = [_records(conn, version, condition) for condition in conditions]
    seeds = pd.concat(found, ignore_index=True).drop_duplicates(RECORD_KEY)
    household_ids = _values(seeds, "household_id")
    person_ids = set(_values(seeds, "person_id"))
    person_ids |= household_persons(conn, version, household_ids)
    known = records_of_persons(conn, version, sorted(person_ids))
    replaced = pd.MultiIndex.from_frame(new[RECORD_KEY].astype("str"))
    mine = pd.MultiIndex.from_frame(known[RECORD_KEY].astype("str")).isin(replaced)
    known = known.loc[~mine].sort_values(RECORD_KEY, kind="stable").reset_index(drop=True)
    known["address_confidential"] = known["address_confidential"].astype(bool)
    return known
