"""Stage 2 of the generator: which partners know a household, their cases and rows.

Case dates follow a family's trajectory (:meth:`CaseStage._trajectories`), so the proeftuin
monitor has something to measure: Veilig Thuis reports first, then other partners either take
over within 30 days after a case ends (a hand-over) or join while it runs (expertise added),
repeat reports within and beyond 12 months, and fewer hand-overs for families whose trajectory
started after the pilot began (:data:`PILOT_START`). The trajectory draws from its own random
stream, so names, errors and every other generated value stay as they were for a seed.
"""

from datetime import date

import numpy as np
import pandas as pd

from hub.demo.model import (
    ADDRESS_KEYS,
    BLIJF,
    CASE_TYPES,
    CHILD,
    END_REASONS,
    INCLUDE,
    LDH,
    MOTHER,
    PARTNER_WEIGHTS,
    PARTNERS,
    PARTNERS_PER_HOUSEHOLD,
    REFERENCE_DATE,
    REPORTER_SHARE,
    RVDK,
    VT,
    VT_MELDINGEN,
    days_to_iso,
    zipf_draw,
)
from hub.demo.names import (
    BACKGROUND_SHARES,
    BACKGROUNDS,
)
from hub.demo.region import (
    PROFESSIONAL_ADDRESSES,
    REPORTER_KIND_SHARES,
    REPORTER_KINDS,
    SHELTERS,
)

PILOT_START = date(2025, 1, 1)
"""The proeftuin's way of working applies to families whose first case started from here."""
HANDOVER_SHARE = (0.45, 0.15)
"""Share of later cases that start as a hand-over: before the pilot, in the pilot."""
OVERLAP_SHARE = (0.25, 0.60)
"""Share of later cases that join running help (expertise added): before, in the pilot."""

class CaseStage:
    """Cases per partner, the member rows of each case and reporters."""

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
        self._trajectories()

    def _trajectories(self) -> None:
        """Dates that chain a household's cases: hand-overs, overlapping help, repeat reports.

        Cases are ordered per household with Veilig Thuis first. Each later case starts after
        the one before it: within 30 days after it ended (hand-over), while it runs (expertise
        added) or much later, with shares that change for families whose first case falls in
        the pilot. A repeat melding follows the previous one after 1.5 to 11 months (55 %) or
        13 to 26 months. Families start within three years before the reference day; a
        household whose chain would reach beyond it is moved back in time as a whole, to end
        on a random day of the last eight months.
        """
        rng = np.random.default_rng([self.seed, 20261204])
        hh, partner = self.c_hh, self.c_partner
        c = len(hh)
        if c == 0:
            return
        first = np.r_[True, hh[1:] != hh[:-1]]
        repeat = ~first & np.r_[False, partner[1:] == partner[:-1]] & (partner == VT)
        duration = np.where(partner == VT, rng.integers(10, 60, size=c),
                            rng.integers(90, 900, size=c))
        anchor = self.ref_day - rng.integers(30, 3 * 365, size=self.n)
        in_pilot = anchor[hh] >= self.ref_day - (REFERENCE_DATE - PILOT_START).days
        handover, overlap = HANDOVER_SHARE, OVERLAP_SHARE
        u = rng.random(c)
        p_hand = np.where(in_pilot, handover[1], handover[0])
        p_over = np.where(in_pilot, overlap[1], overlap[0])
        previous = np.r_[0, duration[:-1]]
        during = (rng.random(c) * 0.8 * previous).astype(np.int64) + 1
        delta = np.where(u < p_hand, previous + rng.integers(1, 31, size=c),
                         np.where(u < p_hand + p_over, during,
                                  previous + rng.integers(45, 500, size=c)))
        soon = rng.random(c) < 0.55
        delta = np.where(repeat, np.where(soon, rng.integers(45, 330, size=c),
                                          rng.integers(400, 800, size=c)), delta)
        delta[first] = 0
        total = np.cumsum(delta)
        heads = np.flatnonzero(first)
        sizes = np.diff(np.r_[heads, c])
        offset = total - np.repeat(total[heads], sizes)
        start = anchor[hh] + offset
        last = np.maximum.reduceat(start, heads)
        latest = self.ref_day - rng.integers(1, 240, size=len(heads))
        start -= np.repeat(np.maximum(last - latest, 0), sizes)
        end = start + duration
        closed = end < self.ref_day
        new = ~closed & (start > self.ref_day - 60) & (rng.random(c) < 0.5)
        self.c_start = start
        self.c_end = np.where(closed, end, -1)
        self.c_status = np.where(closed, "afgesloten",
                                 np.where(new, "aangemeld", "lopend")).astype(object)
        reasons = np.array(END_REASONS, dtype=object)[rng.integers(0, len(END_REASONS), c)]
        self.c_end_reason = np.where(closed, reasons, None)

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
        pro_pick = zipf_draw(rng, n_pro, k, 0.6)
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
        priv_birth_iso = days_to_iso(priv_birth)
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

