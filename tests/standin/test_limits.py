"""The stand-in's validators, without a network: what passes, what is refused, and the error shape."""

from __future__ import annotations

from typing import Any

from standin import limits


def paths(problems: list[limits.Problem]) -> list[str]:
    return [".".join(str(p) for p in problem.path) for problem in problems]


def test_a_message_within_every_limit_passes() -> None:
    payload = {
        "content": "x" * 2000,
        "embeds": [{"title": "t" * 256, "description": "d" * 1000, "fields": [{"name": "n", "value": "v" * 1024}]}],
        "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "ok", "custom_id": "c" * 100}]}],
    }
    assert limits.check_message(payload) == []


def test_problems_name_the_field_that_is_over() -> None:
    payload: dict[str, Any] = {
        "content": "x" * 2001,
        "embeds": [{"title": "t" * 257, "fields": [{"name": "n", "value": ""}]}],
    }
    assert paths(limits.check_message(payload)) == ["content", "embeds.0.title", "embeds.0.fields.0.value"]


def test_the_6000_total_counts_every_embed_in_the_message() -> None:
    embed = {"description": "d" * 3000}
    assert limits.check_message({"embeds": [embed, embed]}) == []
    problems = limits.check_message({"embeds": [embed, embed, {"title": "t"}]})
    assert [p.code for p in problems] == ["MAX_EMBED_SIZE_EXCEEDED"]


def test_a_select_fills_its_row_and_link_buttons_need_a_url() -> None:
    select = {"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]}
    button = {"type": 2, "style": 1, "label": "b", "custom_id": "b"}
    link = {"type": 2, "style": 5, "label": "docs"}
    problems = limits.check_message(
        {"components": [{"type": 1, "components": [select, button]}, {"type": 1, "components": [link]}]}
    )
    assert [p.code for p in problems] == ["COMPONENT_LAYOUT_WIDTH_EXCEEDED", "BASE_TYPE_REQUIRED"]


def test_edits_may_be_empty_but_new_messages_may_not() -> None:
    assert limits.check_message({}, editing=True) == []
    assert [p.code for p in limits.check_message({})] == ["EMPTY_MESSAGE"]
    assert limits.check_message({}, files=1) == []


def test_autocomplete_choices() -> None:
    assert limits.check_choices([{"name": "n", "value": "v"}] * 25) == []
    assert paths(limits.check_choices([{"name": "n", "value": "v"}] * 26)) == ["data.choices"]
    assert paths(limits.check_choices([{"name": "n" * 101, "value": "v"}])) == ["data.choices.0.name"]


def test_command_definitions() -> None:
    good = {
        "name": "ask",
        "type": 1,
        "description": "Ask",
        "options": [{"type": 3, "name": "question", "description": "q", "required": True}],
    }
    assert limits.check_commands([good]) == []
    optional_first = {
        **good,
        "options": [
            {"type": 3, "name": "a", "description": "a"},
            {"type": 3, "name": "b", "description": "b", "required": True},
        ],
    }
    assert [p.code for p in limits.check_commands([optional_first])] == ["APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"]
    assert [p.code for p in limits.check_commands([good, good])] == ["APPLICATION_COMMANDS_DUPLICATE_NAME"]


def test_form_error_nests_errors_by_path_like_discord() -> None:
    body = limits.form_error(limits.check_message({"embeds": [{"title": "t" * 257}]}))
    assert body["code"] == 50035
    assert body["message"] == "Invalid Form Body"
    assert body["errors"]["embeds"]["0"]["title"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


def test_urls_and_colours_must_be_well_formed() -> None:
    good = {
        "embeds": [
            {
                "title": "t",
                "url": "https://example.org/a",
                "color": 0x5865F2,
                "image": {"url": "attachment://chart.png"},
            }
        ]
    }
    assert limits.check_message(good) == []
    bad = {
        "embeds": [{"title": "t", "url": "/faq", "color": 0x1000000, "thumbnail": {"url": "chart.png"}}],
        "components": [{"type": 1, "components": [{"type": 2, "style": 5, "label": "Docs", "url": "example.org"}]}],
    }
    assert paths(limits.check_message(bad)) == [
        "embeds.0.url",
        "embeds.0.thumbnail.url",
        "embeds.0.color",
        "components.0.components.0.url",
    ]


def text_input(**fields: Any) -> dict[str, Any]:
    return {"type": 1, "components": [{"type": 4, "custom_id": "answer", "style": 2, "label": "Answer", **fields}]}


def test_a_modal_within_discords_limits_passes() -> None:
    data = {"custom_id": "m", "title": "t" * 45, "components": [text_input(max_length=4000, value="v" * 4000)] * 5}
    assert limits.check_modal(data) == []


def test_a_modal_over_discords_limits_is_refused() -> None:
    assert paths(limits.check_modal({"custom_id": "m", "title": "t" * 46, "components": [text_input()]})) == [
        "data.title"
    ]
    assert paths(limits.check_modal({"custom_id": "m", "title": "t", "components": [text_input()] * 6})) == [
        "data.components"
    ]
    too_much = text_input(label="l" * 46, min_length=4001, max_length=10, value="v" * 11, placeholder="p" * 101)
    assert paths(limits.check_modal({"custom_id": "m", "title": "t", "components": [too_much]})) == [
        "data.components.0.components.0.label",
        "data.components.0.components.0.placeholder",
        "data.components.0.components.0.min_length",
        "data.components.0.components.0.value",
    ]
    labelled = {"type": 18, "label": "l" * 46, "component": {"type": 4, "custom_id": "a", "style": 3}}
    assert paths(limits.check_modal({"custom_id": "m", "title": "t", "components": [labelled]})) == [
        "data.components.0.label",
        "data.components.0.component.style",
    ]
