"""The twin guard on evidence: one person under two given names links, twins stay apart.

A record whose given name was replaced (a roepnaam against the official name, a clerk's mistake,
FEBRL's corruption) agrees with the person's other records on identifier, surname, birth date and
address: twins agree on all of those except the identifier. So an equal identifier lifts the
guard, unless the data shows a second person (other sex, one dossier listing both, or a record
with the other given name that lacks this identifier: the co-twin, one of whose records carries
the other twin's BSN).
"""

import itertools

import numpy as np
import pytest

from matching import link
from matching.compare import compare
from matching.scoring import given_name_replaced
from matching.standardise import prepare

HOME = {"postcode": "1501AB", "house_number": 12, "surname": "Bakker", "birth_date": "2015-06-01"}


def _person_of(result, record: str) -> str:
    a = result.assignments
    return a.loc[a["source_record_id"] == record, "person_id"].item()


def _rows(make_persons, *rows: dict):
    return make_persons(*[{**HOME, **row} for row in rows])


@pytest.mark.parametrize("bsn", ["111222333", "1234567"], ids=["valid-bsn", "invalid-identifier"])
def test_replaced_given_name_with_agreeing_identifier_links(make_persons, bsn: str) -> None:
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="a1", first_names="Daan", bsn=bsn, sex="M"),
        dict(source="jgb", source_record_id="a2", first_names="Daan", bsn=bsn, sex="M"),
        dict(source="rvdk", source_record_id="a3", first_names="Joshua", bsn=bsn, sex="M"),
    )
    result = link(persons)
    assert _person_of(result, "a1") == _person_of(result, "a3")
    assert result.assignments["person_id"].nunique() == 1
    assert result.stats["twin_guard_pairs"] == 0


def test_a_single_pair_with_a_replaced_given_name_links(make_persons) -> None:
    """FEBRL 4 shape: one original, one duplicate, no other record to compare with."""
    persons = _rows(
        make_persons,
        dict(source="a", source_record_id="1", first_names="Emily", bsn="1234567"),
        dict(source="b", source_record_id="1", first_names="Joshua", bsn="1234567"),
    )
    assert link(persons).assignments["person_id"].nunique() == 1


@pytest.mark.parametrize(
    ("bsn_daan", "bsn_sem"),
    [("111222333", "123456782"), (None, None), ("111222333", None)],
    ids=["different-bsns", "missing-bsns", "one-missing"],
)
def test_twins_without_a_shared_identifier_stay_apart(make_persons, bsn_daan, bsn_sem) -> None:
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="d1", first_names="Daan", bsn=bsn_daan, sex="M"),
        dict(source="jgb", source_record_id="s1", first_names="Sem", bsn=bsn_sem, sex="M"),
        dict(source="rvdk", source_record_id="d2", first_names="Daan", bsn=bsn_daan, sex="M"),
        dict(source="rvdk", source_record_id="s2", first_names="Sem", bsn=bsn_sem, sex="M"),
    )
    result = link(persons)
    assert _person_of(result, "d1") == _person_of(result, "d2")
    assert _person_of(result, "s1") == _person_of(result, "s2")
    assert _person_of(result, "d1") != _person_of(result, "s1")


@pytest.mark.parametrize("own_bsn", ["123456782", None], ids=["own-bsn", "no-bsn"])
def test_twin_carrying_the_co_twins_bsn_stays_with_their_own_records(make_persons,
                                                                      own_bsn) -> None:
    """Sem's jgb record carries Daan's BSN; Sem's vt record (own BSN or none) shows a second
    person with that given name, so the shared BSN is no evidence that Sem is Daan."""
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="d1", first_names="Daan", bsn="111222333", sex="M"),
        dict(source="rvdk", source_record_id="d2", first_names="Daan", bsn="111222333", sex="M"),
        dict(source="vt", source_record_id="s1", first_names="Sem", bsn=own_bsn, sex="M"),
        dict(source="jgb", source_record_id="s2", first_names="Sem", bsn="111222333", sex="M"),
    )
    result = link(persons)
    assert _person_of(result, "s2") != _person_of(result, "d1")
    assert _person_of(result, "s2") != _person_of(result, "d2")
    assert _person_of(result, "d1") == _person_of(result, "d2")


@pytest.mark.parametrize(
    "overrides",
    [dict(sex="V"), dict(source="vt", source_household_ref="F1")],
    ids=["boy-and-girl", "one-dossier"],
)
def test_shared_bsn_does_not_merge_twins_the_data_shows_as_two(make_persons,
                                                               overrides: dict) -> None:
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="d1", first_names="Daan", bsn="111222333", sex="M",
             source_household_ref="F1"),
        {**dict(source="jgb", source_record_id="s1", first_names="Sanne", bsn="111222333",
                sex="M"), **overrides},
    )
    result = link(persons)
    assert _person_of(result, "d1") != _person_of(result, "s1")


def test_given_name_replaced_needs_an_equal_identifier_and_birth_date(make_persons) -> None:
    persons = _rows(
        make_persons,
        dict(source="a", source_record_id="1", first_names="Emily", bsn="111222333"),
        dict(source="b", source_record_id="1", first_names="Joshua", bsn="111222333"),
        dict(source="c", source_record_id="1", first_names="Joshua", bsn="111222333",
             birth_date="2012-09-09"),
        dict(source="d", source_record_id="1", first_names="Joshua", bsn="123456782"),
    )
    p = prepare(persons)
    left, right = (np.array(x) for x in zip(*itertools.combinations(range(4), 2), strict=True))
    replaced = dict(zip(zip(left.tolist(), right.tolist(), strict=True),
                        given_name_replaced(p, left, right, compare(p, left, right)).tolist(),
                        strict=True))
    assert not replaced[(0, 1)]  # record d shows a second Joshua with another BSN
    assert not replaced[(0, 2)]  # another birth date: a sibling's BSN
    first_three = np.array([0, 0, 1]), np.array([1, 2, 2])
    assert given_name_replaced(p, *first_three, compare(p, *first_three)).tolist() == [
        True, False, False]


SYLLABLES = ("ba", "ko", "mi", "ru", "te", "lo", "sa", "ne", "di", "fu")


def _word(i: int, length: int = 4) -> str:
    return "".join(SYLLABLES[(i // 10**k) % 10] for k in range(length)).capitalize()


def _valid_bsn(i: int) -> str:
    """A BSN that passes the elfproef, one per i (check digit 10 skipped by moving on)."""
    while True:
        digits = [int(c) for c in f"{10_000_000 + i * 7:08d}"[-8:]]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)
        i += 1_000_003


def _individuals(n: int, replaced_every: int = 5) -> list[dict]:
    """n unrelated people, each registered twice; every few duplicates carry another given
    name, another birth date, or both a given name and a typo in the date (FEBRL-like)."""
    rows = []
    for i in range(n):
        person = dict(first_names=_word(i + 5000, 3), surname=_word(i), bsn=_valid_bsn(i),
                      birth_date=f"{1950 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                      postcode=f"{1000 + i % 8000}AB", house_number=1 + i // 8000)
        duplicate = dict(person)
        if i % replaced_every == 0:
            duplicate["first_names"] = _word(i + 5005, 3)
        elif i % replaced_every == 1:
            duplicate["birth_date"] = f"{1920 + i % 30}-06-15"
        elif i % replaced_every == 2:  # another given name and a typo in the day of birth
            duplicate["first_names"] = _word(i + 5005, 3)
            duplicate["birth_date"] = person["birth_date"][:-1] + str(
                (int(person["birth_date"][-1]) + 1) % 10)
        rows += [{**person, "source": "a", "source_record_id": f"p{i}"},
                 {**duplicate, "source": "b", "source_record_id": f"p{i}"}]
    return rows


def _families(n: int, bsn: bool = True) -> list[dict]:
    """n families at their own address: a parent and two children, each with their own BSN
    (one initial, so blocking on address and initial compares them)."""
    rows = []
    for i in range(n):
        home = dict(surname=_word(i + 3000), postcode=f"{2000 + i}CD", house_number=3)
        for k, (name, born) in enumerate([("Sanne", "1980-01-01"), ("Stijn", "2010-05-05"),
                                          ("Sofie", "2013-07-07")]):
            rows.append(dict(source="c", source_record_id=f"f{i}-{k}", first_names=name,
                             birth_date=born, bsn=_valid_bsn(50_000 + 3 * i + k) if bsn else None,
                             **home))
    return rows


def _guards_apply(persons, config=None) -> bool:
    from matching.blocking import block
    from matching.config import LinkConfig
    from matching.scoring import holds_families

    config = config or LinkConfig()
    p = prepare(persons)
    left, right, _, _ = block(p, config.blocking_rules, config.max_block_size,
                              config.block_window)
    return holds_families(p, left, right, compare(p, left, right), config)


def test_the_family_guards_follow_the_data(make_persons) -> None:
    from matching.config import LinkConfig

    individuals = make_persons(*_individuals(1200))
    assert not _guards_apply(individuals)
    assert _guards_apply(individuals, LinkConfig(family_guards=True))
    with_families = make_persons(*_individuals(1200), *_families(300))
    assert _guards_apply(with_families)
    assert not _guards_apply(with_families, LinkConfig(family_guards=False))
    assert _guards_apply(make_persons(*_individuals(30)))  # too few pairs to tell
    # families whose members carry no BSN still show by their birth dates
    assert _guards_apply(make_persons(*_individuals(1200), *_families(300, bsn=False)))


@pytest.mark.parametrize(
    ("individuals", "families", "decided"),
    [(150, 0, False),  # 150 unrelated duplicates (300 records) suffice to rule families out
     (30, 0, None),  # 30 pairs bound the share of relatives only below 8 %: cannot tell
     (150, 20, True),  # 20 families of three among them (360 records): relatives
     (150, 3, True)],  # even three families show in a file this small
    ids=["small-unrelated", "too-few", "small-families", "three-families"],
)
def test_a_small_file_decides_on_families_by_its_evidence(make_persons, individuals, families,
                                                          decided) -> None:
    """The decision rests on how sure the shares are, not on the file's size: a FEBRL-like
    file of a few hundred unrelated duplicates is no family data, a Dutch extract of that size
    with a few families is."""
    from matching.blocking import block
    from matching.config import LinkConfig
    from matching.guards import families_in_data

    config = LinkConfig()
    p = prepare(make_persons(*_individuals(individuals), *_families(families)))
    left, right, _, _ = block(p, config.blocking_rules, config.max_block_size,
                              config.block_window)
    assert families_in_data(p, left, right, compare(p, left, right), config) is decided


def _corrupted_twice(n: int, start: int) -> list[dict]:
    """n unrelated people whose duplicate has another given name and a birth date decades off
    (first half) or another given name and another identifier (second half): each looks like
    a relative on one measure, none on all three at once."""
    rows = []
    for i in range(start, start + n):
        person = dict(first_names=_word(i + 5000, 3), surname=_word(i), bsn=_valid_bsn(i),
                      birth_date="1980-03-03", postcode=f"{1000 + i % 8000}AB", house_number=2)
        other = dict(person, first_names=_word(i + 5005, 3))
        if i < start + n // 2:
            other["birth_date"] = "1931-03-03"
        else:
            other["bsn"] = _valid_bsn(i + 90_000)
        rows += [{**person, "source": "a", "source_record_id": f"q{i}"},
                 {**other, "source": "b", "source_record_id": f"q{i}"}]
    return rows


def test_no_pair_differing_in_name_identifier_and_date_at_once_rules_families_out(
        make_persons) -> None:
    """Each of the two single measures sees about 2.5 % "relatives" (duplicates corrupted twice),
    too close to 3 % to tell in 158 pairs; none differs in all three, which a parent and child
    do: no families."""
    from matching.blocking import block
    from matching.config import LinkConfig
    from matching.guards import families_in_data

    config = LinkConfig()
    p = prepare(make_persons(*_individuals(150), *_corrupted_twice(8, 2000)))
    left, right, _, _ = block(p, config.blocking_rules, config.max_block_size,
                              config.block_window)
    assert families_in_data(p, left, right, compare(p, left, right), config) is False
    with_families = prepare(make_persons(*_individuals(150), *_corrupted_twice(8, 2000),
                                         *_families(3)))
    left, right, _, _ = block(with_families, config.blocking_rules, config.max_block_size,
                              config.block_window)
    assert families_in_data(with_families, left, right, compare(with_families, left, right),
                            config) is True


@pytest.mark.parametrize(
    ("hits", "pairs", "lower_above", "upper_below"),
    [(0, 100, 0.0, 0.03),  # none of 100: the share is surely below 3 %
     (2, 200, 0.002, 0.03),  # 1 % of 200 (a FEBRL-like file of 1,000 records): below 3 %
     (22, 81, 0.18, 0.37),  # a Dutch file of 300 records: 27 % are two people
     (0, 30, 0.0, 0.09)],  # none of 30: it could still be 8 %
    ids=["none-of-100", "two-of-200", "dutch-300-records", "none-of-30"],
)
def test_share_bounds_say_how_much_a_count_tells(hits, pairs, lower_above, upper_below) -> None:
    from matching.guards import RELATIVES_MIN_SHARE, share_bounds

    lower, upper = share_bounds(hits, pairs)
    assert lower_above <= lower <= hits / pairs <= upper < upper_below
    assert share_bounds(0, 0) == (0.0, 1.0)
    # thirty pairs without a relative are not yet enough to rule relatives out
    assert (upper < RELATIVES_MIN_SHARE) == (pairs >= 100)


def test_without_families_a_replaced_name_or_birth_date_is_an_error(make_persons) -> None:
    """In data of unrelated individuals nobody has a twin or sibling to be confused with."""
    from matching.config import LinkConfig

    persons = make_persons(*_individuals(1200))
    result = link(persons)
    assert result.stats["model"]["family_guards"] is False
    a = result.assignments
    assert (a.groupby("source_record_id")["person_id"].nunique() == 1).all()
    assert a["person_id"].nunique() == 1200
    guarded = link(persons, config=LinkConfig(family_guards=True)).assignments
    assert guarded["person_id"].nunique() > 1200  # the twin guard kept some apart


def _name_patterns(both: float, fn_only: float, sn_only: float, agree: float):
    """Session patterns (given name, surname; 1 = 'different', 7/6 = 'exact') and matches."""
    from matching.compare import level_code

    fn_diff, sn_diff = level_code("first_name", "different") + 1, level_code(
        "surname", "different") + 1
    fn_same, sn_same = level_code("first_name", "exact") + 1, level_code("surname", "exact") + 1
    patterns = np.array([[fn_diff, sn_diff], [fn_diff, sn_same], [fn_same, sn_diff],
                         [fn_same, sn_same]])
    return patterns, np.array([both, fn_only, sn_only, agree], dtype=float)


@pytest.mark.parametrize(
    ("counts", "low", "high"),
    [((300.0, 700.0, 700.0, 8300.0), 1.0, 4.0),  # swapped or replaced names: 3x independence
     ((100.0, 900.0, 900.0, 8100.0), -0.2, 0.2),  # independent: 10 % x 10 % of 10,000
     ((0.0, 5.0, 160.0, 9835.0), -0.2, 0.2)],  # twins' data: too few pairs to move anything
    ids=["dependent", "independent", "thin"],
)
def test_names_disagreeing_together_is_estimated_from_the_matches(counts, low, high) -> None:
    from matching.scoring import _names_together

    bits = _names_together(*_name_patterns(*counts), 0, 1)
    assert low <= bits <= high


def test_twins_stay_apart_when_one_record_has_a_surname_typo(make_persons) -> None:
    """Youssef and Ahmed Boujemaa; Ahmed's record at one partner reads 'Bouejmaa'."""
    persons = _rows(
        make_persons,
        dict(source="vt", source_record_id="y1", first_names="Youssef", surname="Boujemaa",
             bsn="111222333", sex="M"),
        dict(source="jbra", source_record_id="a1", first_names="Ahmed", surname="Bouejmaa",
             sex="M"),
    )
    result = link(persons)
    assert _person_of(result, "y1") != _person_of(result, "a1")
    assert result.stats["twin_guard_pairs"] == 1


def test_two_rows_of_one_dossier_are_not_joined_through_a_chain(make_persons) -> None:
    """a1 and b1 are two children of one dossier, never compared directly (no shared blocking
    key); both fit record c. At most one of them can be c's person."""
    persons = make_persons(
        dict(source="vt", source_record_id="a1", first_names="Mila", surname="Jansen",
             birth_date="2015-06-01", source_household_ref="F1", street=None, city=None),
        dict(source="vt", source_record_id="b1", first_names="Mila", bsn="111222333",
             postcode="1501AB", house_number=12, source_household_ref="F1"),
        dict(source="jgb", source_record_id="c1", first_names="Mila", surname="Jansen",
             birth_date="2015-06-01", bsn="111222333", postcode="1501AB", house_number=12),
    )
    result = link(persons)
    assert _person_of(result, "a1") != _person_of(result, "b1")
