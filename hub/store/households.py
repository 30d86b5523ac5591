"""Households and their members, derived from the source records of one version.

A person may carry different roles in different sources (a mother is ``parent_with_custody`` for
the GI and ``victim`` for Veilig Thuis). The member row keeps all of them and names one main role:
the first in :data:`schemas.canonical.ROLES` order, family roles before incident roles. Reporters
are never members.
"""

import numpy as np
import pandas as pd

from hub.store.labels import joined_labels
from schemas.canonical import ROLES

ROLE_ORDER = {role: i for i, role in enumerate(ROLES)}

MEMBER_COLUMNS = ("household_id", "person_id", "role", "roles")
HOUSEHOLD_COLUMNS = (
    "household_id",
    "member_count",
    "child_count",
    "sources",
    "has_confidential_address",
)


def household_members(records: pd.DataFrame) -> pd.DataFrame:
    """One row per (household, person) with the main role and all roles.

    Works on integer codes of sorted ids (one sort of numbers instead of sorting and joining
    pyarrow strings), which keeps the order ``(household_id, person_id)``.
    """
    keep = records["household_id"].notna() & (records["role"] != "reporter")
    rec = records.loc[keep, ["household_id", "person_id", "role"]].reset_index(drop=True)
    if rec.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in MEMBER_COLUMNS})
    household, _ = pd.factorize(rec["household_id"], sort=True)
    person, person_ids = pd.factorize(rec["person_id"], sort=True)
    role, _ = pd.factorize(rec["role"], sort=True)
    role = np.where(role < 0, np.iinfo(np.int64).max, role)  # a missing role sorts last
    order = rec["role"].map(ROLE_ORDER).fillna(len(ROLES)).to_numpy()
    pair = household.astype(np.int64) * len(person_ids) + person
    ranked = np.lexsort((role, order, pair))
    first = np.ones(len(ranked), dtype=bool)
    first[1:] = pair[ranked][1:] != pair[ranked][:-1]
    best = ranked[first]
    roles = joined_labels(pd.Series(pair, name="pair"), rec["role"], list(ROLES))
    out = rec.take(best).reset_index(drop=True)
    out["roles"] = roles.reindex(pair[best]).to_numpy()
    return out[list(MEMBER_COLUMNS)]


def households(records: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """One row per household: member and child counts, sources, any confidential address."""
    if members.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in HOUSEHOLD_COLUMNS})
    grouped = members.groupby("household_id")
    is_child = ("," + members["roles"].fillna("") + ",").str.contains(",child,", regex=False)
    out = pd.DataFrame(
        {
            "member_count": grouped.size(),
            "child_count": is_child.groupby(members["household_id"]).sum(),
        }
    )
    rec = records[records["household_id"].notna() & (records["role"] != "reporter")]
    by_household = rec.groupby("household_id")
    out["sources"] = joined_labels(rec["household_id"], rec["source"])
    out["has_confidential_address"] = by_household["address_confidential"].any()
    out = out.reset_index()
    out["member_count"] = out["member_count"].astype("int64")
    out["child_count"] = out["child_count"].astype("int64")
    out["has_confidential_address"] = out["has_confidential_address"].astype(bool)
    return out[list(HOUSEHOLD_COLUMNS)]
