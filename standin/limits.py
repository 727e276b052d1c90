"""What Discord refuses, checked the way Discord checks it: each validator returns a list of
problems (a JSON path and a message), and `form_error` turns them into Discord's
`50035 Invalid Form Body` error with its nested `errors` object.

The limits are written out here on purpose instead of imported from the bot's own: the
stand-in has to refuse what Discord refuses even when a bot's limits are wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_TEXT = 100
SELECT_PLACEHOLDER = 150
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
FILES = 10
COMMANDS = 100
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
MODAL_TITLE = 45
MODAL_LABEL = 45
MODAL_LABEL_DESCRIPTION = 100
TEXT_INPUT_MAX = 4000
TEXT_INPUT_PLACEHOLDER = 100
V2_COMPONENTS = 40
TEXT_DISPLAY = 4000

COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")

BUTTON = 2
ACTION_ROW = 1
SELECTS = {3, 5, 6, 7, 8}
TEXT_INPUT = 4
V2_TYPES = {9, 10, 11, 12, 13, 14, 17, 18}


@dataclass(frozen=True)
class Problem:
    path: tuple[str | int, ...]
    code: str
    message: str

    def __str__(self) -> str:
        where = ".".join(str(p) for p in self.path) or "(body)"
        return f"{where}: {self.message}"


def _max_len(path: tuple[str | int, ...], value: Any, limit: int, problems: list[Problem]) -> None:
    if isinstance(value, str) and len(value) > limit:
        problems.append(
            Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length (got {len(value)}).")
        )


def _required(path: tuple[str | int, ...], value: Any, problems: list[Problem]) -> bool:
    if value is None or value == "":
        problems.append(Problem(path, "BASE_TYPE_REQUIRED", "This field is required"))
        return False
    return True


def _check_url(path: tuple[str | int, ...], value: Any, problems: list[Problem], *, attachment: bool = False) -> None:
    if value is None:
        return
    schemes = ("http://", "https://", "attachment://") if attachment else ("http://", "https://", "discord://")
    if not isinstance(value, str) or not value.startswith(schemes) or " " in value:
        problems.append(Problem(path, "URL_TYPE_INVALID_URL", f"Not a well formed URL: {value!r}."))


def embed_length(embed: dict[str, Any]) -> int:
    """Characters that count toward the 6000 total: title, description, field names and values,
    footer text and author name."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for item in embed.get("fields") or []:
        total += len(item.get("name") or "") + len(item.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def check_embeds(embeds: Any, problems: list[Problem]) -> None:
    if not isinstance(embeds, list):
        problems.append(Problem(("embeds",), "LIST_TYPE_CONVERT", "Must be an array."))
        return
    if len(embeds) > EMBEDS:
        problems.append(Problem(("embeds",), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBEDS} or fewer in length."))
    total = 0
    for i, embed in enumerate(embeds):
        base: tuple[str | int, ...] = ("embeds", i)
        _max_len((*base, "title"), embed.get("title"), EMBED_TITLE, problems)
        _max_len((*base, "description"), embed.get("description"), EMBED_DESCRIPTION, problems)
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS:
            problems.append(
                Problem((*base, "fields"), "BASE_TYPE_MAX_LENGTH", f"Must be {EMBED_FIELDS} or fewer in length.")
            )
        for j, item in enumerate(fields):
            if _required((*base, "fields", j, "name"), item.get("name"), problems):
                _max_len((*base, "fields", j, "name"), item.get("name"), EMBED_FIELD_NAME, problems)
            if _required((*base, "fields", j, "value"), item.get("value"), problems):
                _max_len((*base, "fields", j, "value"), item.get("value"), EMBED_FIELD_VALUE, problems)
        footer = embed.get("footer")
        if footer:
            _max_len((*base, "footer", "text"), footer.get("text"), EMBED_FOOTER, problems)
        author = embed.get("author")
        if author:
            _max_len((*base, "author", "name"), author.get("name"), EMBED_AUTHOR, problems)
        _check_url((*base, "url"), embed.get("url"), problems)
        for key in ("image", "thumbnail"):
            media = embed.get(key)
            if isinstance(media, dict):
                _check_url((*base, key, "url"), media.get("url"), problems, attachment=True)
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or not 0 <= color <= 0xFFFFFF):
            problems.append(Problem((*base, "color"), "NUMBER_TYPE_MAX", "Color must be between 0 and 16777215."))
        total += embed_length(embed)
    if total > EMBED_TOTAL:
        problems.append(
            Problem(
                ("embeds",),
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL} (got {total}).",
            )
        )


def _check_button(path: tuple[str | int, ...], button: dict[str, Any], problems: list[Problem]) -> None:
    style = button.get("style")
    if style not in (1, 2, 3, 4, 5, 6):
        problems.append(Problem((*path, "style"), "BASE_TYPE_CHOICES", f"Value must be one of (1..6), got {style!r}."))
    label = button.get("label")
    _max_len((*path, "label"), label, BUTTON_LABEL, problems)
    if style == 5:
        if _required((*path, "url"), button.get("url"), problems):
            _check_url((*path, "url"), button.get("url"), problems)
        if button.get("custom_id"):
            problems.append(
                Problem((*path, "custom_id"), "COMPONENT_LINK_HAS_CUSTOM_ID", "Link buttons cannot have a custom_id.")
            )
    elif style != 6 and _required((*path, "custom_id"), button.get("custom_id"), problems):
        _max_len((*path, "custom_id"), button.get("custom_id"), CUSTOM_ID, problems)
    if not label and not button.get("emoji"):
        problems.append(Problem((*path, "label"), "BASE_TYPE_REQUIRED", "A button needs a label or an emoji."))


def _check_select(path: tuple[str | int, ...], select: dict[str, Any], problems: list[Problem]) -> None:
    if _required((*path, "custom_id"), select.get("custom_id"), problems):
        _max_len((*path, "custom_id"), select.get("custom_id"), CUSTOM_ID, problems)
    _max_len((*path, "placeholder"), select.get("placeholder"), SELECT_PLACEHOLDER, problems)
    if select.get("type") == 3:
        options = select.get("options") or []
        if not 1 <= len(options) <= SELECT_OPTIONS:
            problems.append(
                Problem(
                    (*path, "options"), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {SELECT_OPTIONS} in length."
                )
            )
        values = set()
        for k, option in enumerate(options):
            for key in ("label", "value"):
                if _required((*path, "options", k, key), option.get(key), problems):
                    _max_len((*path, "options", k, key), option.get(key), SELECT_TEXT, problems)
            _max_len((*path, "options", k, "description"), option.get("description"), SELECT_TEXT, problems)
            if option.get("value") in values:
                problems.append(
                    Problem(
                        (*path, "options", k, "value"),
                        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                        "Option values must be unique.",
                    )
                )
            values.add(option.get("value"))
        max_values = select.get("max_values", 1)
        if isinstance(max_values, int) and max_values > max(len(options), 1):
            problems.append(
                Problem((*path, "max_values"), "BASE_TYPE_MAX", f"max_values must be at most {len(options)}.")
            )


def _collect_custom_ids(
    component: dict[str, Any], path: tuple[str | int, ...], out: list[tuple[tuple[str | int, ...], str]]
) -> None:
    custom_id = component.get("custom_id")
    if isinstance(custom_id, str) and custom_id:
        out.append(((*path, "custom_id"), custom_id))
    for key in ("components",):
        for i, child in enumerate(component.get(key) or []):
            _collect_custom_ids(child, (*path, key, i), out)
    accessory = component.get("accessory")
    if isinstance(accessory, dict):
        _collect_custom_ids(accessory, (*path, "accessory"), out)


def _count_v2(component: dict[str, Any]) -> int:
    count = 1
    for child in component.get("components") or []:
        count += _count_v2(child)
    if isinstance(component.get("accessory"), dict):
        count += 1
    return count


def _check_v2(path: tuple[str | int, ...], component: dict[str, Any], problems: list[Problem]) -> None:
    kind = component.get("type")
    if kind == 10:
        _max_len((*path, "content"), component.get("content"), TEXT_DISPLAY, problems)
    elif kind == ACTION_ROW:
        _check_row(path, component, problems)
    elif kind == BUTTON:
        _check_button(path, component, problems)
    elif kind in SELECTS:
        _check_select(path, component, problems)
    for i, child in enumerate(component.get("components") or []):
        if child.get("type") != ACTION_ROW or kind != ACTION_ROW:
            _check_v2((*path, "components", i), child, problems)
    accessory = component.get("accessory")
    if isinstance(accessory, dict):
        _check_v2((*path, "accessory"), accessory, problems)


def _check_row(path: tuple[str | int, ...], row: dict[str, Any], problems: list[Problem]) -> None:
    children = row.get("components") or []
    if not children:
        problems.append(Problem((*path, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."))
        return
    kinds = [child.get("type") for child in children]
    if any(kind in SELECTS for kind in kinds) and len(children) > 1:
        problems.append(
            Problem((*path, "components"), "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "A select menu fills a whole row.")
        )
    if len(children) > ROW_BUTTONS:
        problems.append(
            Problem(
                (*path, "components"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {ROW_BUTTONS} in length (got {len(children)}).",
            )
        )
    for j, child in enumerate(children):
        cpath = (*path, "components", j)
        if child.get("type") == BUTTON:
            _check_button(cpath, child, problems)
        elif child.get("type") in SELECTS:
            _check_select(cpath, child, problems)
        elif child.get("type") == TEXT_INPUT:
            if _required((*cpath, "custom_id"), child.get("custom_id"), problems):
                _max_len((*cpath, "custom_id"), child.get("custom_id"), CUSTOM_ID, problems)
        else:
            problems.append(
                Problem(
                    (*cpath, "type"), "UNION_TYPE_CHOICES", f"Component type {child.get('type')!r} cannot sit in a row."
                )
            )


def check_components(components: Any, problems: list[Problem], *, v2: bool = False) -> None:
    if not isinstance(components, list):
        problems.append(Problem(("components",), "LIST_TYPE_CONVERT", "Must be an array."))
        return
    if v2:
        total = sum(_count_v2(c) for c in components)
        if total > V2_COMPONENTS:
            problems.append(
                Problem(("components",), "BASE_TYPE_MAX_LENGTH", f"Must be {V2_COMPONENTS} or fewer components.")
            )
        for i, component in enumerate(components):
            _check_v2(("components", i), component, problems)
    else:
        if len(components) > ROWS:
            problems.append(
                Problem(
                    ("components",),
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {ROWS} or fewer in length (got {len(components)}).",
                )
            )
        for i, row in enumerate(components):
            if row.get("type") != ACTION_ROW:
                problems.append(
                    Problem(
                        ("components", i, "type"), "UNION_TYPE_CHOICES", "Top-level components must be action rows."
                    )
                )
                continue
            _check_row(("components", i), row, problems)
    seen: dict[str, tuple[str | int, ...]] = {}
    ids: list[tuple[tuple[str | int, ...], str]] = []
    for i, component in enumerate(components):
        if isinstance(component, dict):
            _collect_custom_ids(component, ("components", i), ids)
    for path, custom_id in ids:
        if custom_id in seen:
            problems.append(Problem(path, "COMPONENT_CUSTOM_ID_DUPLICATED", f"Duplicate custom_id {custom_id!r}."))
        seen[custom_id] = path


def check_message(
    payload: dict[str, Any], *, files: int = 0, editing: bool = False, require_body: bool = True
) -> list[Problem]:
    """Problems with a message body (create or edit, in a channel, a DM, an interaction
    response or a follow-up)."""
    problems: list[Problem] = []
    flags = payload.get("flags") or 0
    v2 = bool(flags & (1 << 15))
    content = payload.get("content")
    if content is not None and not isinstance(content, str):
        problems.append(Problem(("content",), "STRING_TYPE_CONVERT", "Must be a string."))
    _max_len(("content",), content, CONTENT, problems)
    if "embeds" in payload and payload["embeds"] is not None:
        check_embeds(payload["embeds"], problems)
    if "components" in payload and payload["components"] is not None:
        check_components(payload["components"], problems, v2=v2)
    if v2 and (payload.get("content") or payload.get("embeds")):
        problems.append(
            Problem(
                ("content",),
                "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                "Components V2 messages cannot carry content or embeds.",
            )
        )
    if files > FILES:
        problems.append(Problem(("files",), "BASE_TYPE_MAX_LENGTH", f"Must be {FILES} or fewer files."))
    if (
        require_body
        and not editing
        and not (
            payload.get("content") or payload.get("embeds") or payload.get("components") or files or payload.get("poll")
        )
    ):
        problems.append(Problem((), "EMPTY_MESSAGE", "Cannot send an empty message"))
    return problems


def check_choices(choices: Any) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(choices, list):
        return [Problem(("data", "choices"), "LIST_TYPE_CONVERT", "Must be an array.")]
    if len(choices) > CHOICES:
        problems.append(
            Problem(
                ("data", "choices"),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {CHOICES} or fewer in length (got {len(choices)}).",
            )
        )
    for i, choice in enumerate(choices):
        name = choice.get("name")
        if _required(("data", "choices", i, "name"), name, problems):
            _max_len(("data", "choices", i, "name"), name, CHOICE_NAME, problems)
        value = choice.get("value")
        if value is None:
            problems.append(Problem(("data", "choices", i, "value"), "BASE_TYPE_REQUIRED", "This field is required"))
        _max_len(("data", "choices", i, "value"), value, CHOICE_VALUE, problems)
    return problems


def check_modal(data: Any) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return [Problem(("data",), "DICT_TYPE_CONVERT", "Must be an object.")]
    if _required(("data", "custom_id"), data.get("custom_id"), problems):
        _max_len(("data", "custom_id"), data.get("custom_id"), CUSTOM_ID, problems)
    if _required(("data", "title"), data.get("title"), problems):
        _max_len(("data", "title"), data.get("title"), MODAL_TITLE, problems)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        problems.append(Problem(("data", "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."))
    for i, component in enumerate(components):
        path: tuple[str | int, ...] = ("data", "components", i)
        if not isinstance(component, dict):
            continue
        if component.get("type") == 18:  # a Label wrapping one input
            _max_len((*path, "label"), component.get("label"), MODAL_LABEL, problems)
            _max_len((*path, "description"), component.get("description"), MODAL_LABEL_DESCRIPTION, problems)
            inner = component.get("component")
            if isinstance(inner, dict) and inner.get("type") == TEXT_INPUT:
                _check_text_input((*path, "component"), inner, problems, labelled=True)
        elif component.get("type") == 1:
            for j, inner in enumerate(component.get("components") or []):
                if isinstance(inner, dict) and inner.get("type") == TEXT_INPUT:
                    _check_text_input((*path, "components", j), inner, problems, labelled=False)
    return problems


def _check_text_input(
    path: tuple[str | int, ...], item: dict[str, Any], problems: list[Problem], *, labelled: bool
) -> None:
    """A modal's text input, as Discord checks it: lengths 0-4000, a label of 45 at most."""
    if _required((*path, "custom_id"), item.get("custom_id"), problems):
        _max_len((*path, "custom_id"), item.get("custom_id"), CUSTOM_ID, problems)
    if item.get("style", 1) not in (1, 2):
        problems.append(Problem((*path, "style"), "BASE_TYPE_CHOICES", "Value must be one of (1, 2)."))
    if not labelled and _required((*path, "label"), item.get("label"), problems):
        _max_len((*path, "label"), item.get("label"), MODAL_LABEL, problems)
    _max_len((*path, "placeholder"), item.get("placeholder"), TEXT_INPUT_PLACEHOLDER, problems)
    low, high = item.get("min_length"), item.get("max_length")
    if low is not None and not 0 <= int(low) <= TEXT_INPUT_MAX:
        problems.append(Problem((*path, "min_length"), "NUMBER_TYPE_MAX", f"Must be between 0 and {TEXT_INPUT_MAX}."))
    if high is not None and not 1 <= int(high) <= TEXT_INPUT_MAX:
        problems.append(Problem((*path, "max_length"), "NUMBER_TYPE_MAX", f"Must be between 1 and {TEXT_INPUT_MAX}."))
    value = item.get("value")
    _max_len((*path, "value"), value, int(high) if high is not None else TEXT_INPUT_MAX, problems)


def _check_option(path: tuple[str | int, ...], option: dict[str, Any], problems: list[Problem]) -> None:
    name = option.get("name")
    if not isinstance(name, str) or not COMMAND_NAME.match(name) or name != name.lower():
        problems.append(Problem((*path, "name"), "APPLICATION_COMMAND_INVALID_NAME", f"Invalid option name {name!r}."))
    description = option.get("description") or ""
    if not 1 <= len(description) <= COMMAND_DESCRIPTION:
        problems.append(
            Problem(
                (*path, "description"),
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {COMMAND_DESCRIPTION} in length.",
            )
        )
    choices = option.get("choices") or []
    if len(choices) > CHOICES:
        problems.append(Problem((*path, "choices"), "BASE_TYPE_MAX_LENGTH", f"Must be {CHOICES} or fewer in length."))
    if choices and option.get("autocomplete"):
        problems.append(
            Problem(
                (*path, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES",
                "Cannot have both choices and autocomplete.",
            )
        )
    children = option.get("options") or []
    _check_options((*path, "options"), children, problems)


def _check_options(path: tuple[str | int, ...], options: list[dict[str, Any]], problems: list[Problem]) -> None:
    if len(options) > COMMAND_OPTIONS:
        problems.append(Problem(path, "BASE_TYPE_MAX_LENGTH", f"Must be {COMMAND_OPTIONS} or fewer in length."))
    names: set[str] = set()
    optional_seen = False
    for i, option in enumerate(options):
        _check_option((*path, i), option, problems)
        if option.get("name") in names:
            problems.append(
                Problem(
                    (*path, i, "name"),
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    "Option names must be unique.",
                )
            )
        names.add(option.get("name", ""))
        if option.get("type") in (1, 2):
            continue
        if option.get("required"):
            if optional_seen:
                problems.append(
                    Problem(
                        (*path, i, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options.",
                    )
                )
        else:
            optional_seen = True


def check_commands(commands: Any) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(commands, list):
        return [Problem((), "LIST_TYPE_CONVERT", "Must be an array.")]
    if len(commands) > COMMANDS:
        problems.append(Problem((), "BASE_TYPE_MAX_LENGTH", f"Must be {COMMANDS} or fewer in length."))
    seen: set[tuple[int, str]] = set()
    for i, command in enumerate(commands):
        kind = command.get("type", 1)
        name = command.get("name")
        if not isinstance(name, str) or not COMMAND_NAME.match(name) or (kind == 1 and name != name.lower()):
            problems.append(Problem((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", f"Invalid command name {name!r}."))
        if kind == 1:
            description = command.get("description") or ""
            if not 1 <= len(description) <= COMMAND_DESCRIPTION:
                problems.append(
                    Problem(
                        (i, "description"),
                        "BASE_TYPE_BAD_LENGTH",
                        f"Must be between 1 and {COMMAND_DESCRIPTION} in length.",
                    )
                )
        key = (kind, str(name))
        if key in seen:
            problems.append(
                Problem((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", f"Duplicate command name {name!r}.")
            )
        seen.add(key)
        _check_options((i, "options"), command.get("options") or [], problems)
    return problems


def form_error(problems: list[Problem]) -> dict[str, Any]:
    """Discord's 50035 body: `errors` nests by path, leaves carry `_errors`."""
    errors: dict[str, Any] = {}
    for problem in problems:
        node = errors
        for part in problem.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": problem.code, "message": problem.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": errors}
