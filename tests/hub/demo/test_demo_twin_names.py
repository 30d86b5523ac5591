"""Co-twins never get the same given name, a spelling variant of it, or a name one slip away."""

import numpy as np

from hub.demo import generate_population
from hub.demo.population import _Generator
from hub.demo.profiles import PROFILES
from hub.demo.twins import clashes, distinct_twin_names, too_close


def test_variants_and_one_edit_count_as_too_close() -> None:
    assert too_close("Mohamed", "Mohammed")
    assert too_close("Daan", "Dana")
    assert too_close("Sem", "Sem")
    assert not too_close("Daan", "Sem")


def test_distinct_twin_names_redraws_only_the_clashing_twin() -> None:
    first = np.array(["Daan", "Daan", "Sem", "Anna"], dtype=object)
    groups = np.array(["T1", "T1", None, None], dtype=object)
    names = iter(["Dana", "Bram"])
    out = distinct_twin_names(first, groups, lambda i: next(names))
    assert out.tolist() == ["Daan", "Bram", "Sem", "Anna"]


def test_generated_twins_have_clearly_different_given_names() -> None:
    generator = _Generator(1500, 5, PROFILES["hard"])
    generator.households()
    generator.people()
    groups = generator.p_twin_group
    assert (groups != None).sum() > 10  # noqa: E711 - object array of labels
    first = [str(name).split(" ")[0] for name in generator.p_roepnaam]
    assert clashes(first, groups.tolist()) == 0


def test_corrupted_twin_records_never_carry_the_co_twins_name() -> None:
    population = generate_population(1500, 5, profile="hard")
    rows = population.truth.assign(first=population.persons["first_names"].str.split(" ").str[0])
    twins = rows[rows["twin_group"].notna() & rows["first"].notna()]
    names = twins.groupby(["twin_group", "true_person_id"])["first"].agg(set)
    for _, per_person in names.groupby(level="twin_group"):
        sets = per_person.tolist()
        for k, mine in enumerate(sets):
            for theirs in sets[k + 1:]:
                assert not (mine & theirs - {n for n in mine if len(n) <= 2})
