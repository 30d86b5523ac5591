"""A seeded synthetic population of the pilot region and its registrations at the seven partners.

The generator works in three layers, all driven by one numpy random generator so that a seed fully
determines the result:

1. households: background, make-up (two parents, single parent, separated, blended), children with
   twins and triplets, an address in the region (a few outside it), moves, shared addresses;
2. cases: each household is known to 1-4 partners (Veilig Thuis most often), with one or more cases
   per partner; each case registers some of the household's members, Veilig Thuis meldingen also a
   reporter who is not a household member;
3. rows: one canonical person row per registration of a person, with the partner's own ids and the
   errors real registrations contain (see :mod:`hub.demo.profiles` for the rates).

Ground truth (true person and household per row) is returned separately in ``truth``.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from hub.demo import errors as err
from hub.demo.bsn import generate_bsns, mistype_bsn
from hub.demo.names import (
    BACKGROUND_SHARES,
    BACKGROUNDS,
    FIRST_NAME_VARIANTS,
    SURNAME_VARIANTS,
    build_pools,
    variant_map,
)
from hub.demo.profiles import PROFILES, Profile
from hub.demo.region import (
    GROUP_ADDRESSES,
    OUTSIDE_PLACES,
    PLACES,
    PROFESSIONAL_ADDRESSES,
    REPORTER_KIND_SHARES,
    REPORTER_KINDS,
    SCOPE_MUNICIPALITIES,
    SHELTERS,
    STREETS,
)
from hub.errors import ConfigError
from schemas.canonical import PERSON_COLUMNS, REGISTRATION_COLUMNS

PARTNERS = ("veilig_thuis", "rvdk", "blijf_groep", "jbra", "wss", "ldh", "jgb")
REFERENCE_DATE = date(2026, 11, 1)
EXTRACTED_AT = pd.Timestamp("2026-11-01T06:00:00", tz="UTC")

VT, RVDK, BLIJF, JBRA, WSS, LDH, JGB = range(7)
MOTHER, FATHER, STEP, CHILD, REPORTER = range(5)
PARTNER_WEIGHTS = np.array([10.0, 3.0, 1.6, 3.0, 1.4, 1.6, 2.4])
PARTNERS_PER_HOUSEHOLD = (0.64, 0.25, 0.08, 0.03)  # 1, 2, 3 or 4 partners
VT_MELDINGEN = (0.85, 0.11, 0.04)  # 1, 2 or 3 meldingen per household
TEAM = 40  # case workers per partner
REPORTER_SHARE = 0.40  # meldingen with a reporter row
HAS_CONFIDENTIAL_FLAG = (BLIJF, RVDK)
HAS_MUNICIPALITY = (VT, RVDK, JBRA, LDH)
ADDRESS_KEYS = ("street", "house_number", "house_letter", "house_number_suffix", "postcode", "city",
                "municipality_code")

# inclusion probability per partner (rows) and member type:
# mother, father, step-parent, child, separated father
INCLUDE = np.array(
    [
        [0.85, 0.55, 0.40, 0.50, 0.35],  # veilig_thuis
        [0.95, 0.85, 0.35, 0.65, 0.75],  # rvdk
        [1.00, 0.15, 0.10, 0.60, 0.05],  # blijf_groep
        [0.85, 0.70, 0.35, 0.60, 0.65],  # jbra
        [0.85, 0.70, 0.35, 0.60, 0.65],  # wss
        [0.80, 0.45, 0.25, 0.35, 0.20],  # ldh
        [0.85, 0.70, 0.35, 0.60, 0.65],  # jgb
    ]
)

CASE_TYPES = {
    VT: (("melding", "advies"), (0.8, 0.2)),
    RVDK: (("beschermingsonderzoek", "onderzoek"), (0.7, 0.3)),
    BLIJF: (("opvang", "ambulante_hulp"), (0.6, 0.4)),
    JBRA: (("ots", "voorlopige_ots", "voogdij", "jeugdreclassering"), (0.6, 0.1, 0.1, 0.2)),
    WSS: (("ots", "voogdij", "jeugdreclassering"), (0.6, 0.2, 0.2)),
    LDH: (("jeugdreclassering", "ambulante_hulp", "opvang"), (0.4, 0.45, 0.15)),
    JGB: (("ots", "voorlopige_ots", "voogdij", "jeugdreclassering"), (0.6, 0.1, 0.15, 0.15)),
}
END_REASONS = (
    "doel bereikt", "overgedragen aan wijkteam", "verhuisd buiten regio", "meerderjarig geworden",
    "beëindigd door kinderrechter", "overgedragen aan andere GI", "geen zorgen vastgesteld",
)
MAIL_DOMAINS = (
    "veiligthuiszw.nl", "justitie.nl", "blijfgroep.nl", "jbra.nl", "wsg.nl", "legerdesheils.nl",
    "jeugdengezinsbeschermers.nl",
)
_LETTERS = np.array(list("ABCDEGHJKLMNPRSTVWXZ"))
_SUFFIXES = np.array(["1", "2", "3", "hs", "bis", "A", "zw"], dtype=object)


@dataclass
class Population:
    """Synthetic registrations of a region plus the ground truth behind them.

    ``persons`` and ``registrations`` hold the canonical columns (schemas.canonical) as the
    partners hold the data, errors included. ``truth`` has one row per person row: the true person
    and household and flags that name the hard case a row belongs to. ``truth`` is for tests and
    benchmarks only; the pipeline never reads it.
    """

    persons: pd.DataFrame
    registrations: pd.DataFrame
    truth: pd.DataFrame
    households: int
    seed: int
    profile: str


def generate_population(households: int, seed: int = 0, profile: str = "normal") -> Population:
    """Generate ``households`` involved households and their registrations at the seven partners.

    About 4.25 person rows per household; 235,000 households give about a million rows.
    """
    if households < 1:
        raise ConfigError("households must be at least 1", field="households")
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r}; use one of {sorted(PROFILES)}",
                          field="profile")
    return _Generator(households, seed, PROFILES[profile]).run()


def _zipf_draw(rng: np.random.Generator, size: int, n: int, exponent: float = 0.9) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return rng.choice(size, size=n, p=weights / weights.sum())


def _frame(columns: dict[str, object]) -> pd.DataFrame:
    """Build a DataFrame through Arrow: fast, and strings come out as pandas' ``str`` dtype.

    A value is an array (strings) or ``(array, pyarrow type)``.
    """
    arrays = {}
    for name, value in columns.items():
        values, type_ = value if isinstance(value, tuple) else (value, pa.string())
        if type_ == pa.int32():
            values = pd.array(values, dtype="Int32")
        arrays[name] = pa.array(values, type=type_, from_pandas=True)
    return pa.table(arrays).to_pandas(types_mapper={pa.int32(): pd.Int32Dtype()}.get)


def _hex(hashes: np.ndarray) -> pd.Series:
    """uint64 hashes as 16-character hex strings."""
    return pd.Series([f"{h:016x}" for h in hashes.tolist()], dtype="str")


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Identifiers like TP00000042 as an object array (works for empty input too)."""
    return np.array([f"{prefix}{x:0{width}d}" for x in numbers.tolist()], dtype=object)


def _non_ascii(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the strings with a character outside ASCII (fast, through Arrow)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    mask = pd.Series(values, dtype="str").str.contains(r"[^\x00-\x7f]", regex=True)
    return mask.fillna(False).to_numpy(dtype=bool)


def _days_to_iso(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]")).astype(object)


class _Generator:
    """Holds the random generator and intermediate arrays of one generation run."""

    def __init__(self, households: int, seed: int, profile: Profile) -> None:
        self.n = households
        self.seed = seed
        self.p = profile
        self.rng = np.random.default_rng([seed, 20261122])
        self.pools = build_pools()
        self.ref_day = int(np.datetime64(REFERENCE_DATE.isoformat(), "D").astype(int))

    # ----------------------------------------------------------------- addresses
    def _addresses(self, n: int, outside: np.ndarray) -> dict[str, np.ndarray]:
        rng = self.rng
        inside_w = np.array([p.weight for p in PLACES])
        outside_w = np.array([p.weight for p in OUTSIDE_PLACES])
        place_in = rng.choice(len(PLACES), size=n, p=inside_w / inside_w.sum())
        place_out = rng.choice(len(OUTSIDE_PLACES), size=n, p=outside_w / outside_w.sum())
        places = [PLACES[i] for i in place_in]
        for i in np.flatnonzero(outside):
            places[i] = OUTSIDE_PLACES[place_out[i]]
        pick = rng.random(n)
        pc4 = np.array(
            [p.postcodes[int(u * len(p.postcodes))] for p, u in zip(places, pick, strict=True)],
            dtype=np.int64,
        )
        street_idx = rng.integers(0, len(STREETS), size=n)
        number = (rng.pareto(1.6, size=n) * 12 + 1).astype(np.int64).clip(1, 350)
        h = (pc4 * 7919 + street_idx * 104729 + number // 24 * 31) % (len(_LETTERS) ** 2)
        postcode = [f"{a}{b}{c}" for a, b, c in zip(pc4.tolist(), _LETTERS[h // 20],
                                                     _LETTERS[h % 20], strict=True)]
        letter = np.where(rng.random(n) < 0.05, rng.choice(list("abc"), size=n), None)
        suffix = np.where(rng.random(n) < 0.06, _SUFFIXES[rng.integers(0, 7, size=n)], None)
        return {
            "street": np.array(STREETS, dtype=object)[street_idx],
            "house_number": number,
            "house_letter": letter.astype(object),
            "house_number_suffix": suffix.astype(object),
            "postcode": np.array(postcode, dtype=object),
            "city": np.array([p.name for p in places], dtype=object),
            "municipality_code": np.array([p.municipality_code for p in places], dtype=object),
            "special": np.full(n, "", dtype=object),
            "confidential": np.zeros(n, dtype=bool),
        }

    @staticmethod
    def _set_special(addr: dict[str, np.ndarray], idx: np.ndarray, special: object) -> None:
        addr["street"][idx] = special.street
        addr["house_number"][idx] = special.house_number
        addr["house_letter"][idx] = None
        addr["house_number_suffix"][idx] = None
        addr["postcode"][idx] = special.postcode
        addr["city"][idx] = special.city
        addr["municipality_code"][idx] = special.municipality_code
        addr["special"][idx] = special.kind
        addr["confidential"][idx] = special.confidential

    # ----------------------------------------------------------------- households
    def households(self) -> None:
        rng, p, n = self.rng, self.p, self.n
        self.bg = rng.choice(len(BACKGROUNDS), size=n, p=BACKGROUND_SHARES)
        u = rng.random(n)
        structure = np.select(
            [u < p.separated, u < p.separated + p.blended, u < p.separated + p.blended + 0.30,
             u < p.separated + p.blended + 0.35],
            [3, 4, 1, 2],
            0,
        )
        self.structure = structure
        n_child = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.40, 0.34, 0.16, 0.07, 0.03])
        u = rng.random(n)
        multiple = np.where(u < p.triplets, 3, np.where(u < p.triplets + p.twins, 2, 0))
        n_child = np.maximum(n_child, multiple)
        self.multiple = multiple
        self.n_child = n_child
        outside = rng.random(n) < p.outside_region
        self.addr = self._addresses(n, outside)
        u = rng.random(n)
        asylum = (u < p.asylum_centre) & ~outside & (self.bg == BACKGROUNDS.index("other"))
        asylum |= (u < p.asylum_centre / 4) & ~outside
        postal = (u > 1 - p.postal_address) & ~outside
        self._set_special(self.addr, np.flatnonzero(asylum), GROUP_ADDRESSES[2])
        self._set_special(self.addr, np.flatnonzero(postal), GROUP_ADDRESSES[3])
        self.moved = (rng.random(n) < p.moved) & (self.addr["special"] == "")
        old_outside = self.moved & (rng.random(n) < p.moved_from_outside)
        self.old_addr = self._addresses(n, old_outside)
        self.hh_id = _ids("TH", np.arange(n), 7)

    # ----------------------------------------------------------------- people
    def _names(self, bg: np.ndarray, sex: np.ndarray) -> np.ndarray:
        rng = self.rng
        out = np.empty(len(bg), dtype=object)
        for b, key in enumerate(BACKGROUNDS):
            pool = self.pools[key]
            for s, names in (("M", pool.first_m), ("V", pool.first_v)):
                idx = np.flatnonzero((bg == b) & (sex == s))
                if len(idx):
                    out[idx] = np.array(names, dtype=object)[_zipf_draw(rng, len(names), len(idx))]
        return out

    def _surnames(self, bg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rng = self.rng
        prefix = np.empty(len(bg), dtype=object)
        surname = np.empty(len(bg), dtype=object)
        for b, key in enumerate(BACKGROUNDS):
            pool = self.pools[key]
            idx = np.flatnonzero(bg == b)
            if len(idx):
                pick = _zipf_draw(rng, len(pool.surnames), len(idx), 0.75)
                prefix[idx] = np.array(pool.surname_prefixes, dtype=object)[pick]
                surname[idx] = np.array(pool.surnames, dtype=object)[pick]
        prefix[prefix == ""] = None
        return prefix, surname

    def people(self) -> None:
        """One row per true person in a household, grouped by household."""
        rng, p, n = self.rng, self.p, self.n
        s = self.structure
        counts = {
            MOTHER: np.isin(s, (0, 1, 3, 4)).astype(int),
            FATHER: np.isin(s, (0, 2, 3)).astype(int),
            STEP: (s == 4).astype(int),
            CHILD: self.n_child,
        }
        hh = np.concatenate([np.repeat(np.arange(n), c) for c in counts.values()])
        mtype = np.concatenate([np.full(c.sum(), t) for t, c in counts.items()])
        order = np.lexsort((mtype, hh))
        hh, mtype = hh[order], mtype[order]
        m = len(hh)
        self.p_hh, self.p_type = hh, mtype
        self.hh_start = np.searchsorted(hh, np.arange(n))
        self.hh_size = np.bincount(hh, minlength=n)
        is_child = mtype == CHILD
        child_rank = np.arange(m) - self.hh_start[hh] - (self.hh_size[hh] - self.n_child[hh])
        child_rank = np.where(is_child, child_rank, -1)
        self.child_rank = child_rank

        # sex and background
        sex = np.where(mtype == MOTHER, "V", "M").astype(object)
        sex[is_child] = np.where(rng.random(is_child.sum()) < 0.49, "V", "M")
        bg = self.bg[hh].copy()
        mixed = (mtype != CHILD) & (rng.random(m) < 0.15)
        bg[mixed & (mtype != FATHER)] = 0
        self.p_bg, self.p_sex = bg, sex

        # given names: 1 or 2 (Dutch families more often list a second given name)
        first = self._names(bg, sex)
        second = self._names(bg, sex)
        two = rng.random(m) < np.where(bg == 0, 0.5, 0.2)
        two &= second != first
        self.p_first = np.where(two, first + " " + second, first).astype(object)
        self.p_roepnaam = first

        # surnames: father's line for the family, mother her own, step-father his own
        fam_prefix, fam_surname = self._surnames(self.bg)
        own_prefix, own_surname = self._surnames(bg)
        prefix = own_prefix.copy()
        surname = own_surname.copy()
        fam = (mtype == FATHER) | is_child
        prefix[fam] = fam_prefix[hh[fam]]
        surname[fam] = fam_surname[hh[fam]]
        # children of single mothers carry the mother's name half of the time
        mother_idx = self.hh_start[hh]  # mothers sort first when present
        has_mother = np.isin(s[hh], (0, 1, 3, 4))
        take_mother = is_child & (s[hh] == 1) & (rng.random(n) < 0.5)[hh]
        prefix[take_mother] = prefix[mother_idx[take_mother]]
        surname[take_mother] = surname[mother_idx[take_mother]]
        # a name change: a child of a single or blended mother used the mother's name before
        changed = is_child & np.isin(s[hh], (1, 4)) & ~take_mother
        changed &= rng.random(m) < p.name_change_child
        self.p_former_prefix = np.where(changed, prefix[mother_idx], None)
        self.p_former_surname = np.where(changed, surname[mother_idx], None)
        self.p_name_changed = changed
        self.p_prefix, self.p_surname = prefix, surname
        self.p_mother = np.where(has_mother, mother_idx, -1)
        # the partner a mother lives with (father or step-father), for "Jansen-de Vries"
        partner_of_mother = np.full(m, -1)
        lives_with = (mtype == MOTHER) & np.isin(s[hh], (0, 4))
        partner_of_mother[lives_with] = np.flatnonzero(lives_with) + 1
        self.p_partner = partner_of_mother

        # birth dates (days since epoch)
        gaps = rng.integers(300, 1500, size=m)
        mult = self.multiple[hh]
        twin = is_child & (mult > 0) & (child_rank >= self.n_child[hh] - mult + 1)
        gaps = np.where(is_child & (child_rank > 0) & ~twin, gaps, 0)
        cum = np.cumsum(gaps)
        base = cum[np.maximum(self.hh_start[hh], 0)]
        offset = cum - base  # days between oldest child and this child
        total = np.zeros(n, dtype=np.int64)
        np.maximum.at(total, hh, offset)
        oldest_age = total + (rng.random(n) * (6530 - total - 30) + 30).astype(np.int64)
        oldest_birth = self.ref_day - oldest_age
        birth = oldest_birth[hh] + offset
        mother_birth = oldest_birth - rng.integers(19 * 365, 38 * 365, size=n)
        birth = np.where(mtype == MOTHER, mother_birth[hh], birth)
        birth = np.where(mtype == FATHER, mother_birth[hh] - rng.integers(-2 * 365, 9 * 365, m),
                         birth)
        birth = np.where(mtype == STEP, mother_birth[hh] - rng.integers(-5 * 365, 10 * 365, m),
                         birth)
        self.p_birth_days = birth
        self.p_birth = _days_to_iso(birth)
        in_multiple = is_child & (mult > 0) & (child_rank >= self.n_child[hh] - mult)
        self.p_twin_group = np.full(m, None, dtype=object)
        self.p_twin_group[in_multiple] = _ids("TW", hh[in_multiple], 7)

        self.p_bsn = generate_bsns(rng, m)
        sib = np.where(is_child & (self.n_child[hh] > 1),
                       np.arange(m) + np.where(child_rank + 1 < self.n_child[hh], 1, -child_rank),
                       -1)
        self.p_sibling = sib
        self.p_id = _ids("TP", np.arange(m), 8)

        # own households and addresses: separated fathers live elsewhere
        self.p_sep = (mtype == FATHER) & (s[hh] == 3)
        true_hh = self.hh_id[hh].copy()
        sep_idx = np.flatnonzero(self.p_sep)
        true_hh[sep_idx] = _ids("TH", n + np.arange(len(sep_idx)), 7)
        self.p_true_hh = true_hh
        addr = {k: v[hh].copy() for k, v in self.addr.items()}
        sep_addr = self._addresses(len(sep_idx), rng.random(len(sep_idx)) < 0.05)
        for k in addr:
            addr[k][sep_idx] = sep_addr[k]
        # some older children live in a group home
        group = is_child & (self.ref_day - birth > 10 * 365) & (rng.random(m) < p.group_home_child)
        for i, special in enumerate(GROUP_ADDRESSES[:2]):
            self._set_special(addr, np.flatnonzero(group & (np.arange(m) % 2 == i)), special)
        self.p_addr = addr
        self.p_old_addr = {k: v[hh] for k, v in self.old_addr.items()}
        self.p_moved = self.moved[hh] & ~self.p_sep & (addr["special"] == "")

    # ----------------------------------------------------------------- cases
    def cases(self) -> None:
        rng, n = self.rng, self.n
        has_mother = np.isin(self.structure, (0, 1, 3, 4))
        weights = np.tile(PARTNER_WEIGHTS, (n, 1))
        weights[~has_mother, BLIJF] = 0.0
        with np.errstate(divide="ignore"):
            keys = np.log(weights) + rng.gumbel(size=(n, len(PARTNERS)))
        k = rng.choice([1, 2, 3, 4], size=n, p=PARTNERS_PER_HOUSEHOLD)
        rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
        chosen = rank < k[:, None]
        hh_idx, partner = np.nonzero(chosen)
        repeats = np.where(partner == VT, rng.choice([1, 2, 3], size=len(partner), p=VT_MELDINGEN),
                           1)
        self.c_hh = np.repeat(hh_idx, repeats)
        self.c_partner = np.repeat(partner, repeats)
        c = len(self.c_hh)
        self.c_seq = np.arange(c) - np.repeat(np.cumsum(repeats) - repeats, repeats)
        # case types, statuses and dates
        case_type = np.empty(c, dtype=object)
        for key, (types, shares) in CASE_TYPES.items():
            idx = np.flatnonzero(self.c_partner == key)
            case_type[idx] = np.array(types, dtype=object)[rng.choice(len(types), len(idx),
                                                                       p=shares)]
        self.c_type = case_type
        u = rng.random(c)
        status = np.where(u < 0.45, "afgesloten", np.where(u < 0.9, "lopend", "aangemeld"))
        start = self.ref_day - rng.integers(60, 7 * 365, size=c)
        start = np.where(status == "aangemeld", self.ref_day - rng.integers(1, 60, size=c), start)
        end = start + rng.integers(30, 900, size=c)
        end = np.minimum(end, self.ref_day - 1)
        self.c_status = status.astype(object)
        self.c_start = start
        self.c_end = np.where(status == "afgesloten", end, -1)
        self.c_end_reason = np.where(status == "afgesloten",
                                     np.array(END_REASONS, dtype=object)[rng.integers(
                                         0, len(END_REASONS), c)], None)
        # moved families: cases from before the move hold the old address
        self.c_old_address = self.moved[self.c_hh] & (rng.random(c) < 0.5)
        # families in a shelter: at Blijf Groep (opvang), sometimes known so at the RvdK
        shelter_of_hh = rng.integers(0, len(SHELTERS), size=n)
        in_shelter_hh = np.zeros(n, dtype=bool)
        opvang = (self.c_partner == BLIJF) & (case_type == "opvang")
        in_shelter_hh[self.c_hh[opvang]] = True
        self.c_shelter = np.where(
            opvang | ((self.c_partner == RVDK) & in_shelter_hh[self.c_hh] & (rng.random(c) < 0.5)),
            shelter_of_hh[self.c_hh], -1)
        self.hh_in_shelter = in_shelter_hh

    # ----------------------------------------------------------------- rows
    def rows(self) -> None:
        """Expand cases into member rows, then add reporter rows to Veilig Thuis meldingen."""
        rng = self.rng
        sizes = self.hh_size[self.c_hh]
        case_of_row = np.repeat(np.arange(len(self.c_hh)), sizes)
        within = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        person = self.hh_start[self.c_hh][case_of_row] + within
        partner = self.c_partner[case_of_row]
        col = np.where(self.p_sep[person], 4, self.p_type[person])
        keep = rng.random(len(person)) < INCLUDE[partner, col]
        # every case keeps its anchor: the mother at Blijf Groep, otherwise a child (or anyone)
        anchor_type = np.where(partner == BLIJF, MOTHER, np.where(partner == LDH, -1, CHILD))
        is_anchor_type = (self.p_type[person] == anchor_type) | (anchor_type == -1)
        has_anchor = np.bincount(case_of_row, weights=keep & is_anchor_type,
                                 minlength=len(self.c_hh)) > 0
        anchor_rows = np.flatnonzero(is_anchor_type)
        first_anchor_case, first = np.unique(case_of_row[anchor_rows], return_index=True)
        need = ~has_anchor[first_anchor_case]
        keep[anchor_rows[first[need]]] = True
        # twins and triplets are registered together: a case about one concerns the others too
        is_multiple = pd.notna(self.p_twin_group[person])
        any_kept = np.bincount(case_of_row, weights=keep & is_multiple, minlength=len(self.c_hh))
        keep |= is_multiple & (any_kept[case_of_row] > 0)
        self.r_case = case_of_row[keep]
        self.r_person = person[keep]
        self.r_reporter = np.full(len(self.r_case), -1)
        self._reporters()

    def _reporters(self) -> None:
        """Reporters: recurring professionals, or a neighbour or relative made for one melding."""
        rng = self.rng
        meldingen = np.flatnonzero(self.c_partner == VT)
        with_rep = meldingen[rng.random(len(meldingen)) < REPORTER_SHARE]
        k = len(with_rep)
        kind = rng.choice(len(REPORTER_KINDS), size=k, p=REPORTER_KIND_SHARES)
        professional = np.isin(np.array(REPORTER_KINDS)[kind], list(PROFESSIONAL_ADDRESSES))
        n_pro = max(8, self.n // 25)
        pro_pick = _zipf_draw(rng, n_pro, k, 0.6)
        # professionals: a pool shared by many meldingen (same person, many families)
        pro_bg = rng.choice(len(BACKGROUNDS), size=n_pro, p=BACKGROUND_SHARES)
        pro_bg = np.where(rng.random(n_pro) < 0.6, 0, pro_bg)
        pro_sex = np.where(rng.random(n_pro) < 0.55, "V", "M").astype(object)
        pro_first = self._names(pro_bg, pro_sex)
        pro_prefix, pro_surname = self._surnames(pro_bg)
        pro_kind = rng.choice([i for i, r in enumerate(REPORTER_KINDS) if r in
                               PROFESSIONAL_ADDRESSES], size=n_pro)
        # private reporters: one person per melding
        priv_bg = np.where(rng.random(k) < 0.6, 0, self.bg[self.c_hh[with_rep]])
        priv_sex = np.where(rng.random(k) < 0.6, "V", "M").astype(object)
        priv_first = self._names(priv_bg, priv_sex)
        priv_prefix, priv_surname = self._surnames(priv_bg)
        priv_birth = self.ref_day - rng.integers(20 * 365, 80 * 365, size=k)
        family_member = np.array(REPORTER_KINDS)[kind] == "familielid"
        fam_person = self.hh_start[self.c_hh[with_rep]]
        priv_prefix[family_member] = self.p_prefix[fam_person[family_member]]
        priv_surname[family_member] = self.p_surname[fam_person[family_member]]

        other_addr = self._addresses(k, np.zeros(k, dtype=bool))
        priv_birth_iso = _days_to_iso(priv_birth)
        steps = rng.choice([-2, -1, 1, 2, 3], size=k)
        reporter_rows: dict[str, list] = {key: [] for key in (
            "id", "first", "prefix", "surname", "sex", "birth", "kind", "addr", "hh")}
        self.rep_pro_index: dict[int, int] = {}
        rep_of_row = np.empty(k, dtype=np.int64)
        street_of_family = self.p_addr["street"]
        for j in range(k):
            case = with_rep[j]
            if professional[j]:
                pro = int(pro_pick[j])
                if pro in self.rep_pro_index:
                    rep_of_row[j] = self.rep_pro_index[pro]
                    continue
                kind_name = REPORTER_KINDS[pro_kind[pro]]
                street, postcode, city, code = PROFESSIONAL_ADDRESSES[kind_name]
                values = (f"TR{pro:07d}P", pro_first[pro], pro_prefix[pro], pro_surname[pro],
                          pro_sex[pro], None, kind_name,
                          (street, 1 + pro % 40, None, None, postcode, city, code),
                          f"THR{pro:07d}P")
                self.rep_pro_index[pro] = len(reporter_rows["id"])
            else:
                kind_name = REPORTER_KINDS[kind[j]]
                fam = fam_person[j]
                if kind_name == "buurman":
                    number = int(self.p_addr["house_number"][fam]) + int(steps[j])
                    addr = (street_of_family[fam], max(number, 1), None, None,
                            self.p_addr["postcode"][fam], self.p_addr["city"][fam],
                            self.p_addr["municipality_code"][fam])
                else:
                    addr = tuple(other_addr[key][j] for key in ADDRESS_KEYS)
                birth = priv_birth_iso[j]
                values = (f"TR{case:07d}", priv_first[j], priv_prefix[j], priv_surname[j],
                          priv_sex[j], birth, kind_name, addr, f"THR{case:07d}")
            rep_of_row[j] = len(reporter_rows["id"])
            for key, value in zip(reporter_rows, values, strict=True):
                reporter_rows[key].append(value)
        if not reporter_rows["id"]:  # keep the arrays indexable when no melding has a reporter
            for key in reporter_rows:
                reporter_rows[key].append((None,) * 7 if key == "addr" else None)
        self.rep = {key: np.array(v, dtype=object) if key != "addr" else v
                    for key, v in reporter_rows.items()}
        self.rep["addr"] = np.array(reporter_rows["addr"], dtype=object).reshape(-1, 7)
        self.r_case = np.concatenate([self.r_case, with_rep])
        self.r_person = np.concatenate([self.r_person, np.full(k, -1)])
        self.r_reporter = np.concatenate([self.r_reporter, rep_of_row])
        order = np.lexsort((self.r_reporter >= 0, self.r_person, self.r_case))
        self.r_case, self.r_person, self.r_reporter = (
            self.r_case[order], self.r_person[order], self.r_reporter[order])

    # ----------------------------------------------------------------- errors and output
    def build(self) -> Population:
        rng, p = self.rng, self.p
        case, person, rep = self.r_case, self.r_person, self.r_reporter
        r = len(case)
        partner = self.c_partner[case]
        is_rep = rep >= 0
        pi = np.where(is_rep, 0, person)  # safe index for person arrays
        ri = np.where(is_rep, rep, 0)
        ptype = np.where(is_rep, REPORTER, self.p_type[pi])

        def pick(person_values: np.ndarray, reporter_values: np.ndarray) -> np.ndarray:
            out = np.asarray(person_values[pi], dtype=object).copy()
            out[is_rep] = reporter_values[ri[is_rep]]
            return out

        roepnaam = pick(self.p_roepnaam, self.rep["first"])
        full_first = pick(self.p_first, self.rep["first"])
        prefix = pick(self.p_prefix, self.rep["prefix"])
        surname = pick(self.p_surname, self.rep["surname"])
        sex = pick(self.p_sex, self.rep["sex"])
        birth = pick(self.p_birth, self.rep["birth"])
        bsn = np.where(is_rep, None, self.p_bsn[pi]).astype(object)

        addr_keys = ("street", "house_number", "house_letter", "house_number_suffix", "postcode",
                     "city", "municipality_code")
        addr = {}
        for j, key in enumerate(addr_keys):
            values = np.asarray(self.p_addr[key][pi], dtype=object).copy()
            old = np.asarray(self.p_old_addr[key][pi], dtype=object)
            use_old = ~is_rep & self.c_old_address[case] & self.p_moved[pi]
            values[use_old] = old[use_old]
            if len(self.rep["addr"]):
                values[is_rep] = self.rep["addr"][ri[is_rep], j]
            addr[key] = values
        use_old = ~is_rep & self.c_old_address[case] & self.p_moved[pi]
        special = np.where(is_rep, "", self.p_addr["special"][pi]).astype(object)
        special[use_old] = ""
        confidential = np.zeros(r, dtype=bool)
        sheltered = (self.c_shelter[case] >= 0) & np.isin(ptype, (MOTHER, CHILD))
        sheltered &= (special == "")
        for s_idx, shelter in enumerate(SHELTERS):
            idx = np.flatnonzero(sheltered & (self.c_shelter[case] == s_idx))
            for key, value in zip(addr_keys, (shelter.street, shelter.house_number, None, None,
                                              shelter.postcode, shelter.city,
                                              shelter.municipality_code), strict=True):
                addr[key][idx] = value
            special[idx] = "shelter"
            confidential[idx] = True

        in_scope = ~np.isin(addr["municipality_code"], list(OUTSIDE_CODES))

        flags_name = [[] for _ in range(r)]

        def flag(idx: np.ndarray, label: str, target: list) -> None:
            for i in idx:
                target[i].append(label)

        u = rng.random(r)
        # given names: RvdK copies all given names from the BRP, others often only the first
        all_names = (partner == RVDK) | (rng.random(r) < p.all_given_names)
        first = np.where(all_names, full_first, roepnaam).astype(object)
        init_rate = np.where(partner == LDH, p.initials * 3, p.initials)
        init_rate = np.where(is_rep, 0.3, init_rate)
        idx = np.flatnonzero(rng.random(r) < init_rate)
        first[idx] = [err.initials(first[i]) for i in idx]
        flag(idx, "initials", flags_name)

        # name changes and partner names
        changed = ~is_rep & self.p_name_changed[pi] & (u < 0.5)
        idx = np.flatnonzero(changed)
        prefix[idx] = self.p_former_prefix[pi[idx]]
        surname[idx] = self.p_former_surname[pi[idx]]
        flag(idx, "former_name", flags_name)
        has_partner = ~is_rep & (self.p_partner[pi] >= 0)
        u = rng.random(r)
        double = np.flatnonzero(has_partner & (u < p.partner_name))
        only = np.flatnonzero(has_partner & (u >= p.partner_name) &
                              (u < p.partner_name + p.husband_name_only))
        for i in double:
            mate = self.p_partner[pi[i]]
            own = f"{prefix[i]} {surname[i]}" if prefix[i] else surname[i]
            prefix[i] = self.p_prefix[mate]
            surname[i] = f"{self.p_surname[mate]}-{own}"
        for i in only:
            mate = self.p_partner[pi[i]]
            prefix[i], surname[i] = self.p_prefix[mate], self.p_surname[mate]
        flag(double, "partner_name", flags_name)
        flag(only, "husband_name", flags_name)

        # transliteration variants
        for values, groups, label, rate in (
            (first, FIRST_NAME_VARIANTS, "first_name_variant", p.first_name_variant),
            (surname, SURNAME_VARIANTS, "surname_variant", p.surname_variant),
        ):
            variants = variant_map(groups)
            heads = pd.Series(values, dtype="str").str.replace(r" .*", "", regex=True)
            candidates = np.flatnonzero(heads.isin(list(variants)).to_numpy())
            chosen = candidates[rng.random(len(candidates)) < rate]
            picks = rng.random(len(chosen))
            for i, x in zip(chosen, picks, strict=True):
                head, _, tail = values[i].partition(" ")
                options = variants[head]
                values[i] = (options[int(x * len(options))] + (" " + tail if tail else ""))
            flag(chosen, label, flags_name)

        # tussenvoegsel forms
        with_prefix = np.flatnonzero(pd.Series(prefix).notna().to_numpy())
        u = rng.random(len(with_prefix))
        t1 = p.prefix_glued
        t2 = t1 + p.prefix_moved
        t3 = t2 + p.prefix_abbreviated
        t4 = t3 + p.prefix_capitalised
        for i, x in zip(with_prefix, u, strict=True):
            if x < t1:
                surname[i], prefix[i] = err.glue_prefix(prefix[i], surname[i]), None
                flags_name[i].append("prefix_glued")
            elif x < t2:
                surname[i], prefix[i] = f"{surname[i]} {prefix[i]}", None
                flags_name[i].append("prefix_moved")
            elif x < t3:
                prefix[i] = err.abbreviate_prefix(prefix[i])
                flags_name[i].append("prefix_abbreviated")
            elif x < t4:
                prefix[i] = prefix[i][0].upper() + prefix[i][1:]
                flags_name[i].append("prefix_capitalised")

        # ij as y, diacritics, typos
        ij = np.flatnonzero(pd.Series(surname).str.contains("ij", case=False, na=False).to_numpy())
        idx = ij[rng.random(len(ij)) < p.ij_as_y]
        surname[idx] = [err.ij_to_y(surname[i]) for i in idx]
        flag(idx, "ij_y", flags_name)
        for values in (first, surname):
            non_ascii = np.flatnonzero(_non_ascii(values))
            idx = non_ascii[rng.random(len(non_ascii)) < p.diacritics_dropped]
            values[idx] = [err.fold_diacritics(values[i]) for i in idx]
            flag(idx, "diacritics", flags_name)
        idx = np.flatnonzero(rng.random(r) < p.name_typo)
        which = rng.random(len(idx)) < 0.5
        for i, w in zip(idx, which, strict=True):
            if w:
                first[i] = err.typo(first[i], rng)
            else:
                surname[i] = err.typo(surname[i], rng)
        flag(idx, "typo", flags_name)

        # BSN
        bsn_error = np.full(r, "", dtype=object)
        bsn_error[is_rep] = "missing"
        miss_rate = np.select([partner == VT, partner == BLIJF], [p.bsn_missing_vt,
                              p.bsn_missing_blijf], p.bsn_missing)
        miss_rate = np.where(self.c_type[case] == "advies", np.maximum(miss_rate, 0.6), miss_rate)
        missing = ~is_rep & (rng.random(r) < miss_rate)
        bsn[missing] = None
        bsn_error[missing] = "missing"
        sibling = ~is_rep & ~missing & (self.p_sibling[pi] >= 0) & (rng.random(r) < p.bsn_sibling)
        bsn[sibling] = self.p_bsn[self.p_sibling[pi[sibling]]]
        bsn_error[sibling] = "sibling"
        idx = np.flatnonzero(~is_rep & ~missing & ~sibling & (rng.random(r) < p.bsn_mistyped))
        bsn[idx] = [mistype_bsn(bsn[i], rng) for i in idx]
        bsn_error[idx] = "mistyped"
        zero = pd.Series(bsn).str.startswith("0", na=False).to_numpy()
        unpad = zero & ((partner == WSS) | (rng.random(r) < p.bsn_unpadded))
        idx = np.flatnonzero(unpad)
        bsn[idx] = [bsn[i].lstrip("0") for i in idx]
        bsn_error[idx] = np.where(bsn_error[idx] == "", "unpadded", bsn_error[idx] + "+unpadded")

        # birth dates
        date_error = np.full(r, "", dtype=object)
        miss_rate = np.where(partner == VT, p.date_missing_vt, p.date_missing)
        has_date = pd.Series(birth).notna().to_numpy()
        missing = has_date & (rng.random(r) < miss_rate)
        birth[missing] = None
        date_error[missing] = "missing"
        date_error[~has_date] = "missing"
        u = rng.random(r)
        cuts = np.cumsum([p.date_swap, p.date_placeholder, p.date_year_only, p.date_month_only,
                          p.date_typo])
        latest = REFERENCE_DATE
        for i in np.flatnonzero(has_date & ~missing & (u < cuts[-1])):
            x, iso = u[i], birth[i]
            if x < cuts[0]:
                new, label = err.swap_day_month(iso), "swap"
            elif x < cuts[1]:
                new, label = iso[:4] + "-01-01", "placeholder"
            elif x < cuts[2]:
                new, label = iso[:4], "year_only"
            elif x < cuts[3]:
                new, label = iso[:7], "month_only"
            else:
                new, label = err.date_typo(iso, rng, latest), "typo"
            if new is not None and new != iso:
                birth[i] = new
                date_error[i] = label

        # addresses
        idx = np.flatnonzero(rng.random(r) < p.postcode_typo)
        idx = idx[pd.Series(addr["postcode"][idx]).notna().to_numpy()]
        addr["postcode"][idx] = [err.postcode_typo(addr["postcode"][i], rng) for i in idx]
        address_error = np.full(r, "", dtype=object)
        address_error[idx] = "postcode_typo"
        idx = np.flatnonzero(rng.random(r) < p.house_number_typo)
        addr["house_number"][idx] = [max(1, int(addr["house_number"][i]) + int(
            rng.choice([-10, -1, 1, 10]))) for i in idx]
        address_error[idx] = "house_number_typo"
        idx = np.flatnonzero(~confidential & (rng.random(r) < p.address_missing))
        for key in addr_keys:
            addr[key][idx] = None
        address_error[idx] = "missing"
        in_scope[idx] = True  # without an address a row cannot be shown to be outside

        # partner-specific shapes of the same facts
        vt = np.flatnonzero(partner == VT)
        for values in (first, prefix, surname, addr["street"], addr["city"]):
            idx = vt[_non_ascii(values[vt])]
            values[idx] = [err.fold_to_cp1252(v) for v in values[idx]]
        no_code = ~np.isin(partner, HAS_MUNICIPALITY)
        addr["municipality_code"][no_code] = None

        return self._frames(partner, case, person, rep, is_rep, ptype, first, prefix, surname,
                            sex, birth, bsn, addr, confidential, special, in_scope, bsn_error,
                            date_error, address_error, flags_name)

    def _frames(self, partner, case, person, rep, is_rep, ptype, first, prefix, surname, sex,
                birth, bsn, addr, confidential, special, in_scope, bsn_error, date_error,
                address_error, flags_name) -> Population:
        rng = self.rng
        source = np.array(PARTNERS, dtype=object)[partner]
        case_ids = self._case_ids()
        record_ids = self._record_ids(partner, case, case_ids)
        roles = self._roles(partner, case, person, ptype, is_rep)
        persons = _frame(
            {
                "source": source,
                "source_record_id": record_ids,
                "bsn": bsn,
                "first_names": first,
                "surname_prefix": prefix,
                "surname": surname,
                "birth_date": birth,
                "sex": sex,
                "street": addr["street"],
                "house_number": (addr["house_number"], pa.int32()),
                "house_letter": addr["house_letter"],
                "house_number_suffix": addr["house_number_suffix"],
                "postcode": addr["postcode"],
                "city": addr["city"],
                "municipality_code": addr["municipality_code"],
                "address_confidential": (confidential, pa.bool_()),
                "source_household_ref": case_ids[case],
                "role": roles,
            }
        )
        persons["extracted_at"] = EXTRACTED_AT
        persons["origin"] = "demo:" + persons["source"]
        persons["origin_row"] = persons.groupby("source").cumcount().astype("int64") + 1
        content = pd.util.hash_pandas_object(persons.iloc[:, 2:18], index=False).to_numpy()
        persons["content_hash"] = _hex(content)
        persons = persons[PERSON_COLUMNS]

        true_person = np.where(is_rep, self.rep["id"][np.where(is_rep, rep, 0)],
                               self.p_id[np.where(is_rep, 0, person)])
        true_hh = np.where(is_rep, self.rep["hh"][np.where(is_rep, rep, 0)],
                           self.p_true_hh[np.where(is_rep, 0, person)])
        pi = np.where(is_rep, 0, person)
        truth = _frame(
            {
                "source": source,
                "source_record_id": record_ids,
                "true_person_id": true_person,
                "true_household_id": true_hh,
                "twin_group": np.where(is_rep, None, self.p_twin_group[pi]),
                "is_reporter": (is_rep, pa.bool_()),
                "reporter_kind": np.where(is_rep, self.rep["kind"][np.where(is_rep, rep, 0)],
                                          None),
                "in_scope": (in_scope, pa.bool_()),
                "special_address": special,
                "separated_parent": (~is_rep & self.p_sep[pi], pa.bool_()),
                "moved_old_address": (~is_rep & self.c_old_address[case] & self.p_moved[pi],
                                      pa.bool_()),
                "name_changed": (~is_rep & self.p_name_changed[pi], pa.bool_()),
                "bsn_error": bsn_error,
                "date_error": date_error,
                "address_error": address_error,
                "name_errors": ["|".join(f) for f in flags_name],
                "true_birth_date": np.where(is_rep, self.rep["birth"][np.where(is_rep, rep, 0)],
                                            self.p_birth[pi]),
            }
        )
        registrations = self._registrations(persons, case_ids, rng)
        return Population(persons=persons, registrations=registrations, truth=truth,
                          households=self.n, seed=self.seed, profile=self.p.name)

    def _case_ids(self) -> np.ndarray:
        """The partners' own case numbers, each in its own format."""
        c = len(self.c_hh)
        year = np.datetime_as_string(self.c_start.astype("datetime64[D]"), unit="Y").astype(object)
        serial = self.rng.permutation(c) + 1
        fmt = {
            VT: lambda y, s: f"M{y}-{s:06d}",
            RVDK: lambda y, s: f"ZAAK-{y}-{s:06d}",
            BLIJF: lambda y, s: f"BGD{s:06d}",
            JBRA: lambda y, s: f"JBRA-{s:07d}",
            WSS: lambda y, s: f"WSS/{y}/{s:05d}",
            LDH: lambda y, s: f"D{100000 + s}",
            JGB: lambda y, s: f"JGB-Z{s:06d}",
        }
        triples = zip(self.c_partner.tolist(), year, serial.tolist(), strict=True)
        return np.array([fmt[pt](y, s) for pt, y, s in triples], dtype=object)

    def _record_ids(self, partner: np.ndarray, case: np.ndarray, case_ids: np.ndarray
                    ) -> np.ndarray:
        """Person record ids: per melding row at Veilig Thuis, per person elsewhere."""
        r = len(case)
        seq = pd.Series(case).groupby(case).cumcount().to_numpy() + 1
        serial = self.rng.permutation(r) + 1
        fmt = {
            RVDK: lambda s: f"RK{s:07d}",
            BLIJF: lambda s: f"BG-{s:06d}",
            JBRA: lambda s: f"c{s:08x}",
            WSS: lambda s: f"C{s:06d}",
            LDH: lambda s: f"{500000 + s}",
            JGB: lambda s: f"JGB-K{s:06d}",
        }
        out = np.empty(r, dtype=object)
        for pt, make in fmt.items():
            idx = np.flatnonzero(partner == pt)
            out[idx] = [make(int(x)) for x in serial[idx]]
        idx = np.flatnonzero(partner == VT)
        out[idx] = [f"{c}-{q:02d}" for c, q in zip(case_ids[case[idx]], seq[idx], strict=True)]
        return out

    def _roles(self, partner, case, person, ptype, is_rep) -> np.ndarray:
        rng = self.rng
        r = len(case)
        roles = np.full(r, "household_member", dtype=object)
        roles[ptype == CHILD] = "child"
        roles[ptype == MOTHER] = "parent_with_custody"
        roles[ptype == FATHER] = "parent_with_custody"
        roles[ptype == STEP] = "step_parent"
        sep = ~is_rep & self.p_sep[np.where(is_rep, 0, person)]
        roles[sep & (rng.random(r) < 0.5)] = "parent_without_custody"
        dv = (partner == VT) & (rng.random(len(self.c_hh)) < 0.4)[case]  # per melding
        roles[dv & (ptype == MOTHER)] = "victim"
        roles[dv & np.isin(ptype, (FATHER, STEP))] = "alleged_perpetrator"
        roles[(partner == VT) & sep & (rng.random(r) < 0.3)] = "ex_partner"
        roles[(partner == BLIJF) & (ptype == MOTHER)] = "victim"
        roles[(partner == BLIJF) & np.isin(ptype, (FATHER, STEP))] = "alleged_perpetrator"
        roles[(partner == VT) & (ptype == STEP) & (rng.random(r) < 0.5)] = "partner"
        roles[is_rep] = "reporter"
        return roles

    def _teams(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Names and contacts of TEAM case workers per partner (Dutch names, own domains)."""
        k = TEAM * len(PARTNERS)
        first = self._names(np.zeros(k, dtype=int), np.where(rng.random(k) < 0.75, "V", "M"))
        prefix, surname = self._surnames(np.zeros(k, dtype=int))
        names, contacts = [], []
        for j in range(k):
            names.append(" ".join(x for x in (first[j], prefix[j], surname[j]) if x))
            if j % 3 == 0:
                contacts.append(f"06-{(j * 7919 + 12345678) % 90_000_000 + 10_000_000}")
            else:
                local = (first[j][0] + "." + (prefix[j] or "").replace(" ", "") + surname[j])
                domain = MAIL_DOMAINS[j // TEAM]
                contacts.append(f"{err.fold_diacritics(local.lower())}@{domain}")
        return np.array(names, dtype=object), np.array(contacts, dtype=object)

    def _registrations(self, persons: pd.DataFrame, case_ids: np.ndarray,
                       rng: np.random.Generator) -> pd.DataFrame:
        c = len(case_ids)
        ids = persons["source_record_id"].to_numpy(dtype=object)
        bounds = np.searchsorted(self.r_case, np.arange(1, c))  # rows are sorted by case
        id_list = ids.tolist()
        starts = [0, *bounds.tolist()]
        ends = [*bounds.tolist(), len(id_list)]
        members = np.empty(c, dtype=object)
        members[:] = [id_list[a:b] for a, b in zip(starts, ends, strict=True)]
        # each partner has a team of TEAM case workers: the same names recur across cases
        team_names, team_contacts = self._teams(rng)
        member = self.c_partner * TEAM + rng.integers(0, TEAM, size=c)
        names = team_names[member]
        contacts = team_contacts[member]
        start = self.c_start.astype("datetime64[D]")
        end = np.where(self.c_end >= 0, self.c_end, 0).astype("datetime64[D]")
        registrations = pd.DataFrame(
            {
                "source": pd.array(np.array(PARTNERS, dtype=object)[self.c_partner], dtype="str"),
                "case_id": pd.array(case_ids, dtype="str"),
                "person_record_ids": members,
                "case_type": pd.array(self.c_type, dtype="str"),
                "status": pd.array(self.c_status, dtype="str"),
                "start_date": pd.Series(start.astype("datetime64[s]")).dt.date,
                "end_date": pd.Series(np.where(self.c_end >= 0, end.astype("datetime64[s]"),
                                               np.datetime64("NaT"))).dt.date,
                "end_reason": pd.array(self.c_end_reason, dtype="str"),
                "case_worker_name": pd.array(names, dtype="str"),
                "case_worker_contact": pd.array(contacts, dtype="str"),
            }
        )
        registrations["extracted_at"] = EXTRACTED_AT
        registrations["origin"] = "demo:" + registrations["source"]
        registrations["origin_row"] = registrations.groupby("source").cumcount().astype(
            "int64") + 1
        hashed = pd.util.hash_pandas_object(
            registrations[["source", "case_id", "case_type", "status", "end_reason"]], index=False)
        registrations["content_hash"] = _hex(hashed.to_numpy())
        order = np.lexsort((np.arange(c), self.c_partner))
        return registrations[REGISTRATION_COLUMNS].iloc[order].reset_index(drop=True)

    def run(self) -> Population:
        self.households()
        self.people()
        self.cases()
        self.rows()
        return self.build()


OUTSIDE_CODES = {p.municipality_code for p in OUTSIDE_PLACES} - set(SCOPE_MUNICIPALITIES)
