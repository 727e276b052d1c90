"""Messages rendered as a member reads them."""

from __future__ import annotations

import datetime as dt

from standin.render import humanize, relative, render_components, render_embed, render_message
from standin.state import MessageFlag, StoredAttachment, StoredMessage, User

BOT = User(id=1, username="Crossroads", bot=True)


def message(**fields: object) -> StoredMessage:
    return StoredMessage(id=10, channel_id=2, guild_id=None, author=BOT, **fields)  # type: ignore[arg-type]


def test_an_embed_shows_title_description_fields_and_footer() -> None:
    text = render_embed(
        {
            "title": "ML Engineer",
            "description": "Builds and trains models.",
            "fields": [{"name": "Salary", "value": "$150k–$250k"}, {"name": "Tools", "value": "PyTorch\nJAX"}],
            "footer": {"text": "Source: the article"},
        }
    )
    assert text.splitlines() == [
        "│ **ML Engineer**",
        "│ Builds and trains models.",
        "│ Salary: $150k–$250k",
        "│ Tools:",
        "│   PyTorch",
        "│   JAX",
        "│ — Source: the article",
    ]


def test_buttons_are_numbered_across_rows_and_marked_when_disabled() -> None:
    rows = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "Yes", "custom_id": "y"}]},
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 2, "label": "No", "custom_id": "n", "disabled": True},
                {"type": 2, "style": 5, "label": "Read more", "url": "https://example.org"},
            ],
        },
        {
            "type": 1,
            "components": [
                {"type": 3, "custom_id": "s", "placeholder": "Related", "options": [{"label": "A", "value": "a"}]}
            ],
        },
    ]
    lines, next_number = render_components(rows)
    assert lines == ["[1. Yes]", "[2. No (disabled)] [3. ↗ Read more]", "<Related: A>"]
    assert next_number == 4


def test_an_ephemeral_edited_message_says_so_and_lists_attachments() -> None:
    stored = message(content="Here you go", flags=MessageFlag.EPHEMERAL, edited_at=1.0)
    stored.attachments.append(
        StoredAttachment(id=5, filename="unanswered.csv", data=b"x" * 2048, content_type="text/csv", url="")
    )
    assert render_message(stored).splitlines() == [
        "Crossroads (only you can see this, edited):",
        "Here you go",
        "📎 unanswered.csv (2.0 KB)",
    ]


def test_a_deferred_reply_is_thinking() -> None:
    assert "Crossroads is thinking…" in render_message(message(flags=MessageFlag.LOADING))


def test_components_v2_text_and_containers() -> None:
    stored = message(
        flags=MessageFlag.IS_COMPONENTS_V2,
        components=[
            {
                "type": 17,
                "components": [
                    {"type": 10, "content": "Question 1"},
                    {"type": 1, "components": [{"type": 2, "style": 1, "label": "A", "custom_id": "a"}]},
                ],
            }
        ],
    )
    assert render_message(stored, heading=False).splitlines() == ["│ Question 1", "│ [1. A]"]


def test_timestamps_and_mentions_read_like_the_client_shows_them() -> None:
    moment = int(dt.datetime(2026, 11, 25, 16, 20, tzinfo=dt.UTC).timestamp())
    names = {7: "@alice", 8: "#general", 9: "@AI Engineer"}
    assert humanize(f"<t:{moment}:D> <t:{moment}:t> <@7> <@!7> <#8> <@&9> <@99>", names) == (
        "25 November 2026 16:20 UTC @alice @alice #general @AI Engineer @unknown-user"
    )
    assert humanize(f"<t:{moment}:R>", now=moment - 7200) == "in 2 hours"
    assert relative(-90) == "1 minute ago"
    assert relative(10) == "just now"
