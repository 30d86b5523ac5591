"""The small mistakes real registrations contain, as pure functions on one value.

Each function takes a clean value and a numpy random generator and returns the value as a partner
system might hold it. The population generator decides who gets which error and how often (see
:mod:`hub.demo.profiles`).
"""

import unicodedata
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

_KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "wa", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "xa",
}
_NON_DECOMPOSING = str.maketrans(
    {"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "æ": "ae"}
)
_CP1252_SAFE = set(
    bytes(range(0x20, 0x7F)).decode("cp1252") + bytes(range(0xA0, 0x100)).decode("cp1252")
)


@lru_cache(maxsize=65536)
def fold_diacritics(text: str) -> str:
    """François -> Francois, Yılmaz -> Yilmaz, Łukasz -> Lukasz."""
    text = text.translate(_NON_DECOMPOSING)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def fold_to_cp1252(text: str) -> str:
    """What a cp1252 system keeps: é and ë survive, ş, ğ, ı and ł are folded to ASCII."""
    if all(c in _CP1252_SAFE for c in text):
        return text
    return "".join(c if c in _CP1252_SAFE else fold_diacritics(c) for c in text)


def ij_to_y(text: str) -> str:
    """Dijkstra -> Dykstra, IJzerman -> Yzerman: the Dutch ij written as y."""
    return text.replace("IJ", "Y").replace("Ij", "Y").replace("ij", "y")


def typo(text: str, rng: np.random.Generator) -> str:
    """One keyboard slip: a swapped, dropped, doubled or neighbouring letter."""
    if len(text) < 3:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0 and text[i] != text[i + 1]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    neighbours = _KEYBOARD_NEIGHBOURS.get(text[i].lower())
    if not neighbours:
        return text[:i] + text[i + 1 :]
    return text[:i] + neighbours[int(rng.integers(0, len(neighbours)))] + text[i + 1 :]


def initials(first_names: str) -> str:
    """'Johannes Cornelis' -> 'J.C.'."""
    return "".join(part[0].upper() + "." for part in first_names.split() if part)


def glue_prefix(prefix: str, surname: str) -> str:
    """'van der' + 'Berg' -> 'Vanderberg' (the prefix typed into the surname field)."""
    return (prefix.replace(" ", "").replace("'", "") + surname.lower()).capitalize()


def abbreviate_prefix(prefix: str) -> str:
    """'van der' -> 'v.d.', 'van' -> 'v.', 'in 't' -> 'i.t.'."""
    return "".join(part.strip("'")[0] + "." for part in prefix.split())


def swap_day_month(iso: str) -> str | None:
    """2014-03-07 -> 2014-07-03; None when the swap is not a different valid date."""
    y, m, d = iso.split("-")
    if d == m or int(d) > 12:
        return None
    return f"{y}-{d}-{m}"


def date_typo(iso: str, rng: np.random.Generator, latest: date) -> str | None:
    """One digit of a full date mistyped, still a valid date not after ``latest``."""
    for _ in range(8):
        chars = list(iso)
        pos = int(rng.choice([2, 3, 6, 8, 9]))
        chars[pos] = str((int(chars[pos]) + int(rng.integers(1, 10))) % 10)
        candidate = "".join(chars)
        try:
            parsed = date.fromisoformat(candidate)
        except ValueError:
            continue
        if candidate != iso and parsed <= latest and parsed.year >= 1930:
            return candidate
    return None


def shift_date(iso: str, days: int) -> str:
    """An ISO date moved by a number of days."""
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


_POSTCODE_LETTERS = "ABCDEGHJKLMNPRTVWXZ"


def postcode_typo(postcode: str, rng: np.random.Generator) -> str:
    """1501AB -> 1501BA or 1501AX: still a postcode in the same area, pointing elsewhere.

    The digits stay as they are so that a typo does not move a record out of the region's scope.
    """
    if rng.random() < 0.4 and postcode[4] != postcode[5]:
        return postcode[:4] + postcode[5] + postcode[4]
    letter = _POSTCODE_LETTERS[int(rng.integers(0, len(_POSTCODE_LETTERS)))]
    if letter == postcode[5]:
        letter = "Z" if letter != "Z" else "X"
    return postcode[:5] + letter
