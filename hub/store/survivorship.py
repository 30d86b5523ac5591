"""Survivorship: which source record gives each field of a person's golden record.

Partners are trusted for what they know best. The Raad voor de Kinderbescherming checks identities
against the BRP, so its BSN wins; the certified institutions (GIs: JBRA, WSS, Leger des Heils, JGB)
run the long-term dossiers, so their most recent record gives the name; the most recent
non-confidential record gives the address. Fields that belong together (the three name parts, the
address parts) always come from one record, so a golden record never mixes two half-names.

A confidential address is never a candidate: the golden address is empty rather than secret.
Ties are broken by partner, then ``source_record_id``, so the same input always gives the same
golden record (idempotent publishing depends on it). The table in docs/store.md mirrors this module.
"""

import numpy as np
import pandas as pd

from hub.store.labels import joined_labels

GI = ("jbra", "wss", "ldh", "jgb")
"""Gecertificeerde instellingen (certified youth-protection institutions)."""

UNKNOWN_RANK = 9
"""Rank of a partner not named in a rule (a newly added partner): after every named one."""

BSN_RANK = {"rvdk": 0, **{p: 1 for p in GI}, "veilig_thuis": 2, "blijf_groep": 3}
"""BSN (valid ones only): Raad (BRP-checked) > GIs > Veilig Thuis > Blijf Groep."""

NAME_RANK = {**{p: 0 for p in GI}, "rvdk": 1, "veilig_thuis": 2, "blijf_groep": 3}
"""Names: GIs (most recent first) > Raad > Veilig Thuis > Blijf Groep."""

BIRTH_DATE_RANK = BSN_RANK
"""Birth date: the most precise date first (day > month > year), then as for the BSN."""

SEX_RANK = BSN_RANK
"""Sex: as for the BSN; M or V before X (unknown/other) from the same rank."""

NAME_FIELDS = ("first_names", "surname_prefix", "surname")
ADDRESS_FIELDS = (
    "street",
    "house_number",
    "house_letter",
    "house_number_suffix",
    "postcode",
    "city",
    "municipality_code",
)

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


ELFPROEF_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])


def compact_bsn(values: pd.Series) -> pd.Series:
    """python-stdnum's ``bsn.compact``, vectorised: separators out, leading zeros back."""
    return values.astype("str").str.replace(r"[ \-.]", "", regex=True).str.strip().str.zfill(9)


def valid_bsn(values: pd.Series) -> pd.Series:
    """python-stdnum's ``bsn.is_valid`` (the elfproef), vectorised for a million records."""
    compact = compact_bsn(values)
    shaped = compact.str.fullmatch(r"\d{9}").fillna(False).astype(bool) & (compact != "000000000")
    shaped &= values.notna().to_numpy()
    out = np.zeros(len(values), dtype=bool)
    if shaped.any():
        text = "".join(compact[shaped].tolist()).encode("ascii")
        digits = (np.frombuffer(text, dtype=np.uint8) - 48).reshape(-1, 9).astype(np.int64)
        out[np.flatnonzero(shaped.to_numpy())] = (digits @ ELFPROEF_WEIGHTS) % 11 == 0
    return pd.Series(out, index=values.index)


def _pick(
    records: pd.DataFrame,
    candidates: pd.Series,
    keys: list[tuple[str, bool]],
    fields: tuple[str, ...],
) -> pd.DataFrame:
    """Per person, the fields of the best candidate record by ``keys`` (column, ascending)."""
    subset = records.loc[candidates, ["person_id", "source", "source_record_id", *fields,
                                      *[k for k, _ in keys if k not in fields]]]
    order = [k for k, _ in keys] + ["source", "source_record_id"]
    ascending = [a for _, a in keys] + [True, True]
    best = subset.sort_values(order, ascending=ascending, kind="mergesort")
    best = best.drop_duplicates("person_id", keep="first").set_index("person_id")
    out = best[list(fields)].copy()
    out["from"] = best["source"] + ":" + best["source_record_id"]
    return out


def golden_records(records: pd.DataFrame) -> pd.DataFrame:
    """Build one golden record per ``person_id`` from its source records.

    ``records`` holds the source records of one version (columns of ``source_records``, address
    fields already empty on confidential rows, ``address_confidential`` set). Returns the columns of
    the ``persons`` table except ``version_id``, sorted by ``person_id``.
    """
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in GOLDEN_COLUMNS})
    rec = records.copy()
    rec["_recency"] = pd.to_datetime(rec["extracted_at"], utc=True)
    rec["_bsn_rank"] = _rank(rec["source"], BSN_RANK)
    rec["_name_rank"] = _rank(rec["source"], NAME_RANK)
    date_len = rec["birth_date"].str.len().fillna(0).astype("int64")
    rec["_date_precision"] = date_len
    rec["_sex_known"] = rec["sex"].isin(["M", "V"]).astype("int64")
    confidential = rec["address_confidential"].astype(bool)

    grouped = rec.groupby("person_id", sort=True)
    base = pd.DataFrame(index=pd.Index(sorted(rec["person_id"].unique()), name="person_id"))
    base["household_id"] = _household_of(rec)
    base["record_count"] = grouped.size()
    base["sources"] = joined_labels(rec["person_id"], rec["source"])
    base["has_confidential_address"] = confidential.groupby(rec["person_id"]).any()

    bsn = _pick(rec, valid_bsn(rec["bsn"]), [("_bsn_rank", True), ("_recency", False)], ("bsn",))
    bsn["bsn"] = compact_bsn(bsn["bsn"])
    names = _pick(rec, rec["surname"].notna() | rec["first_names"].notna(),
                  [("_name_rank", True), ("_recency", False)], NAME_FIELDS)
    birth = _pick(rec, rec["birth_date"].notna(),
                  [("_date_precision", False), ("_bsn_rank", True), ("_recency", False)],
                  ("birth_date",))
    sex = _pick(rec, rec["sex"].notna(),
                [("_bsn_rank", True), ("_sex_known", False), ("_recency", False)], ("sex",))
    has_address = rec["street"].notna() | rec["postcode"].notna()
    address = _pick(rec, has_address & ~confidential,
                    [("_recency", False), ("_bsn_rank", True)], ADDRESS_FIELDS)

    out = base.join(bsn.rename(columns={"from": "bsn_from"}))
    out = out.join(names.rename(columns={"from": "name_from"}))
    out = out.join(birth.rename(columns={"from": "birth_date_from"}))
    out = out.join(sex.rename(columns={"from": "sex_from"}))
    out = out.join(address.rename(columns={"from": "address_from"}))
    out = out.reset_index()
    out["house_number"] = out["house_number"].astype("Int64")
    out["record_count"] = out["record_count"].astype("int64")
    out["has_confidential_address"] = out["has_confidential_address"].astype(bool)
    return out[list(GOLDEN_COLUMNS)]


def _household_of(rec: pd.DataFrame) -> pd.Series:
    """A person's main household: the one most of their records name (ties: smallest id)."""
    with_household = rec[rec["household_id"].notna()]
    if with_household.empty:
        return pd.Series(np.nan, index=pd.Index([], name="person_id"), dtype="object")
    counts = with_household.groupby(["person_id", "household_id"]).size().rename("n").reset_index()
    counts = counts.sort_values(["person_id", "n", "household_id"], ascending=[True, False, True])
    return counts.drop_duplicates("person_id").set_index("person_id")["household_id"]
