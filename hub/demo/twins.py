"""Given names of twins and triplets: real parents never give two of their children one name.

The generator draws given names independently, so co-twins could get the same name, a spelling
variant of it ('Mohamed' and 'Mohammed') or a name one keyboard slip away ('Daan' and 'Dana').
A corruption (a transliteration variant, one typo) could then turn one twin's record into the
other's name, which no linker can tell apart from the same child. :func:`distinct_twin_names`
redraws such names until every spelling of one twin's name is at least two edits away from every
spelling of the other's, so one corruption step never produces the co-twin's name.
"""

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz.distance import OSA

from hub.demo.names import FIRST_NAME_VARIANTS, variant_map

MAX_REDRAWS = 50


def _spellings() -> dict[str, set[str]]:
    """Every spelling of a name, lower-cased, keyed by each of its spellings."""
    out: dict[str, set[str]] = {}
    for group in FIRST_NAME_VARIANTS:
        spellings = {g.lower() for g in group}
        for name in spellings:
            out.setdefault(name, set()).update(spellings)
    for head, others in variant_map(FIRST_NAME_VARIANTS).items():
        out.setdefault(head.lower(), set()).update(o.lower() for o in others)
    return out


def too_close(a: str, b: str, spellings: dict[str, set[str]] | None = None) -> bool:
    """True when one spelling of ``a`` is at most one edit from one spelling of ``b``."""
    spellings = _spellings() if spellings is None else spellings
    forms_a = spellings.get(a.lower(), set()) | {a.lower()}
    forms_b = spellings.get(b.lower(), set()) | {b.lower()}
    return any(OSA.distance(x, y) <= 1 for x in forms_a for y in forms_b)


def distinct_twin_names(first: np.ndarray, groups: np.ndarray, redraw: Callable[[int], str],
                        ) -> np.ndarray:
    """Given names where no two members of one twin group are too close (see module docstring).

    Args:
        first: the drawn first given name per person (object array).
        groups: a twin-group label per person, None for persons outside a multiple birth.
        redraw: draws a new name for person ``i`` (same background and sex, seeded).
    """
    out = first.copy()
    spellings = _spellings()
    members: dict[object, list[int]] = {}
    for i in np.flatnonzero(groups != None):  # noqa: E711 - object array of labels
        members.setdefault(groups[i], []).append(int(i))
    for rows in members.values():
        taken: list[str] = []
        for i in rows:
            for _ in range(MAX_REDRAWS):
                if not any(too_close(out[i], t, spellings) for t in taken):
                    break
                out[i] = redraw(i)
            taken.append(out[i])
    return out


def clashes(first: Sequence[str], groups: Sequence[object]) -> int:
    """Number of twin pairs whose names are too close (0 after :func:`distinct_twin_names`)."""
    spellings = _spellings()
    by_group: dict[object, list[str]] = {}
    for name, group in zip(first, groups, strict=True):
        if group is not None:
            by_group.setdefault(group, []).append(name)
    return sum(too_close(a, b, spellings) for names in by_group.values()
               for k, a in enumerate(names) for b in names[k + 1:])
