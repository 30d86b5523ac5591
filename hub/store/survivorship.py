"""Survivorship: which source record gives each field of a person's golden record.

Partners are trusted for what they know best, as each partner's ``trust:`` in ``partners.yaml``
ranks it (:func:`connectors.config.trust_ranks`): the Raad voor de Kinderbescherming checks
identities against the BRP, so its BSN wins; the certified institutions (GIs: JBRA, WSS, Leger des
Heils, JGB) run the long-term dossiers, so their most recent record gives the name; the most recent
non-confidential record gives the address. Adding a partner needs no code here. Fields that belong
together (the three name parts, the address parts) always come from one record, so a golden record
never mixes two half-names.

A confidential address is never a candidate: the golden address is empty rather than secret.
Ties are broken by partner, then ``source_record_id``, so the same input always gives the same
golden record (idempotent publishing depends on it). The table in docs/store.md mirrors this module.
"""

import numpy as np
import pandas as pd

from connectors.config import trust_ranks
from foundation.bsn import compact_bsns, valid_bsns
from foundation.privacy import SECRET_ADDRESS_FIELDS
from foundation.settings import get_settings
from hub.store.labels import joined_labels

UNKNOWN_RANK = 9
"""Rank of a partner without a ``trust:`` rank for a field (a newly added partner): last."""

TrustRanks = dict[str, dict[str, int]]
"""Field group (``bsn``: also birth date, the most precise first, and sex, M or V before X;
``name``) -> partner -> rank (0 trusted most), as :func:`connectors.config.trust_ranks` reads it."""

NAME_FIELDS = ("first_names", "surname_prefix", "surname")
ADDRESS_FIELDS = SECRET_ADDRESS_FIELDS
"""An address comes whole from one record: the fields a shelter keeps secret, the municipality."""

GOLDEN_COLUMNS = (
    "person_id",
    "household_id",
    "bsn",
    *NAME_FIELDS,
    "birth_date",
    "sex",
    *ADDRESS_FIELDS,
    "has_confidential_address",
    "record_count",
    "sources",
    "bsn_from",
    "name_from",
    "birth_date_from",
    "sex_from",
    "address_from",
)


def _rank(sources: pd.Series, ranks: dict[str, int]) -> pd.Series:
    return sources.map(ranks).fillna(UNKNOWN_RANK).astype("int64")


def _descending(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Sort key for "largest first, missing last" in an ascending sort."""
    key = -values.astype(np.int64)
    key[missing] = np.iinfo(np.int64).max
    return key


class _Ranking:
    """The records of one version coded as integers once, so every rule sorts numbers.

    Sorting and joining pyarrow strings per rule (five rules, each a sort, a de-duplication and
    a join on ``person_id``) cost most of a million-record build; codes of sorted uniques keep
    the same order, so the rules pick exactly the same records.
    """

    def __init__(self, rec: pd.DataFrame) -> None:
        self.rec = rec
        self.person, self.person_ids = pd.factorize(rec["person_id"], sort=True)
        self.size = len(self.person_ids)
        # Ties are broken by partner, then source_record_id (both ascending, as strings).
        self.tie = [pd.factorize(rec["source_record_id"], sort=True)[0],
                    pd.factorize(rec["source"], sort=True)[0]]

    def pick(self, candidates: np.ndarray, keys: list[np.ndarray],
             fields: tuple[str, ...]) -> pd.DataFrame:
        """Per person code, the fields of the best candidate by ``keys`` (ascending, most
        significant first), and ``from`` (``source:source_record_id``)."""
        idx = np.flatnonzero(candidates)
        order = np.lexsort([*(t[idx] for t in self.tie), *(k[idx] for k in reversed(keys)),
                            self.person[idx]])
        ranked = idx[order]
        codes = self.person[ranked]
        first = np.ones(len(ranked), dtype=bool)
        first[1:] = codes[1:] != codes[:-1]
        best, at = ranked[first], codes[first]
        out = {}
        for name in fields:
            out[name] = self._spread(self.rec[name].take(best), at)
        origin = self.rec["source"].take(best) + ":" + self.rec["source_record_id"].take(best)
        out["from"] = self._spread(origin, at)
        return pd.DataFrame(out)

    def _spread(self, values: pd.Series, at: np.ndarray) -> pd.Series:
        """Values for person codes ``at`` as a column over all persons (missing elsewhere)."""
        values = values.set_axis(at)
        return values.reindex(np.arange(self.size))


def golden_records(records: pd.DataFrame, trust: TrustRanks | None = None) -> pd.DataFrame:
    """Build one golden record per ``person_id`` from its source records.

    ``records`` holds the source records of one version (columns of ``source_records``, address
    fields already empty on confidential rows, ``address_confidential`` set). Returns the columns of
    the ``persons`` table except ``version_id``, sorted by ``person_id``. ``trust`` defaults to the
    configured partners' ranks.
    """
    if trust is None:
        trust = trust_ranks(get_settings())
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in GOLDEN_COLUMNS})
    rec = records.reset_index(drop=True)
    ranking = _Ranking(rec)
    stamps = pd.to_datetime(rec["extracted_at"], utc=True)
    newest_first = _descending(stamps.array.asi8, stamps.isna().to_numpy())
    bsn_rank = _rank(rec["source"], trust.get("bsn", {})).to_numpy()
    name_rank = _rank(rec["source"], trust.get("name", {})).to_numpy()
    precise_first = -rec["birth_date"].str.len().fillna(0).astype("int64").to_numpy()
    known_sex_first = -rec["sex"].isin(["M", "V"]).astype("int64").to_numpy()
    confidential = rec["address_confidential"].astype(bool).to_numpy()

    out = pd.DataFrame({"person_id": ranking.person_ids})
    out["household_id"] = pd.Series(_household_of(rec, ranking), dtype=rec["person_id"].dtype)
    out["record_count"] = np.bincount(ranking.person, minlength=ranking.size).astype("int64")
    sources = joined_labels(pd.Series(ranking.person, name="person"), rec["source"])
    out["sources"] = sources.reindex(np.arange(ranking.size))
    out["has_confidential_address"] = np.bincount(
        ranking.person, weights=confidential.astype(float), minlength=ranking.size) > 0

    bsn = ranking.pick(valid_bsns(rec["bsn"]).to_numpy(), [bsn_rank, newest_first], ("bsn",))
    bsn["bsn"] = compact_bsns(bsn["bsn"])
    names = ranking.pick((rec["surname"].notna() | rec["first_names"].notna()).to_numpy(),
                         [name_rank, newest_first], NAME_FIELDS)
    birth = ranking.pick(rec["birth_date"].notna().to_numpy(),
                         [precise_first, bsn_rank, newest_first], ("birth_date",))
    sex = ranking.pick(rec["sex"].notna().to_numpy(),
                       [bsn_rank, known_sex_first, newest_first], ("sex",))
    has_address = (rec["street"].notna() | rec["postcode"].notna()).to_numpy()
    address = ranking.pick(has_address & ~confidential, [newest_first, bsn_rank],
                           ADDRESS_FIELDS)

    for picked, origin in ((bsn, "bsn_from"), (names, "name_from"), (birth, "birth_date_from"),
                           (sex, "sex_from"), (address, "address_from")):
        for name in picked.columns:
            out[origin if name == "from" else name] = picked[name]
    out["house_number"] = out["house_number"].astype("Int64")
    out["has_confidential_address"] = out["has_confidential_address"].astype(bool)
    return out[list(GOLDEN_COLUMNS)]


def _household_of(rec: pd.DataFrame, ranking: _Ranking) -> np.ndarray:
    """A person's main household: the one most of their records name (ties: smallest id)."""
    out = np.full(ranking.size, np.nan, dtype=object)
    present = rec["household_id"].notna().to_numpy()
    if not present.any():
        return out
    households, names = pd.factorize(rec["household_id"][present], sort=True)
    persons = ranking.person[present]
    pairs, counts = np.unique(persons.astype(np.int64) * len(names) + households,
                              return_counts=True)
    person, household = pairs // len(names), pairs % len(names)
    order = np.lexsort((household, -counts, person))
    person, household = person[order], household[order]
    first = np.ones(len(person), dtype=bool)
    first[1:] = person[1:] != person[:-1]
    out[person[first]] = np.asarray(names, dtype=object)[household[first]]
    return out
