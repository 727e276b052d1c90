"""Server entries: validation like the content files, layering for one server, export, the registry."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KnowledgeBase, load_knowledge, server_entries
from bot.knowledge.loader import load_knowledge_file
from bot.knowledge.server_entries import (
    Draft,
    GuildKnowledge,
    GuildLayer,
    ServerEntry,
    TeachError,
    build_entry,
    candidates,
    check_phrasing,
    entry_choices,
    export_yaml,
    find_entry,
    layered,
    slug_for,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "knowledge"
STUDY = Draft(
    title="When the study group meets",
    answer="Every Thursday at 18:00 UTC on voice.",
    questions="when is the study group\n- study group schedule\n\nwhen is the study group",
    aliases="study call",
    extras="salary-comparison\nCalendar https://example.org/cal",
)


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    kb, problems = load_knowledge(DATA)
    assert kb is not None, problems
    return kb


def test_a_draft_becomes_an_entry_in_the_content_format(shipped: KnowledgeBase) -> None:
    item = build_entry(STUDY, shipped=shipped, layer=GuildLayer())
    entry = item.entry
    assert entry.id == "when-the-study-group-meets"
    assert entry.questions == ["when is the study group", "study group schedule"]
    assert entry.aliases == ["study call"]
    assert entry.related == ["salary-comparison"]
    assert [(link.label, link.url) for link in item.links] == [("Calendar", "https://example.org/cal")]
    assert ServerEntry.from_body(item.body()) == item


def test_related_entries_may_be_named_by_title(shipped: KnowledgeBase) -> None:
    title = shipped.get("salary-comparison").title  # type: ignore[union-attr]
    draft = Draft(title="T", answer="A", questions="q", extras=title)
    assert build_entry(draft, shipped=shipped, layer=GuildLayer()).entry.related == ["salary-comparison"]


@pytest.mark.parametrize(
    ("draft", "sentence"),
    [
        (Draft(title="Which role pays more?", answer="A", questions="q"), "The shipped entry “Which role pays more?”"),
        (Draft(title="T", answer="", questions="q"), "The answer is empty"),
        (Draft(title="T", answer="A", questions=""), "Give at least one question phrasing"),
        (Draft(title="T", answer="A", questions="q" * 101), "Phrasing 1 is 101 characters; the limit is 100."),
        (Draft(title="T", answer="A" * 5001, questions="q"), "The answer is 5001 characters; the limit is 5000."),
        (Draft(title="T", answer="A", questions="q", extras="no-such-entry"), "is neither an entry id or title"),
    ],
)
def test_what_the_content_files_refuse_is_refused_with_a_sentence(
    shipped: KnowledgeBase, draft: Draft, sentence: str
) -> None:
    with pytest.raises(TeachError, match=sentence.replace("?", r"\?")):
        build_entry(draft, shipped=shipped, layer=GuildLayer())


def test_a_title_used_by_another_server_entry_is_refused_but_editing_keeps_the_id(shipped: KnowledgeBase) -> None:
    first = build_entry(STUDY, shipped=shipped, layer=GuildLayer())
    layer = GuildLayer(entries=(first,))
    with pytest.raises(TeachError, match="already has an entry titled"):
        build_entry(STUDY, shipped=shipped, layer=layer)
    edited = build_entry(
        Draft(title=STUDY.title, answer="Fridays now.", questions="q"),
        shipped=shipped,
        layer=layer,
        editing=first.entry.id,
    )
    assert edited.entry.id == first.entry.id and edited.entry.answer == "Fridays now."


def test_ids_never_clash_with_shipped_ones(shipped: KnowledgeBase) -> None:
    assert slug_for("Salary comparison", shipped.entry_ids()) == "salary-comparison-2"
    assert slug_for("!!!", []) == "entry"


def test_phrasings_are_checked() -> None:
    assert check_phrasing("  how   much ") == "how much"
    with pytest.raises(TeachError):
        check_phrasing("x" * 101)


def test_the_layer_adds_hides_and_extends_for_one_server(shipped: KnowledgeBase) -> None:
    item = build_entry(STUDY, shipped=shipped, layer=GuildLayer())
    layer = GuildLayer(
        entries=(item,),
        hidden=frozenset({"location-and-pay"}),
        extra_questions={"salary-comparison": ("zorblax quux frobnicate",)},
    )
    kb = layered(shipped, layer)
    assert "location-and-pay" not in kb and item.entry.id in kb
    assert kb.match("what is the study group schedule").entry_id == item.entry.id
    assert kb.match("zorblax quux frobnicate").entry_id == "salary-comparison"
    assert shipped.match("zorblax quux frobnicate").entry_id != "salary-comparison"
    assert item.entry.id not in shipped
    assert len(kb) == len(shipped)


def test_stored_rows_that_no_longer_validate_are_left_out() -> None:
    layer = GuildLayer.build([{"id": "x", "title": "T"}], [("a", True, []), ("b", False, ["q"])])
    assert layer.entries == () and layer.hidden == {"a"} and layer.extra_questions == {"b": ("q",)}


def test_export_is_a_knowledge_file_the_loader_accepts(shipped: KnowledgeBase, tmp_path: Path) -> None:
    item = build_entry(STUDY, shipped=shipped, layer=GuildLayer())
    text = export_yaml(GuildLayer(entries=(item,)))
    assert "url: https://example.org/cal" in text
    path = tmp_path / "server.yaml"
    path.write_text(text, encoding="utf-8")
    entries, _, problems = load_knowledge_file(path)
    assert problems == [] and entries == [item.entry]
    assert yaml.safe_load(export_yaml(GuildLayer())) == {"entries": []}


async def test_the_registry_builds_per_server_and_swaps_on_change_and_reload(shipped: KnowledgeBase) -> None:
    item = build_entry(STUDY, shipped=shipped, layer=GuildLayer())
    layers = {1: GuildLayer(entries=(item,))}
    loads: list[int] = []
    current = [shipped]

    async def load(guild_id: int) -> GuildLayer:
        loads.append(guild_id)
        return layers.get(guild_id, GuildLayer())

    registry = GuildKnowledge(lambda: current[0], load)
    assert await registry.get(None) is shipped
    assert await registry.get(2) is shipped  # a server without a layer shares the shipped build
    one = await registry.get(1)
    assert item.entry.id in one and await registry.get(1) is one
    assert loads == [2, 1]

    layers[1] = GuildLayer()
    assert await registry.refresh(1) is shipped

    reloaded = KnowledgeBase(list(shipped.entries())[:-1], shipped.profiles())
    layers[1] = GuildLayer(entries=(item,))
    await registry.refresh(1)
    current[0] = reloaded
    fresh = await registry.get(1)  # rebuilt over the reloaded content, with the same layer
    assert len(fresh) == len(reloaded) + 1 and item.entry.id in fresh
    assert await registry.get(2) is reloaded
    assert loads == [2, 1, 1, 1]


def test_finding_choosing_and_suggesting_entries(shipped: KnowledgeBase) -> None:
    item = build_entry(STUDY, shipped=shipped, layer=GuildLayer())
    layer = GuildLayer(entries=(item,), hidden=frozenset({"location-and-pay"}))
    kb = layered(shipped, layer)
    assert find_entry(shipped, layer, "  WHEN the study group MEETS ") == (item, None)
    hidden = shipped.get("location-and-pay")
    assert find_entry(shipped, layer, "location-and-pay") == (None, hidden)
    assert find_entry(shipped, layer, "nothing") == (None, None)

    choices = entry_choices(kb, shipped, layer, "", 25)
    assert choices[0] == (item.entry.title, item.entry.id)
    assert choices[1] == (f"{hidden.title} (hidden here)", "location-and-pay")  # type: ignore[union-attr]
    assert len(choices) == 25 and len({value for _, value in choices}) == 25
    assert entry_choices(kb, shipped, layer, "study", 25) == [(item.entry.title, item.entry.id)]

    about = candidates(kb, "zorblax quux paycheck", 25)
    assert about[0].id == "salary-comparison" and len(about) == 24

    assert item.with_phrasing("study group schedule") is item
    assert item.with_phrasing("new one").entry.questions[-1] == "new one"


async def test_a_slow_first_build_answers_from_the_guide_until_it_is_done(
    shipped: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = build_entry(STUDY, shipped=shipped, layer=GuildLayer())
    release = threading.Event()

    def slow_layered(base: KnowledgeBase, layer: GuildLayer) -> KnowledgeBase:
        release.wait(30)  # hundreds of entries being embedded
        return layered(base, layer)

    monkeypatch.setattr(server_entries, "layered", slow_layered)
    monkeypatch.setattr(server_entries, "FIRST_BUILD_WAIT", 0.05)

    async def load(guild_id: int) -> GuildLayer:
        return GuildLayer(entries=(item,))

    registry = GuildKnowledge(lambda: shipped, load)
    assert await registry.get(1) is shipped  # the guide answers meanwhile
    assert await registry.get(1) is shipped  # and the build is not started twice
    release.set()
    built = await registry.refresh(1)
    assert item.entry.id in built and await registry.get(1) is built
