"""Language of the staff pages: gettext catalogues (Babel format), Dutch by default.

Msgids are English; ``hub/web/locale/nl/LC_MESSAGES/messages.po`` holds the Dutch. The .po files
are compiled in memory with Babel's own reader and writer the first time a language is used, so
there is no .mo file to forget to rebuild and none that can go stale in git.

The language of a request: ``?lang=en|nl`` (remembered in the ``hub_lang`` cookie by the page
that receives it), else that cookie, else Dutch. The templates' ``_``/``gettext``/``ngettext``
read the language of the request being rendered from a context variable.
"""

import gettext as _gettext
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from foundation.i18n import (
    N_,  # noqa: F401 - re-exported for the web layer
    compiled_catalogue,
)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LANG_COOKIE = "hub_lang"

_language: ContextVar[str] = ContextVar("hub_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English: the msgids themselves)."""
    if language == "en":
        return _gettext.NullTranslations()
    return compiled_catalogue(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po", language)


def choose_language(query_value: str | None, cookie_value: str | None) -> str:
    """``?lang=`` first, then the cookie, then Dutch; anything unknown counts as not given."""
    for value in (query_value, cookie_value):
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


def gettext(message: str) -> str:
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_language.get()).ngettext(singular, plural, n)
