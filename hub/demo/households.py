"""Stage 1 of the generator: households, their addresses and the people in them."""


import numpy as np

from hub.demo.bsn import generate_bsns
from hub.demo.model import (
    CHILD,
    FATHER,
    HOUSE_NUMBER_SUFFIXES,
    MOTHER,
    POSTCODE_LETTERS,
    REFERENCE_DATE,
    STEP,
    days_to_iso,
    make_ids,
    zipf_draw,
)
from hub.demo.names import (
    BACKGROUND_SHARES,
    BACKGROUNDS,
    build_pools,
)
from hub.demo.profiles import Profile
from hub.demo.region import (
    GROUP_ADDRESSES,
    OUTSIDE_PLACES,
    PLACES,
    STREETS,
)
from hub.demo.twins import distinct_twin_names

FIRST_NAME_SKEW = 0.6
SURNAME_SKEW = 0.5
"""Zipf exponents of the name draws: common names recur (many "Jan de Vries" and "Mohamed El
Amrani"), without one name dominating a block the way a steeper curve on small pools would."""


class HouseholdStage:
    """Households, addresses and true persons (state kept on ``self``)."""

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
        h = (pc4 * 7919 + street_idx * 104729 + number // 24 * 31) % (len(POSTCODE_LETTERS) ** 2)
        postcode = [f"{a}{b}{c}" for a, b, c in zip(pc4.tolist(), POSTCODE_LETTERS[h // 20],
                                                     POSTCODE_LETTERS[h % 20], strict=True)]
        letter = np.where(rng.random(n) < 0.05, rng.choice(list("abc"), size=n), None)
        has_suffix = rng.random(n) < 0.06
        suffix = np.where(has_suffix, HOUSE_NUMBER_SUFFIXES[rng.integers(0, 7, size=n)], None)
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
        self.hh_id = make_ids("TH", np.arange(n), 7)

    # ----------------------------------------------------------------- people
    def _names(self, bg: np.ndarray, sex: np.ndarray) -> np.ndarray:
        rng = self.rng
        out = np.empty(len(bg), dtype=object)
        for b, key in enumerate(BACKGROUNDS):
            pool = self.pools[key]
            for s, names in (("M", pool.first_m), ("V", pool.first_v)):
                idx = np.flatnonzero((bg == b) & (sex == s))
                if len(idx):
                    out[idx] = np.array(names, dtype=object)[zipf_draw(rng, len(names), len(idx),
                                                                       FIRST_NAME_SKEW)]
        return out

    def _twin_names(self, first: np.ndarray, bg: np.ndarray, sex: np.ndarray,
                    is_child: np.ndarray, child_rank: np.ndarray, hh: np.ndarray) -> np.ndarray:
        """Co-twins get clearly different given names (see :mod:`hub.demo.twins`).

        Redraws use their own seeded stream, so the rest of the population stays as it was.
        """
        mult = self.multiple[hh]
        in_multiple = is_child & (mult > 0) & (child_rank >= self.n_child[hh] - mult)
        groups = np.where(in_multiple, hh, None).astype(object)
        rng = np.random.default_rng([self.seed, 20261122, 2])

        def redraw(i: int) -> str:
            pool = self.pools[BACKGROUNDS[bg[i]]]
            names = pool.first_m if sex[i] == "M" else pool.first_v
            return names[int(zipf_draw(rng, len(names), 1, FIRST_NAME_SKEW)[0])]

        return distinct_twin_names(first, groups, redraw)

    def _surnames(self, bg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rng = self.rng
        prefix = np.empty(len(bg), dtype=object)
        surname = np.empty(len(bg), dtype=object)
        for b, key in enumerate(BACKGROUNDS):
            pool = self.pools[key]
            idx = np.flatnonzero(bg == b)
            if len(idx):
                pick = zipf_draw(rng, len(pool.surnames), len(idx), SURNAME_SKEW)
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
        first = self._twin_names(first, bg, sex, is_child, child_rank, hh)
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
        self.p_birth = days_to_iso(birth)
        in_multiple = is_child & (mult > 0) & (child_rank >= self.n_child[hh] - mult)
        self.p_twin_group = np.full(m, None, dtype=object)
        self.p_twin_group[in_multiple] = make_ids("TW", hh[in_multiple], 7)

        self.p_bsn = generate_bsns(rng, m)
        sib = np.where(is_child & (self.n_child[hh] > 1),
                       np.arange(m) + np.where(child_rank + 1 < self.n_child[hh], 1, -child_rank),
                       -1)
        self.p_sibling = sib
        self.p_id = make_ids("TP", np.arange(m), 8)

        # own households and addresses: separated fathers live elsewhere
        self.p_sep = (mtype == FATHER) & (s[hh] == 3)
        true_hh = self.hh_id[hh].copy()
        sep_idx = np.flatnonzero(self.p_sep)
        true_hh[sep_idx] = make_ids("TH", n + np.arange(len(sep_idx)), 7)
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

