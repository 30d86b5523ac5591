"""Messages shown to people: the marker ``N_("...")`` and the compiled catalogue.

``N_`` marks an English msgid for extraction (``make i18n``) without translating it where it is
written; the page or report that shows it translates it with the Dutch catalogue. One marker for
every layer, so every layer can mark. :func:`compiled_catalogue` turns a .po file into gettext
translations in memory (Babel's reader and writer), so there is no .mo file to forget to rebuild
and none that can go stale in git; the web pages and the access report both use it.
"""

import gettext
from io import BytesIO
from pathlib import Path


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Return ``message`` unchanged: extraction finds it, rendering translates it."""
    return message


def compiled_catalogue(po: Path, locale: str) -> gettext.GNUTranslations:
    """The translations of the .po file ``po``; fuzzy entries are left out, as msgfmt does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
