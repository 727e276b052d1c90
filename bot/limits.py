"""Discord's hard limits, in one place. Everything the bot sends is fitted to these before it leaves;
content models check against them too, so this module imports nothing from the rest of the bot."""

from __future__ import annotations

EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_FIELDS = 25
EMBED_TOTAL = 6000
EMBEDS_PER_MESSAGE = 10
BUTTONS_PER_ROW = 5
ROWS_PER_MESSAGE = 5
BUTTON_LABEL = 80
CUSTOM_ID = 100
SELECT_OPTIONS = 25
SELECT_OPTION_LABEL = 100
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into chunks of at most `limit` characters, preferring paragraph, line and
    sentence boundaries so each chunk reads on its own."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            index = window.rfind(sep)
            if index > limit // 3:
                cut = index + (1 if sep == ". " else 0)
                break
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks
