"""Households: the people who live together at one main address as a family.

Built after persons, on persons (not records). An address alone is weak evidence: families move
out and others move in, flats lack a suffix, shelters, group homes, asylum centres and postal
addresses are shared by unrelated people. So two persons are put in one household when they share
a usable address **and** are related:

* they appear together in one partner family or dossier reference, or
* they share a surname (either part of a double name).

A usable address is non-confidential (a confidential address is never a key) and not an
institution (an address where at least ``institution_min_surnames`` distinct surnames meet, or one
listed in ``institutional_addresses``). Because every usable address of a person counts, a family
stays one household when some partners still hold the old address after a move.

Persons without a home of their own (no usable address: a mother and children in a shelter with a
secret address; or a child without a related co-resident: placed, or known only at a group
home) are attached through their references to the
household of a dossier member they live with: a custodial parent's household first, then the one
that shares most references. A dossier may list both separated parents, so the households a
reference spans are reported as ``shared_dossier`` links instead of being merged. A person with
neither stays in the one household living at their address, or alone. A reporter is never a
household member (its rows get an empty household).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from matching.arrays import unique_inverse, unique_sorted
from matching.blocking import pairs_in_blocks

CUSTODY_ROLES = ("parent_with_custody", "foster_parent", "guardian")
MAX_RESIDENTS = 60
"""Addresses with more distinct persons than this are treated as institutions outright."""


@dataclass
class Households:
    """Household label per record (-1 for reporter rows) and links between households."""

    labels: np.ndarray
    links: pd.DataFrame
    institutional_addresses: int


def _distinct_rows(**columns: np.ndarray) -> pd.DataFrame:
    """The distinct rows of non-negative integer columns, sorted (``drop_duplicates`` on a
    frame hashes row tuples; one packed ``np.sort`` of int64 is several times faster)."""
    names = list(columns)
    values = [np.asarray(columns[name]).astype(np.int64) for name in names]
    radix = [int(v.max(initial=0)) + 1 for v in values]
    if int(np.prod(radix, dtype=object)) >= 2**62:
        return pd.DataFrame(dict(zip(names, values, strict=True))).drop_duplicates()
    packed = np.zeros(values[0].shape[0], dtype=np.int64)
    for v, base in zip(values, radix, strict=True):
        packed = packed * base + v
    packed = unique_sorted(packed)
    out = {}
    for name, base in zip(reversed(names), reversed(radix), strict=True):
        out[name] = packed % base
        packed = packed // base
    return pd.DataFrame({name: out[name] for name in names})


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(left.size, dtype=np.int8), (left, right)), shape=(n, n))
    labels: np.ndarray = connected_components(graph, directed=False)[1]
    return labels


def institutional(residents: pd.DataFrame, surnames: pd.DataFrame, min_surnames: int,
                  max_residents: int = MAX_RESIDENTS) -> np.ndarray:
    """Addresses shared by at least ``min_surnames`` distinct surnames or too many persons."""
    joined = residents.merge(surnames, on="person")
    by_surname = joined.groupby("address")["surname"].nunique()
    by_person = residents.groupby("address")["person"].nunique()
    crowded = by_person[by_person > max_residents].index
    return np.union1d(by_surname[by_surname >= min_surnames].index.to_numpy(),
                      crowded.to_numpy())


def _share_value(a: np.ndarray, b: np.ndarray, table: pd.DataFrame, column: str) -> np.ndarray:
    """Per pair (a[i], b[i]) of persons: do they have a ``column`` value in common in ``table``
    (distinct (person, value) rows)? Each of a's values is looked up among b's, vectorised."""
    person = table["person"].to_numpy().astype(np.int64)
    value = table[column].to_numpy().astype(np.int64)
    width = int(value.max(initial=0)) + 1
    packed = np.sort(person * width + value)
    person_sorted = packed // width
    starts = np.searchsorted(person_sorted, a)
    counts = np.searchsorted(person_sorted, a, side="right") - starts
    pair = np.repeat(np.arange(a.size), counts)
    offset = np.arange(pair.size) - np.repeat(np.cumsum(counts) - counts, counts)
    wanted = b[pair].astype(np.int64) * width + packed[starts[pair] + offset] % width
    hit = np.searchsorted(packed, wanted)
    found = packed[np.minimum(hit, packed.size - 1)] == wanted if packed.size else hit < 0
    out = np.zeros(a.size, dtype=bool)
    out[pair[found]] = True
    return out


def _related_pairs(residents: pd.DataFrame, surnames: pd.DataFrame, refs: pd.DataFrame
                   ) -> pd.DataFrame:
    """Pairs of persons (a < b) who share an address and a surname or a reference."""
    a, b, _, _ = pairs_in_blocks(residents["person"].to_numpy().astype(np.int64),
                                 residents["address"].to_numpy().astype(np.int64),
                                 max_block_size=2**62, window=0)
    pairs = _distinct_rows(person_a=a, person_b=b)
    if pairs.empty:
        return pairs
    a, b = pairs["person_a"].to_numpy(), pairs["person_b"].to_numpy()
    related = _share_value(a, b, surnames, "surname") | _share_value(a, b, refs, "ref")
    return pairs[related].reset_index(drop=True)


def build_households(
    person: np.ndarray,
    address: np.ndarray,
    surname: np.ndarray,
    surname2: np.ndarray,
    household_ref: np.ndarray,
    role: np.ndarray,
    min_surnames: int,
    blocked_addresses: np.ndarray | None = None,
    max_residents: int = MAX_RESIDENTS,
) -> Households:
    """Household label per record from person labels and the evidence above.

    Args:
        person: person label per record.
        address: usable address code per record (-1 when missing or confidential).
        surname, surname2: surname core codes per record (second part of a double name or -1).
        household_ref: (source, family/dossier ref) code per record (-1 when missing).
        role: canonical role per record.
        min_surnames: institution guard (see module docstring).
        blocked_addresses: further address codes that are never household evidence.
    """
    n_persons = int(person.max(initial=-1)) + 1
    member = role != "reporter"
    is_member = np.zeros(n_persons, dtype=bool)
    is_member[person[member]] = True

    both = np.r_[person[member], person[member]]
    surnames = np.r_[surname[member], surname2[member]]
    names = _distinct_rows(person=both[surnames >= 0], surname=surnames[surnames >= 0])
    housing = member & (address >= 0)
    residents = _distinct_rows(person=person[housing], address=address[housing])
    inst = institutional(residents, names, min_surnames, max_residents)
    if blocked_addresses is not None:
        inst = np.union1d(inst, blocked_addresses)
    residents = residents[~residents["address"].isin(inst)]
    # a person's roles matter only as custody or not
    referenced = member & (household_ref >= 0)
    refs = _distinct_rows(ref=household_ref[referenced], person=person[referenced],
                          custody=np.isin(role[referenced], CUSTODY_ROLES))
    refs["custody"] = refs["custody"].astype(bool)

    related = _related_pairs(residents, names,
                             _distinct_rows(ref=refs["ref"].to_numpy(),
                                            person=refs["person"].to_numpy()))
    labels = _components(n_persons, related["person_a"].to_numpy(),
                         related["person_b"].to_numpy())
    housed = np.zeros(n_persons, dtype=bool)
    housed[related["person_a"].to_numpy()] = True
    housed[related["person_b"].to_numpy()] = True
    # an adult with a home address of their own keeps it, even when strangers are registered
    # there too; a child without a related co-resident (placed, or known only at a group home)
    # is attached through its references below
    child = np.zeros(n_persons, dtype=bool)
    child[person[member & (role == "child")]] = True
    own_home = residents["person"].to_numpy()
    housed[own_home[~child[own_home]]] = True

    labels = _attach_by_reference(labels, housed, refs)
    labels = _attach_by_address(labels, housed, residents)

    _, _, dense = unique_inverse(labels)
    dense = dense.ravel()
    # A reporter row is no evidence of membership, but it is the same person: when that person
    # is a member through another record, the row carries the person's household (one person,
    # one household), otherwise none.
    row_labels = np.where(~is_member[person], -1, dense[person])
    return Households(labels=row_labels, links=_shared_dossiers(refs, dense),
                      institutional_addresses=int(inst.size))


def _attach_by_reference(labels: np.ndarray, housed: np.ndarray, refs: pd.DataFrame
                         ) -> np.ndarray:
    """Give persons without a related co-resident the household of a housed dossier member."""
    labels = labels.copy()
    refs = refs.assign(housed=housed[refs["person"].to_numpy()],
                       household=labels[refs["person"].to_numpy()])
    lost = ~refs["housed"].to_numpy()
    homeless = _distinct_rows(ref=refs["ref"].to_numpy()[lost],
                              person=refs["person"].to_numpy()[lost])
    anchors = refs.loc[refs["housed"], ["ref", "household", "custody", "person"]]
    if homeless.empty:
        return labels
    votes = homeless.merge(anchors.rename(columns={"person": "mate"}), on="ref")
    if not votes.empty:
        score = votes.groupby(["person", "household"]).agg(
            custody=("custody", "max"), refs=("ref", "nunique"), members=("mate", "nunique"),
        ).reset_index()
        score = score.sort_values(["person", "custody", "refs", "members", "household"],
                                  ascending=[True, False, False, False, True])
        best = score.drop_duplicates("person")
        labels[best["person"].to_numpy()] = best["household"].to_numpy()
        housed[best["person"].to_numpy()] = True
    # homeless dossier mates without any housed member stay together (a family in a shelter)
    still = homeless[~housed[homeless["person"].to_numpy()]]
    if not still.empty:
        first = still.groupby("ref")["person"].transform("min").to_numpy()
        people = still["person"].to_numpy()
        group = _components(labels.size, people, first)
        root = pd.Series(np.arange(labels.size)).groupby(group).transform("min").to_numpy()
        labels[people] = labels[root[people]]
        housed[people] = True
    return labels


def _attach_by_address(labels: np.ndarray, housed: np.ndarray, residents: pd.DataFrame
                       ) -> np.ndarray:
    """A person still alone joins the household at their address when exactly one lives there."""
    labels = labels.copy()
    loose = residents[~housed[residents["person"].to_numpy()]]
    settled = residents[housed[residents["person"].to_numpy()]]
    if loose.empty or settled.empty:
        return labels
    homes = settled.assign(household=labels[settled["person"].to_numpy()])
    homes = homes.groupby("address")["household"].agg(["nunique", "min"]).reset_index()
    single = homes[homes["nunique"] == 1]
    target = loose.merge(single, on="address").sort_values(["person", "min"])
    target = target.drop_duplicates("person")
    labels[target["person"].to_numpy()] = target["min"].to_numpy()
    return labels


def _shared_dossiers(refs: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Household pairs that one reference spans (separated parents, a placed child)."""
    spans = _distinct_rows(ref=refs["ref"].to_numpy(),
                           household=labels[refs["person"].to_numpy()])
    pairs = spans.merge(spans, on="ref")
    pairs = pairs[pairs["household_x"] < pairs["household_y"]]
    return (pairs.groupby(["household_x", "household_y"])["ref"].nunique().reset_index()
            .rename(columns={"household_x": "household", "household_y": "other",
                             "ref": "shared_refs"}))
