"""The marker for messages shown to people: ``N_("...")`` marks an English msgid for extraction
(``make i18n``) without translating it where it is written; the page or report that shows it
translates it with the Dutch catalogue. One marker for every layer, so every layer can mark."""


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Return ``message`` unchanged: extraction finds it, rendering translates it."""
    return message
