"""Households: the people who live together at one main address as a family.

Built after persons, on persons (not records), from three kinds of evidence:

* **Shared home addresses.** A person's usable addresses are the non-confidential addresses of its
  non-reporter records. Persons sharing one are one household, so a family stays one household
  when some partners still hold the old address after a move. Addresses where many unrelated
  families meet (a shelter, group home, asylum centre, postal address: at least
  ``institution_min_surnames`` distinct surnames, or listed in ``institutional_postcodes``) are not
  evidence; a confidential address never is.
* **Partner family and dossier references.** A dossier may list both separated parents, so a
  reference is not proof of one household. It attaches persons without a usable address (a child
  in a shelter or placement, a mother with a secret address) to the household of the dossier
  member they live with (the custodial parent's household first), and it links the households it
  spans as ``shared_dossier`` household links instead of merging them.
* **Roles.** A reporter is never a household member (its rows get an empty household).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

CUSTODY_ROLES = ("parent_with_custody", "foster_parent", "guardian")


@dataclass
class Households:
    """Household label per record (-1 for reporter rows) and links between households."""

    labels: np.ndarray
    links: pd.DataFrame
    institutional_addresses: int


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(left.size, dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def institutional(person: np.ndarray, address: np.ndarray, surname: np.ndarray,
                  min_surnames: int) -> np.ndarray:
    """Address codes shared by at least ``min_surnames`` distinct surnames (unrelated families)."""
    ok = (address >= 0) & (surname >= 0)
    frame = pd.DataFrame({"a": address[ok], "s": surname[ok], "p": person[ok]}).drop_duplicates()
    counts = frame.groupby("a")["s"].nunique()
    return counts[counts >= min_surnames].index.to_numpy()


def build_households(
    person: np.ndarray,
    address: np.ndarray,
    surname: np.ndarray,
    household_ref: np.ndarray,
    role: np.ndarray,
    min_surnames: int,
    blocked_addresses: np.ndarray | None = None,
) -> Households:
    """Household label per record from person labels and the evidence above.

    Args:
        person: person label per record.
        address: usable address code per record (-1 when missing or confidential).
        surname: surname core code per record.
        household_ref: (source, family/dossier ref) code per record (-1 when missing).
        role: canonical role per record.
        min_surnames: institution guard (see module docstring).
        blocked_addresses: further address codes that are never household evidence.
    """
    n_persons = int(person.max(initial=-1)) + 1
    reporter = role == "reporter"
    member = ~reporter
    # a person is a member when at least one of its rows is not a reporter row
    is_member = np.zeros(n_persons, dtype=bool)
    is_member[person[member]] = True

    inst = institutional(person[member], address[member], surname[member], min_surnames)
    if blocked_addresses is not None:
        inst = np.union1d(inst, blocked_addresses)
    usable = member & (address >= 0) & ~np.isin(address, inst)

    # persons x addresses bipartite graph: persons sharing an address are one household
    n_addr = int(address.max(initial=-1)) + 1
    left = person[usable]
    right = n_persons + address[usable]
    labels = _components(n_persons + n_addr, left, right)[:n_persons]
    has_home = np.zeros(n_persons, dtype=bool)
    has_home[person[usable]] = True

    # dossier references: attach homeless persons to the household of a dossier member
    refs = pd.DataFrame({"ref": household_ref[member], "person": person[member],
                         "role": role[member]})
    refs = refs[refs["ref"] >= 0].drop_duplicates(["ref", "person", "role"])
    refs["home"] = has_home[refs["person"].to_numpy()]
    refs["household"] = labels[refs["person"].to_numpy()]
    refs["custody"] = refs["role"].isin(CUSTODY_ROLES)
    housed = refs[refs["home"]]
    homeless = refs[~refs["home"]]
    if not homeless.empty and not housed.empty:
        votes = homeless[["ref", "person"]].merge(
            housed[["ref", "household", "custody", "person"]].rename(
                columns={"person": "housed_person"}), on="ref")
        votes = votes[votes["person"] != votes["housed_person"]]
        if not votes.empty:
            score = votes.groupby(["person", "household"]).agg(
                custody=("custody", "max"), refs=("ref", "nunique"),
                members=("housed_person", "nunique")).reset_index()
            score = score.sort_values(["person", "custody", "refs", "members", "household"],
                                      ascending=[True, False, False, False, True])
            best = score.drop_duplicates("person")
            labels = labels.copy()
            labels[best["person"].to_numpy()] = best["household"].to_numpy()
            has_home[best["person"].to_numpy()] = True
    # persons still without a household share one with homeless dossier mates (e.g. a shelter)
    still = refs[~has_home[refs["person"].to_numpy()]]
    if not still.empty:
        first = still.groupby("ref")["person"].transform("min").to_numpy()
        group = _components(n_persons, still["person"].to_numpy(), first)
        roots = pd.Series(np.arange(n_persons)).groupby(group).transform("min").to_numpy()
        labels = labels.copy()
        moved = still["person"].to_numpy()
        labels[moved] = labels[roots[moved]]

    _, dense = np.unique(labels, return_inverse=True)
    dense = dense.ravel()
    row_labels = np.where(reporter | ~is_member[person], -1, dense[person])

    # links between households that share a dossier reference
    refs["household"] = dense[refs["person"].to_numpy()]
    spans = refs[["ref", "household"]].drop_duplicates()
    pairs = spans.merge(spans, on="ref")
    pairs = pairs[pairs["household_x"] < pairs["household_y"]]
    links = (pairs.groupby(["household_x", "household_y"])["ref"].nunique().reset_index()
             .rename(columns={"household_x": "household", "household_y": "other",
                              "ref": "shared_refs"}))
    return Households(labels=row_labels, links=links, institutional_addresses=int(inst.size))
