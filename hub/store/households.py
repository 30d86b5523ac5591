"""Households and their members, derived from the source records of one version.

A person may carry different roles in different sources (a mother is ``parent_with_custody`` for
the GI and ``victim`` for Veilig Thuis). The member row keeps all of them and names one main role:
the first in :data:`schemas.canonical.ROLES` order, family roles before incident roles. Reporters
are never members.
"""

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
    """One row per (household, person) with the main role and all roles."""
    rec = records.loc[records["household_id"].notna() & (records["role"] != "reporter"),
                      ["household_id", "person_id", "role"]]
    if rec.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in MEMBER_COLUMNS})
    rec = rec.assign(_order=rec["role"].map(ROLE_ORDER).fillna(len(ROLES)))
    rec = rec.sort_values(["household_id", "person_id", "_order", "role"], kind="mergesort")
    main = rec.drop_duplicates(["household_id", "person_id"]).set_index(
        ["household_id", "person_id"]
    )["role"]
    roles = joined_labels([rec["household_id"], rec["person_id"]], rec["role"], list(ROLES))
    out = main.to_frame().join(roles.rename("roles")).reset_index()
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
