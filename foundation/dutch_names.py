"""Dutch names: the tussenvoegsels, and splitting them off a surname or a full name.

Partners write "Berg, van der", "van der Berg" or "Jan van der Berg". Matching compares the
surname and the prefix separately, so the prefix must be split off consistently. The prefixes follow
the tussenvoegsels of the BRP (Basisregistratie Personen), longest first so "van der" beats "van",
with the Romance and Arabic particles partners in the Zaanstreek meet ("della", "di", "el").
This is the hub's one list: the connectors split names with it and matching's word set
(:data:`PREFIX_WORDS`) is derived from it.
"""

import re

PREFIXES = (
    "van de", "van der", "van den", "van het", "van 't", "van ter", "van ten", "in de", "in het",
    "in 't", "op de", "op den", "op het", "op 't", "uit de", "uit den", "uit het", "aan de",
    "aan den", "aan het", "bij de", "voor de", "onder de", "over de", "de la", "de le", "della",
    "van", "de", "der", "den", "het", "'t", "te", "ten", "ter", "la", "le", "du", "da", "dos", "el",
    "al", "d'", "op", "in", "uit", "aan", "bij", "voor", "onder", "over", "di", "del",
)
"""Tussenvoegsels as written (lower case), phrases and single words."""

ABBREVIATED_WORDS = frozenset({"vd", "v", "d", "l", "s", "z", "vanden", "vander", "vande"})
"""Abbreviated or glued forms partners type ("v.d.", "vd", "Vander"): not written as prefixes,
but words matching recognises as part of one."""

PREFIX_WORDS = frozenset(
    word.replace("'", "") for prefix in PREFIXES for word in prefix.split()
) | ABBREVIATED_WORDS
"""Every word that can make up a tussenvoegsel, apostrophes dropped ("'t" -> "t", "d'" -> "d"),
with the abbreviations: matching's fold of a name has no apostrophes."""
_PREFIX_WORDS = sorted({p for p in PREFIXES}, key=lambda p: (-len(p.split()), -len(p)))
_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text.strip())


def _leading_prefix(words: list[str]) -> int:
    """Number of leading words of ``words`` that form a tussenvoegsel (0 when none)."""
    lowered = [w.lower() for w in words]
    for prefix in _PREFIX_WORDS:
        parts = prefix.split()
        if len(parts) < len(words) and lowered[: len(parts)] == parts:
            return len(parts)
    return 0


def split_surname(text: str | None) -> tuple[str | None, str | None]:
    """Split a surname into ``(prefix, surname)``.

    >>> split_surname("Berg, van der")
    ('van der', 'Berg')
    >>> split_surname("van der Berg")
    ('van der', 'Berg')
    >>> split_surname("Jansen-de Vries")
    (None, 'Jansen-de Vries')
    """
    if text is None:
        return None, None
    text = _clean(text)
    if not text:
        return None, None
    if "," in text:
        surname, _, prefix = text.partition(",")
        return (_clean(prefix).lower() or None), (_clean(surname) or None)
    words = text.split(" ")
    n = _leading_prefix(words)
    if n:
        return " ".join(words[:n]).lower(), " ".join(words[n:])
    return None, text


def split_full_name(text: str | None) -> tuple[str | None, str | None, str | None]:
    """Split "Jan Piet van der Berg" into ``(first_names, prefix, surname)``.

    The surname starts at the first tussenvoegsel after the first word, else it is the last word.
    "Berg, van der, Jan" (surname first, comma separated) is also understood.
    """
    if text is None:
        return None, None, None
    text = _clean(text)
    if not text:
        return None, None, None
    if text.count(",") >= 2:
        surname, prefix, first = (_clean(p) for p in text.split(",", 2))
        return first or None, prefix.lower() or None, surname or None
    if "," in text:
        surname_part, _, first = text.partition(",")
        tussenvoegsel, last = split_surname(surname_part)
        return _clean(first) or None, tussenvoegsel, last
    words = text.split(" ")
    if len(words) == 1:
        return None, None, words[0]
    for start in range(1, len(words) - 1):
        n = _leading_prefix(words[start:])
        if n:
            return (" ".join(words[:start]), " ".join(words[start:start + n]).lower(),
                    " ".join(words[start + n:]))
    return " ".join(words[:-1]), None, words[-1]
