"""Stage 3b of the generator: the harsh profile's record-level hard cases (issue 10).

These are the cases that leave a record identified by little more than its household: a Veilig
Thuis report that names a child by first name and an estimated age, a record without surname, a
wrong sex, first and last name swapped, given names exported in capitals, one name missing plus a
date typo, a given name replaced by another or scrambled.

They run on their own seeded random stream (``[seed, 20261122, 3]``) and only when the profile
sets one of their rates, so the ``normal`` and ``hard`` profiles produce exactly the rows they
produced before this stage existed. Each case is named in the truth: name cases in
``name_errors``, date cases in ``date_error``, the record-level ones in ``record_errors``.
"""

import numpy as np

from hub.demo import errors as err
from hub.demo.model import CHILD, LDH, REFERENCE_DATE, VT
from hub.demo.names import BACKGROUNDS


class HarshStage:
    """Applies the harsh record-level cases to the row arrays, in place."""

    def harsh(self, partner: np.ndarray, is_rep: np.ndarray, ptype: np.ndarray, pi: np.ndarray,
              roepnaam: np.ndarray, first: np.ndarray, prefix: np.ndarray, surname: np.ndarray,
              sex: np.ndarray, birth: np.ndarray, bsn: np.ndarray, bsn_error: np.ndarray,
              date_error: np.ndarray, flags_name: list[list[str]]) -> list[list[str]]:
        """Corrupt rows in place; return the ``record_errors`` labels per row."""
        r = len(partner)
        record: list[list[str]] = [[] for _ in range(r)]
        p = self.p
        if not p.has_harsh_cases:
            return record
        rng = np.random.default_rng([self.seed, 20261122, 3])
        person_row = ~is_rep

        def has(values: np.ndarray) -> np.ndarray:
            return np.array([isinstance(v, str) and v != "" for v in values], dtype=bool)

        # 1. Veilig Thuis reports naming a child by call name and an estimated age only
        vt_child = person_row & (partner == VT) & (ptype == CHILD)
        idx = np.flatnonzero(vt_child & (rng.random(r) < p.vt_child_first_name_age))
        no_year = rng.random(len(idx)) < p.vt_child_no_birth_year
        shift = rng.choice([-1, 0, 0, 0, 1], size=len(idx))
        for i, gone, step in zip(idx, no_year, shift, strict=True):
            first[i] = roepnaam[i]
            prefix[i] = surname[i] = None
            bsn[i] = None
            bsn_error[i] = "missing"
            true_year = int(str(self.p_birth[pi[i]])[:4])
            year = min(true_year + int(step), REFERENCE_DATE.year)
            birth[i] = None if gone else f"{year:04d}"
            date_error[i] = "missing" if gone else "estimated_age"
            flags_name[i].append("surname_missing")
            record[i].append("first_name_age_only")

        untouched = person_row.copy()
        untouched[idx] = False

        # 2. no surname
        idx = np.flatnonzero(untouched & has(surname) & (rng.random(r) < p.surname_missing))
        prefix[idx] = None
        surname[idx] = None
        for i in idx:
            flags_name[i].append("surname_missing")

        # 3. one name missing plus a one-digit date typo
        full_date = np.array([isinstance(v, str) and len(v) == 10 for v in birth], dtype=bool)
        idx = np.flatnonzero(untouched & full_date & has(first) & has(surname)
                             & (rng.random(r) < p.name_missing_date_error))
        drop_first = rng.random(len(idx)) < 0.5
        for i, which in zip(idx, drop_first, strict=True):
            typo = err.date_typo(birth[i], rng, REFERENCE_DATE)
            if typo is None:
                continue
            birth[i] = typo
            date_error[i] = "typo"
            if which:
                first[i] = None
                flags_name[i].append("first_name_missing")
            else:
                prefix[i] = surname[i] = None
                flags_name[i].append("surname_missing")
            record[i].append("name_missing_date_error")

        # 4. first and last name swapped ("Yilmaz Emre" for Emre Yilmaz)
        initials = np.array([isinstance(v, str) and "." in v for v in first], dtype=bool)
        idx = np.flatnonzero(untouched & has(first) & ~initials & has(surname)
                             & (rng.random(r) < p.names_swapped))
        for i in idx:
            first[i], surname[i], prefix[i] = surname[i], first[i], None
            flags_name[i].append("names_swapped")

        # 5. a given name replaced by another one, or scrambled
        u = rng.random(r)
        replace = np.flatnonzero(untouched & has(first) & (u < p.first_name_replaced))
        for i in replace:
            pool = self.pools[BACKGROUNDS[self.p_bg[pi[i]]]]
            names = pool.first_m if sex[i] == "M" else pool.first_v
            head, _, tail = first[i].partition(" ")
            options = [n for n in names[:30] if n != head]
            new = options[int(rng.integers(0, len(options)))]
            first[i] = new + (" " + tail if tail else "")
            flags_name[i].append("first_name_replaced")
        scramble = np.flatnonzero(untouched & has(first) & (u >= p.first_name_replaced)
                                  & (u < p.first_name_replaced + p.first_name_scrambled))
        for i in scramble:
            new = _scramble(first[i], rng)
            if new != first[i]:
                first[i] = new
                flags_name[i].append("first_name_scrambled")

        # 6. wrong sex
        idx = np.flatnonzero(person_row & np.isin(sex, ["M", "V"]) & (rng.random(r) < p.sex_wrong))
        sex[idx] = np.where(sex[idx] == "M", "V", "M")
        for i in idx:
            record[i].append("sex_wrong")

        # 7. given names in capitals: one partner's export does it to whole names, others now
        #    and then to the given names ("UWE", "ANNA")
        rate = np.where(partner == LDH, p.caps_ldh_export, p.caps_given_names)
        idx = np.flatnonzero(has(first) & (rng.random(r) < rate))
        whole = partner[idx] == LDH
        for i, all_fields in zip(idx, whole, strict=True):
            first[i] = first[i].upper()
            flags_name[i].append("caps_given_names")
            if all_fields and isinstance(surname[i], str):
                surname[i] = surname[i].upper()
                prefix[i] = prefix[i].upper() if isinstance(prefix[i], str) else prefix[i]
                flags_name[i].append("caps_surname")
        return record


def _scramble(given: str, rng: np.random.Generator) -> str:
    """'Anna Maria' -> 'Maria Anna'; a single name gets two inner letters far apart exchanged."""
    parts = given.split()
    if len(parts) > 1:
        return " ".join(parts[1:] + parts[:1])
    if len(given) < 4:
        return given
    i, j = sorted(rng.choice(np.arange(1, len(given)), size=2, replace=False).tolist())
    chars = list(given)
    chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)
