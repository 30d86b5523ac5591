"""Name keys for search, built on matching's standardisation so search and linking agree.

The one place where the search depends on :mod:`matching.names`: folding (case, diacritics,
Turkish letters, ij/y), tussenvoegsel separation and first-name transliteration variants.
"""

from foundation.dutch_names import PREFIX_WORDS
from matching.names import FIRST_NAME_VARIANTS, fold
from matching.names import surname_cores as folded_surname_parts


def surname_cores(prefix: str | None, surname: str | None) -> list[str]:
    """Surname cores without tussenvoegsel: 'van der Berg' -> ['berg'], 'Jansen-de Vries' -> 2."""
    _, cores = folded_surname_parts(prefix or "", surname or "")
    return cores


def first_name_key(first_names: str | None) -> str:
    """The first given name, folded and mapped to its transliteration group ('mohammed' -> ...)."""
    tokens = fold(first_names or "").replace("-", " ").split()
    if not tokens:
        return ""
    return variant(tokens[0])


def variant(token: str) -> str:
    """A folded first-name token mapped to its transliteration group."""
    return FIRST_NAME_VARIANTS.get(token, token)


def prefix_key(prefix: str | None) -> str:
    """A tussenvoegsel as typed or stored, folded: 'Van der' and 'van  der' agree."""
    return " ".join(fold(prefix or "").split())


def query_prefix(text: str) -> str:
    """The tussenvoegsel words in a typed name, folded: 'Jan van der Berg' -> 'van der'."""
    words = fold(text.replace(",", " ")).replace("-", " ").split()
    return " ".join(w for w in words if w in PREFIX_WORDS)


def query_tokens(text: str) -> list[str]:
    """Folded words of a typed name without tussenvoegsels: 'Jan v.d. Berg' -> ['jan', 'berg']."""
    words = fold(text.replace(",", " ")).replace("-", " ").split()
    kept = [w for w in words if w not in PREFIX_WORDS]
    return kept or words
