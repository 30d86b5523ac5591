"""Domain guards: twins, siblings, one person under two given names, contested identifiers.

Fellegi-Sunter treats fields as independent and knows nothing of families. These functions
encode what the data must show before a pair is kept apart as relatives (see docs/matching.md,
"Twins, siblings and the family guards"): whether the data holds families at all
(:func:`families_in_data`), whether a pair itself shows relatives (:func:`family_evidence`),
and whether a pair with an agreeing identifier is one person under two given names
(:func:`given_name_replaced`).
"""

import numpy as np

from matching.compare import FIELD_INDEX, MISSING, digit_differences, level_code
from matching.config import LinkConfig
from matching.standardise import Prepared

SECOND_PERSON_DIGITS = 3
"""An identifier differing in this many digits or more is another person's, not a typo."""


def _has_namesake_without_identifier(p: Prepared, left: np.ndarray, right: np.ndarray,
                                     levels: np.ndarray, records: np.ndarray) -> np.ndarray:
    """Per record: another record with its given name, surname and birth date lacks its identifier.

    That other record shows a person of this name next to the identifier's holder: the co-twin
    registered with their own BSN (or none) while one of their records carries the other twin's.
    A typo of the same identifier (one or two digits) is no such evidence. Only pairs touching
    ``records`` (a boolean mask) are looked at.
    """
    fn_i, sn_i, bd_i = FIELD_INDEX["first_name"], FIELD_INDEX["surname"], FIELD_INDEX["birth_date"]
    rows = np.flatnonzero((records[left] | records[right])
                          & (levels[:, fn_i] >= level_code("first_name", "jw_0.92"))
                          & (levels[:, sn_i] >= level_code("surname", "jw_0.92"))
                          & (levels[:, bd_i] >= level_code("birth_date", "one_typo")))
    a, b = left[rows], right[rows]
    ba, bb = p.bsn[a], p.bsn[b]
    other = digit_differences(ba, bb, 3) >= SECOND_PERSON_DIGITS
    out = np.zeros(p.n, dtype=bool)
    out[a[(ba >= 0) & ((bb < 0) | other)]] = True
    out[b[(bb >= 0) & ((ba < 0) | other)]] = True
    return out


def given_name_replaced(p: Prepared, left: np.ndarray, right: np.ndarray,
                        levels: np.ndarray) -> np.ndarray:
    """Pairs that are one person registered under two given names, not twins or siblings.

    Twins share surname, birth date and address but each has their own BSN. Two records that
    also share the identifier (valid or not) are one person whose given name differs between
    registrations (a roepnaam against the official name, a name given later, a clerk's mistake),
    unless the data shows a second person: a different recorded sex, one dossier listing both
    (two rows of one dossier are two people), or another record with either given name, the
    surname and the birth date but without this identifier (the co-twin; one of the records then
    carries a sibling's BSN). Such pairs are not twin-guarded and do not make their identifier
    'contested'; the given-name disagreement still counts against them with its own weight.
    """
    fn_i, bd_i = FIELD_INDEX["first_name"], FIELD_INDEX["birth_date"]
    bsn_i, sex_i = FIELD_INDEX["bsn"], FIELD_INDEX["sex"]
    bsn_level = levels[:, bsn_i]
    rows = np.flatnonzero(
        ((bsn_level == level_code("bsn", "equal_valid"))
         | (bsn_level == level_code("bsn", "equal_invalid")))
        & (levels[:, fn_i] == level_code("first_name", "different"))
        & (levels[:, bd_i] >= level_code("birth_date", "day_month_swapped"))
        & (levels[:, sex_i] != level_code("sex", "different"))
    )
    a, b = left[rows], right[rows]
    ref = p.household_ref
    rows = rows[(p.fn[a] >= 0) & (p.fn[b] >= 0) & ~((ref[a] >= 0) & (ref[a] == ref[b]))]
    candidate = np.zeros(left.shape[0], dtype=bool)
    candidate[rows] = True
    if rows.size == 0:
        return candidate
    involved = np.zeros(p.n, dtype=bool)
    involved[left[candidate]] = True
    involved[right[candidate]] = True
    evidence = _has_namesake_without_identifier(p, left, right, levels, involved)
    unguarded: np.ndarray = candidate & ~evidence[left] & ~evidence[right]
    return unguarded


RELATIVES_MIN_SHARE = 0.03
"""Share of family pairs that must be clearly two people for the family guards to apply."""
CONFIDENCE_Z = 1.645
"""One-sided 95 % normal quantile of the Wilson bounds on that share (:func:`share_bounds`)."""


def share_bounds(hits: int, pairs: int, z: float = CONFIDENCE_Z) -> tuple[float, float]:
    """Wilson score interval (Wilson 1927) of a share of ``hits`` in ``pairs``: (lower, upper).

    Unlike the plain share it says how much a count can tell: 0 of 100 pairs bounds the share
    below 2.7 %, 0 of 30 only below 8.3 %, so a small file decides when its pairs suffice and
    stays undecided when they do not. No pairs: (0, 1).
    """
    if pairs <= 0:
        return 0.0, 1.0
    share, z2 = hits / pairs, z * z
    centre = share + z2 / (2 * pairs)
    spread = z * np.sqrt(share * (1 - share) / pairs + z2 / (4 * pairs * pairs))
    scale = 1 + z2 / pairs
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def families_in_data(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray,
                     config: LinkConfig) -> bool | None:
    """Whether the data holds relatives, so the twin and sibling guards have something to protect.

    Among candidate pairs that share surname and address, count those that are certainly two
    people, in two ways: clearly different given names and identifiers at least
    ``SECOND_PERSON_DIGITS`` digits apart (of the pairs where both carry one), and clearly
    different given names and birth dates 3+ years apart (of the pairs with both), and all three
    at once (of the pairs with identifiers and dates: a parent and child). Families
    (parents, siblings, twins) give many: 16-21 % and 9-10 % on the synthetic Dutch population,
    5-27 % already in files of 300 to 1,000 records. In data of unrelated individuals (FEBRL's
    generator draws every person independently) a record that shares surname and address but
    not the given name is a duplicate with errors, and both shares stay below 1 % (up to 2.5 %
    in files of 500 to 1,000 records): there the guards would only keep duplicates apart.

    The decision rests on the Wilson bounds of each share (:func:`share_bounds`), not on the
    size of the file: True when a measure's lower bound reaches ``RELATIVES_MIN_SHARE``, False
    when the first two measures' upper bounds stay below it (or the third's does while neither
    other share reaches it), None (too little to tell: a small file, data without identifiers
    or addresses) otherwise. A thousand-record file of unrelated
    people decides as well as a large one; thirty pairs do not. ``config.family_guards`` True
    or False overrides this.
    """
    if config.family_guards is not None:
        return config.family_guards
    fn_i, sn_i = FIELD_INDEX["first_name"], FIELD_INDEX["surname"]
    bd_i, ad_i = FIELD_INDEX["birth_date"], FIELD_INDEX["address"]
    family = np.flatnonzero((levels[:, sn_i] >= level_code("surname", "double_name_part"))
                            & (levels[:, ad_i] == level_code("address", "exact"))
                            & (levels[:, fn_i] != MISSING))
    names_differ = levels[family, fn_i] == level_code("first_name", "different")
    with_ids = (p.bsn[left[family]] >= 0) & (p.bsn[right[family]] >= 0)
    other_id = np.zeros(family.size, dtype=bool)
    pairs_with_ids = family[with_ids]
    other_id[with_ids] = digit_differences(p.bsn[left[pairs_with_ids]],
                                           p.bsn[right[pairs_with_ids]], 3) >= SECOND_PERSON_DIGITS
    with_dates = levels[family, bd_i] != MISSING
    far_dates = levels[family, bd_i] == level_code("birth_date", "different_far")
    with_both = with_ids & with_dates
    counts = [(int(two_people[measured].sum()), int(measured.sum()))
              for measured, two_people in ((with_ids, names_differ & other_id),
                                           (with_dates, names_differ & far_dates),
                                           (with_both, names_differ & other_id & far_dates))]
    bounds = [share_bounds(*count) for count in counts]
    if any(lower >= RELATIVES_MIN_SHARE for lower, _ in bounds):
        return True
    if all(upper < RELATIVES_MIN_SHARE for _, upper in bounds[:2]):
        return False
    # a parent and child differ in all three at once; a duplicate with errors almost never
    # does (FEBRL: none in thousands of pairs), so that sharpest measure may decide alone
    # while neither other share shows relatives
    if bounds[2][1] < RELATIVES_MIN_SHARE and all(
            hits < RELATIVES_MIN_SHARE * pairs for hits, pairs in counts[:2]):
        return False
    return None


def holds_families(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray,
                   config: LinkConfig) -> bool:
    """:func:`families_in_data`, with 'too little to tell' counted as families (for contested
    identifiers, which need an identifier and so the evidence of two people carrying it)."""
    return families_in_data(p, left, right, levels, config) is not False


def family_evidence(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray
                    ) -> np.ndarray:
    """Pairs that themselves show two relatives could be involved: one address, one partner
    dossier, or a different recorded sex. Used when the data cannot tell whether it holds
    families (:func:`families_in_data` None): twins share their address and often differ in
    sex, while in a names-and-dates file a replaced given name is an error, not a twin."""
    ad_i, sex_i = FIELD_INDEX["address"], FIELD_INDEX["sex"]
    ref = p.household_ref
    relatives: np.ndarray = ((levels[:, ad_i] == level_code("address", "exact"))
                             | (levels[:, sex_i] == level_code("sex", "different"))
                             | ((ref[left] >= 0) & (ref[left] == ref[right])))
    return relatives


def not_contesting(p: Prepared, left: np.ndarray, right: np.ndarray, levels: np.ndarray,
                   config: LinkConfig) -> np.ndarray:
    """Pairs whose disagreement is no sign that two people carry one identifier.

    :func:`matching.compare.contested_bsns` takes a BSN shared by clearly different given names,
    or by different birth dates without an agreeing given name, as a relative's BSN in the wrong
    record. Not so in data without families (:func:`holds_families`), nor for one person under
    two given names (:func:`given_name_replaced`), nor for given name and surname entered the
    wrong way round (the names agree crosswise: a sibling shares the surname, not the swap).
    """
    if not holds_families(p, left, right, levels, config):
        return np.ones(left.shape[0], dtype=bool)
    swapped = levels[:, FIELD_INDEX["surname"]] == level_code("surname", "swapped_with_first_name")
    not_contested: np.ndarray = swapped | given_name_replaced(p, left, right, levels)
    return not_contested
