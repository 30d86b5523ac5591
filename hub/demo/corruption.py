"""Stage 3 of the generator: the errors real registrations contain, per row.

Rates come from :mod:`hub.demo.profiles`; single-value mistakes from :mod:`hub.demo.errors`.
"""


import numpy as np
import pandas as pd

from connectors.names import split_surname
from hub.demo import errors as err
from hub.demo.bsn import mistype_bsn
from hub.demo.model import (
    BLIJF,
    CHILD,
    HAS_MUNICIPALITY,
    LDH,
    MOTHER,
    OUTSIDE_CODES,
    REFERENCE_DATE,
    REPORTER,
    RVDK,
    VT,
    WSS,
    Population,
    non_ascii,
)
from hub.demo.names import (
    FIRST_NAME_VARIANTS,
    SURNAME_VARIANTS,
    variant_map,
)
from hub.demo.region import (
    SHELTERS,
)


class CorruptionStage:
    """Turns true values into registered values and records the hard cases."""

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
            accented = np.flatnonzero(non_ascii(values))
            idx = accented[rng.random(len(accented)) < p.diacritics_dropped]
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

        # the harsh profile's record-level cases (own random stream; nothing in normal / hard)
        record_errors = self.harsh(partner, is_rep, ptype, pi, roepnaam, first, prefix, surname,
                                   sex, birth, bsn, bsn_error, date_error, flags_name)

        # partner-specific shapes of the same facts
        vt = np.flatnonzero(partner == VT)
        for values in (first, prefix, surname, addr["street"], addr["city"]):
            idx = vt[non_ascii(values[vt])]
            values[idx] = [err.fold_to_cp1252(v) for v in values[idx]]
        no_code = ~np.isin(partner, HAS_MUNICIPALITY)
        addr["municipality_code"][no_code] = None
        # one combined name field ("van der Berg" at Blijf Groep, "Berg, van der" at WSS): the
        # canonical row is what the hub's parser reads back from it ("El Amrani" -> "el" + "Amrani")
        for key, template in ((BLIJF, "{prefix} {surname}"), (WSS, "{surname}, {prefix}")):
            idx = np.flatnonzero(partner == key)
            split = [split_surname(template.format(prefix=prefix[i], surname=surname[i])
                                   if prefix[i] else surname[i]) for i in idx]
            prefix[idx] = [pair[0] for pair in split]
            surname[idx] = [pair[1] for pair in split]

        return self._frames(partner, case, person, rep, is_rep, ptype, first, prefix, surname,
                            sex, birth, bsn, addr, confidential, special, in_scope, bsn_error,
                            date_error, address_error, flags_name, record_errors)

