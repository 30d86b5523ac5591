"""Standardisation of Dutch (and immigrant) person names for matching.

Partners type the same name in many ways: case and diacritics ("Çelik", "celik"), Turkish dotless
letters, "ij" versus "y" ("Bijl"/"Byl"), tussenvoegsels in every position ("van der Berg", "Berg van
der", "Vanderberg", "v.d. Berg"), double surnames and partner-name use ("Jansen-de Vries"), initials
instead of given names ("J.P.") and transliteration variants ("Mohammed"/"Mohamed"). Every function
here works on one distinct value; :mod:`matching.standardise` applies them once per distinct value.
"""

import re
import unicodedata

from foundation.dutch_names import PREFIX_WORDS

_SPECIAL = str.maketrans(
    {
        "ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g", "ç": "c", "Ç": "c",
        "ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "ł": "l",
        "Ł": "l", "đ": "d", "Đ": "d", "'": "", "’": "", "`": "", "´": "",
    }
)
_NON_LETTER = re.compile(r"[^a-z\- ]+")
_SPACES = re.compile(r"\s+")
_VOWEL = re.compile("[aeiouy]")
"""A given name has a vowel; a glued group of initials ('JP', 'HJM') has none."""


_ABBREVIATIONS = {"v": "van", "vd": "van de", "vdr": "van der", "d": "de", "t": "het"}

GLUED_PREFIXES = ("vanderr", "vander", "vanden", "vande", "vanhet", "vant", "van", "ter", "ten",
                  "den", "der", "de", "het", "te", "op", "in")
"""Prefixes that partners sometimes glue to the surname ("Vanderberg", "Devries")."""

FIRST_NAME_VARIANTS: dict[str, str] = {
    # Arabic, Turkish and Berber transliterations common in the Zaanstreek
    "mohammed": "mohamed", "muhammad": "mohamed", "muhammed": "mohamed", "mohamad": "mohamed",
    "mohammad": "mohamed", "mohamet": "mohamed", "mehmet": "mehmed", "mouhamed": "mohamed",
    "ahmet": "ahmed", "achmed": "ahmed", "ahmad": "ahmed", "youssef": "yusuf", "yousef": "yusuf",
    "yousuf": "yusuf", "joesoef": "yusuf", "youssouf": "yusuf", "mustapha": "mustafa",
    "moustafa": "mustafa", "mostafa": "mustafa", "hussein": "husein", "hoessein": "husein",
    "hussain": "husein", "husain": "husein", "hassan": "hasan", "ibrahiem": "ibrahim",
    "ebrahim": "ibrahim", "fatimah": "fatima", "fatma": "fatima", "khadija": "hadija",
    "khadidja": "hadija", "aicha": "aisha", "aischa": "aisha",
    "ayse": "aisha", "aysha": "aisha", "soufiane": "sufyan", "sofiane": "sufyan",
    "soufian": "sufyan", "abdelkader": "abdulkadir", "abdelkadir": "abdulkadir",
    "abdulkader": "abdulkadir", "abdellah": "abdullah", "abdallah": "abdullah",
    "abdulla": "abdullah", "omar": "umar", "oemar": "umar", "osman": "usman", "othman": "usman",
    "yasmina": "yasmin", "jasmina": "yasmin", "jasmin": "yasmin", "nour": "nur", "noor": "nur",
    "karim": "kareem", "rachid": "rashid", "rashied": "rashid", "said": "saeed", "saied": "saeed",
    "youssra": "yusra", "yousra": "yusra", "bilal": "bilal", "ilias": "ilyas", "elias": "ilyas",
    "iliass": "ilyas", "ilyass": "ilyas", "chadija": "hadija", "hatice": "hadija",
    "hadice": "hadija", "meryem": "maryam", "meriem": "maryam", "mariam": "maryam",
    "miriam": "maryam", "khaled": "khalid", "chalid": "khalid", "hisham": "hicham",
    "hichem": "hicham", "noureddine": "nourdin", "nordin": "nourdin", "nourdine": "nourdin",
    "noureddin": "nourdin", "zakariya": "zakaria", "zakarya": "zakaria", "zakariyya": "zakaria",
    "naeema": "naima", "soumia": "soumaya", "sumaya": "soumaya", "sumeyye": "soumaya",
    "ismael": "ismail", "huseyin": "husein", "husseyin": "husein", "omer": "umar",
    "bushra": "busra", "zoey": "zoe", "renee": "rene", "frederik": "frederic",
    "frans": "francois", "margaretha": "malgorzata", "margriet": "malgorzata",
    "bartek": "bartlomiej", "sophia": "sofia", "fatiha": "fatima", "mhamed": "mohamed",
    "rachied": "rashid",
    # Dutch spelling variants and short forms
    "johannes": "johannes", "jan": "jan", "johan": "johan", "christiaan": "kristiaan",
    "cornelis": "kornelis", "catharina": "katharina", "katarina": "katharina",
    "carolien": "karolien", "nicolaas": "nikolaas", "claartje": "klaartje",
}
"""Spelling variants that stand for one name. Applied after folding; extend per pilot region."""


def _folded_variants() -> dict[str, str]:
    return {fold(k): fold(v) for k, v in FIRST_NAME_VARIANTS.items()}


def fold(text: str) -> str:
    """Lower-case, strip diacritics (incl. Turkish letters), map 'ij' to 'y', keep letters."""
    text = text.translate(_SPECIAL)
    if not text.isascii():  # ASCII has no diacritics: NFKD and the filter would change nothing
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = text.replace("ij", "y").replace(".", ". ")
    text = _NON_LETTER.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def skeleton(name: str) -> str:
    """A coarse sound key: doubled letters collapsed and common Dutch spellings merged.

    'Mohammed'/'Mohamed', 'Kees'/'Kes', 'Philip'/'Filip', 'Christiaan'/'Kristiaan' share one key.
    """
    key = name.replace("ph", "f").replace("th", "t").replace("ck", "k")
    key = re.sub(r"c(?=[aou])", "k", key).replace("ou", "oe").replace("z", "s").replace("w", "v")
    key = re.sub(r"(.)\1+", r"\1", key)
    return key


def first_name_tokens(first_names: str) -> tuple[list[str], bool]:
    """Split given names into folded tokens; the flag tells whether they are only initials.

    Initials are single letters, letters with dots or space-separated single letters, and a
    glued upper-case group without a vowel: 'J.P.' -> (['j', 'p'], True); 'J P' and 'JP' ->
    (['j', 'p'], True); 'Jan Piet' -> (['jan', 'piet'], False). An upper-case word with a vowel
    is a name, not initials: 'UWE', 'ANNA', 'JAN', 'BAS' (many registers and public data sets
    write names in capitals) -> (['uwe'], False).
    """
    raw = first_names.strip()
    folded = fold(raw).replace("-", " ")
    tokens = [t for t in folded.split(" ") if t]
    if tokens and all(len(t) == 1 for t in tokens):
        return tokens, True
    compact = raw.replace(" ", "")
    if (2 <= len(compact) <= 4 and compact.isalpha() and compact.isupper()
            and not _VOWEL.search(fold(compact))):
        return [ch for ch in fold(compact)], True
    return tokens, False


def first_name_key(first_names: str) -> tuple[str, str, str, str]:
    """Return (first given name, its variant key, its initial, all given names) for matching.

    The variant key maps transliteration and spelling variants onto one form and collapses
    doubled letters, so 'Mohammed' and 'Mohamed' agree at the 'variant' level.
    """
    tokens, initials_only = first_name_tokens(first_names)
    if not tokens:
        return "", "", "", ""
    if initials_only:
        return "", "", tokens[0][0], " ".join(tokens)
    first = tokens[0]
    variant = skeleton(_VARIANTS.get(first, first))
    return first, variant, first[0], " ".join(tokens)


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        out.extend(_ABBREVIATIONS.get(token, token).split(" "))
    return out


def surname_cores(prefix: str, surname: str) -> tuple[str, list[str]]:
    """Separate tussenvoegsels from surname cores, wherever the partner put them.

    Returns (tussenvoegsel, cores): 'Berg van der' and 'van der Berg' both give
    ('van der', ['berg']); 'Jansen-de Vries' gives ('', ['jansen', 'vries']); 'v.d. Berg' gives
    ('van de', ['berg']). Double surnames keep their parts in order.
    """
    text = fold(f"{prefix} {surname}")
    parts = [p.strip() for p in text.split("-") if p.strip()]
    prefixes: list[str] = []
    cores: list[str] = []
    for part in parts:
        tokens = _expand(part.split(" "))
        lead: list[str] = []
        while len(tokens) > 1 and tokens[0] in PREFIX_WORDS:
            lead.append(tokens.pop(0))
        trail: list[str] = []
        while len(tokens) > 1 and tokens[-1] in PREFIX_WORDS:
            trail.insert(0, tokens.pop())
        prefixes.extend(lead or trail)
        core = "".join(tokens)
        if core:
            cores.append(core)
    return " ".join(prefixes), cores


def unglue(core: str, known_cores: set[str] | frozenset[str]) -> str:
    """Strip a glued tussenvoegsel ('vanderberg' -> 'berg') when the rest is a known surname.

    Only data-backed: 'dekker' stays 'dekker' unless 'kker' occurs as a surname elsewhere.
    """
    for prefix in GLUED_PREFIXES:
        if core.startswith(prefix) and len(core) - len(prefix) >= 3:
            rest = core[len(prefix):]
            if rest in known_cores:
                return rest
    return core


_VARIANTS = _folded_variants()
