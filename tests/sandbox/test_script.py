"""Parsing sandbox scripts and fitting slash command text to registered command definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.sandbox.script import Action, ScriptError, parse_line, parse_script, split_command

COMMANDS = [
    {
        "name": "ask",
        "type": 1,
        "options": [
            {"type": 3, "name": "question", "required": True},
            {"type": 5, "name": "private"},
        ],
    },
    {
        "name": "quiz",
        "type": 1,
        "options": [
            {"type": 1, "name": "start", "options": [{"type": 3, "name": "quiz", "required": True}]},
            {"type": 1, "name": "progress", "options": []},
        ],
    },
    {"name": "compare", "type": 1, "options": []},
    {
        "name": "config",
        "type": 1,
        "options": [
            {
                "type": 2,
                "name": "role",
                "options": [
                    {
                        "type": 1,
                        "name": "set",
                        "options": [
                            {"type": 3, "name": "path", "required": True},
                            {"type": 8, "name": "role", "required": True},
                        ],
                    }
                ],
            }
        ],
    },
    {"name": "Report", "type": 3},
]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/ask question: how much", Action("slash", "ask question: how much", 3)),
        ("  click 2 ", Action("click", "2", 3)),
        ("click Next question", Action("click", "Next question", 3)),
        ("select Beginner, Advanced", Action("select", "Beginner, Advanced", 3)),
        ("complete /faq topic: sal", Action("complete", "/faq topic: sal", 3)),
        ("as morgan", Action("as", "morgan", 3)),
        ("dms", Action("dms", "", 3)),
        ("expect salary", Action("expect", "salary", 3)),
        ("wait 1.5", Action("wait", "1.5", 3)),
        ("exit", Action("quit", "", 3)),
        ("?", Action("help", "", 3)),
    ],
)
def test_each_action_parses(line: str, expected: Action) -> None:
    assert parse_line(line, 3) == expected


@pytest.mark.parametrize("line", ["", "   ", "# a comment", "  # indented comment"])
def test_blank_lines_and_comments_are_skipped(line: str) -> None:
    assert parse_line(line) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("dance", "unknown action"),
        ("click", "needs an argument"),
        ("/", "needs a name"),
        ("complete faq", "needs a slash command"),
        ("wait soon", "number of seconds"),
    ],
)
def test_bad_lines_say_what_is_wrong_and_where(line: str, message: str) -> None:
    with pytest.raises(ScriptError, match=message) as caught:
        parse_line(line, 7)
    assert "line 7" in str(caught.value)


def test_a_script_keeps_line_numbers() -> None:
    actions = parse_script("# demo\n\n/compare\nclick 1\n")
    assert [(a.kind, a.line) for a in actions] == [("slash", 3), ("click", 4)]


def test_the_shipped_demo_parses_and_takes_a_whole_quiz() -> None:
    demo = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "demo.txt"
    actions = parse_script(demo.read_text(encoding="utf-8"))
    commands = {a.argument.split()[0] for a in actions if a.kind == "slash"}
    assert {"ask", "faq", "role", "compare", "quiz"} <= commands
    assert sum(1 for a in actions if a.kind == "click") >= 10


def test_named_options() -> None:
    call = split_command("ask question: how much do ML engineers make private: true", COMMANDS)
    assert call.path == "ask"
    assert call.options == {"question": "how much do ML engineers make", "private": "true"}


def test_bare_text_fills_the_only_required_option() -> None:
    assert split_command("/ask how much do they make", COMMANDS).options == {"question": "how much do they make"}


def test_subcommands_come_before_options() -> None:
    assert split_command("quiz start path", COMMANDS).path == "quiz start"
    assert split_command("quiz start quiz: knowledge", COMMANDS).options == {"quiz": "knowledge"}
    assert split_command("quiz progress", COMMANDS).options == {}


def test_subcommand_groups() -> None:
    call = split_command('config role set path: ai role: "AI Engineer"', COMMANDS)
    assert call.path == "config role set"
    assert call.options == {"path": "ai", "role": "AI Engineer"}


def test_an_option_name_inside_a_value_only_counts_after_a_space() -> None:
    call = split_command("ask question: what is a hobbyquestion: really", COMMANDS)
    assert call.options == {"question": "what is a hobbyquestion: really"}


def test_autocomplete_focuses_the_last_option_named() -> None:
    call = split_command("ask private: true question: sal", COMMANDS, autocomplete=True)
    assert call.focused == "question"
    assert split_command("ask sal", COMMANDS, autocomplete=True).focused == "question"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nothing", "no /nothing command"),
        ("quiz", "needs one of: start, progress"),
        ("quiz restart", "needs one of"),
        ("compare please", "takes no options"),
        ("config role set ai", "say which option"),
        ("Report", "no /Report command"),
    ],
)
def test_commands_that_do_not_fit(text: str, message: str) -> None:
    with pytest.raises(ScriptError, match=message):
        split_command(text, COMMANDS)


def test_missing_lists_required_options_not_given() -> None:
    assert [o["name"] for o in split_command("config role set path: ai", COMMANDS).missing()] == ["role"]
    assert split_command("ask why", COMMANDS).missing() == []
    assert [o["name"] for o in split_command("ask", COMMANDS).missing()] == ["question"]


def test_until_names_what_to_wait_for() -> None:
    action = parse_line("until time is up", 3)
    assert action is not None and (action.kind, action.argument) == ("until", "time is up")
    with pytest.raises(ScriptError, match="until needs an argument"):
        parse_line("until", 4)
