"""The proeftuin filter: only people who live in the pilot's area are kept (data minimisation).

A person is in scope when their municipality code is one of the configured codes, or their
postcode's four digits fall in a configured range. A person with neither a municipality code nor a
postcode is kept: partners leave the address out exactly for the people the pilot is about
(children in care, confidential shelter addresses), and dropping them would lose the cases that
matter most. Such rows are counted as ``scope_unknown`` so a steward sees how many. A registration
is in scope when at least one of its persons is in scope; its list of person ids loses the persons
known to be out of scope.
"""

from collections.abc import Iterable

import pandas as pd

from connectors.config import Scope


def persons_in_scope(persons: pd.DataFrame, scope: Scope) -> tuple[pd.Series, pd.Series]:
    """Return ``(in_scope, unknown)`` boolean masks aligned with ``persons``."""
    if not scope.configured or persons.empty:
        true = pd.Series(True, index=persons.index)
        return true, pd.Series(False, index=persons.index)
    codes = persons["municipality_code"]
    by_code = codes.isin(list(scope.municipality_codes))
    postcode = persons["postcode"].astype("str")
    digits = pd.to_numeric(postcode.str.slice(0, 4).where(postcode.str.match(r"^\d{4}")),
                           errors="coerce")
    by_postcode = pd.Series(False, index=persons.index)
    for low, high in scope.postcode_ranges:
        by_postcode |= digits.between(low, high).fillna(False).astype(bool)
    unknown = codes.isna() & digits.isna()
    return by_code | by_postcode | unknown, unknown


def registrations_in_scope(registrations: pd.DataFrame, in_scope_ids: Iterable[str],
                           out_of_scope_ids: Iterable[str]) -> tuple[pd.Series, pd.DataFrame]:
    """Return a mask of registrations with at least one in-scope person, and the rows pruned.

    ``in_scope_ids`` are the person ids staged now or before (or quarantined in this run: they may
    come back once fixed); ``out_of_scope_ids`` are removed from ``person_record_ids``.
    """
    keep_ids = set(in_scope_ids)
    drop_ids = set(out_of_scope_ids)
    if registrations.empty:
        return pd.Series(dtype=bool), registrations
    mask = registrations["person_record_ids"].map(
        lambda ids: any(i in keep_ids for i in (ids if ids is not None else [])))
    pruned = registrations.copy()
    pruned["person_record_ids"] = pruned["person_record_ids"].map(
        lambda ids: [i for i in (ids if ids is not None else []) if i not in drop_ids])
    return mask.astype(bool), pruned
