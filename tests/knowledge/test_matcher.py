"""The matcher as members experience it: their wording, abbreviations and typos find the right
answer; anything else is declined with at most three suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import limits
from bot.knowledge import Entry, KnowledgeBase, Matcher, load_knowledge, scope
from bot.knowledge.decision import shipped_model
from bot.knowledge.matcher import MAX_AUTOCOMPLETE, MAX_SUGGESTIONS, SUGGESTION_FLOOR
from bot.knowledge.text import normalize

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    knowledge, problems = load_knowledge(ROOT / "data" / "knowledge")
    assert knowledge is not None, problems
    return knowledge


def answer(kb: KnowledgeBase, question: str) -> str | None:
    return kb.match(question).entry_id


@pytest.mark.parametrize(
    "question",
    [
        "how much do ML engineers make",
        "how much do ML engineers earn",
        "what do MLEs get paid",
        "ML engineer salary",
        "ml engineer compensation",
        "machine learning engineer pay",
    ],
)
def test_pay_salary_earn_and_make_mean_the_same(kb: KnowledgeBase, question: str) -> None:
    assert answer(kb, question) == "salary-comparison"


@pytest.mark.parametrize("question", ["do I need a PhD", "do I need a degree", "is a masters required"])
def test_phd_and_degree_mean_the_same(kb: KnowledgeBase, question: str) -> None:
    assert answer(kb, question) == "degree-needed"


def test_university_ranks_the_degree_entry_first(kb: KnowledgeBase) -> None:
    assert kb.matcher.rank("do i need to go to university")[0].entry_id == "degree-needed"


def test_abbreviations_match_their_long_forms(kb: KnowledgeBase) -> None:
    short = kb.match("AIE vs MLE")
    long = kb.match("AI engineer versus machine learning engineer")
    assert short.entry_id == long.entry_id == "ai-vs-ml-difference"


def test_word_forms_are_stemmed(kb: KnowledgeBase) -> None:
    assert answer(kb, "switching roles later") == answer(kb, "switch role later") == "switching-roles"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how mcuh do mles earn", "salary-comparison"),
        ("salery of an ai enginer", "salary-comparison"),
        ("do i need a degre", "degree-needed"),
        ("typical dya of a machine lerning engineer", "ml-daily-work"),
        ("pytroch or tensorflwo", "tools-and-frameworks"),
        # A doubled letter made single is the one repair that may shorten a short word.
        ("how mutch mathh does an ml engineer need", "math-needed"),
    ],
)
def test_typos_are_forgiven(kb: KnowledgeBase, question: str, expected: str) -> None:
    assert answer(kb, question) == expected


def test_the_direction_of_a_switch_matters(kb: KnowledgeBase) -> None:
    assert answer(kb, "how do i go from ai engineering to ml engineering") == "ai-to-ml"
    assert answer(kb, "how do i go from ml engineering to ai engineering") == "ml-to-ai"
    assert answer(kb, "AIE to MLE") == "ai-to-ml"
    assert answer(kb, "MLE to AIE") == "ml-to-ai"


@pytest.mark.parametrize(
    "question", ["lol", "what's the weather", "minecraft", "", "   ", "???", "how do I bake bread"]
)
def test_off_topic_is_declined(kb: KnowledgeBase, question: str) -> None:
    result = kb.match(question)
    assert not result.matched
    assert result.best is None and result.entry_id is None


def test_a_near_miss_is_declined_with_suggestions(kb: KnowledgeBase) -> None:
    result = kb.match("how much do plumbers make")
    assert not result.matched
    assert 1 <= len(result.suggestions) <= MAX_SUGGESTIONS
    assert result.suggestions[0].entry_id == "salary-comparison"
    assert all(hit.score >= SUGGESTION_FLOOR for hit in result.suggestions)


def test_an_answered_question_has_no_suggestions(kb: KnowledgeBase) -> None:
    result = kb.match("how much do ai engineers make")
    assert result.matched and result.suggestions == ()
    assert result.score >= kb.matcher.threshold


def test_results_are_ranked_best_first_with_scores_between_0_and_1(kb: KnowledgeBase) -> None:
    ranked = kb.matcher.rank("ai engineer skills and tools", limit=8)
    scores = [hit.score for hit in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len({hit.entry_id for hit in ranked}) == len(ranked)


def test_matching_is_deterministic_across_calls_and_instances(kb: KnowledgeBase) -> None:
    again, _ = load_knowledge(ROOT / "data" / "knowledge")
    assert again is not None
    for question in ["ai vs ml", "salary", "what should i learn", "skills", "engineer", "how much do plumbers make"]:
        assert kb.matcher.rank(question) == kb.matcher.rank(question) == again.matcher.rank(question)
        assert kb.match(question) == again.match(question)


def test_ties_keep_the_order_of_the_files() -> None:
    twins = [
        Entry(id="first", title="Alpha", questions=["what about widgets"], answer="One."),
        Entry(id="second", title="Beta", questions=["what about widgets"], answer="Two."),
    ]
    ranked = Matcher(twins).rank("widgets")
    assert [hit.entry_id for hit in ranked] == ["first", "second"]
    assert ranked[0].score == ranked[1].score


def test_the_confidence_bar_decides_between_answer_and_decline(kb: KnowledgeBase) -> None:
    entries = list(kb.entries())
    question = "how much do ml engineers make"
    score = Matcher(entries).match(question).score
    assert Matcher(entries, threshold=score - 0.001).match(question).matched
    assert not Matcher(entries, threshold=score + 0.01).match(question).matched


def test_the_bar_is_the_decision_models_held_out_bar(kb: KnowledgeBase) -> None:
    assert kb.matcher.threshold == shipped_model().bar
    assert 0.0 < kb.matcher.threshold < 1.0


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("is it too late at 35 to get into ML engineering", "age"),
        ("can I work remotely as an ML engineer?", "remote work"),
        ("remote?", "remote work"),
        ("what's the entry level salary", "entry-level pay"),
        ("what's the starting salary for ai engineers", "entry-level pay"),
        ("how much do AI engineers make in india", "other countries"),
        ("is ML engineering the same as data science", "data science as a job"),
        ("which programming language should i learn first", "which programming language to learn first"),
        ("which online course is best for ml", "specific courses, bootcamps or certificates"),
        ("can i get a work visa as an ml engineer", "visas and immigration"),
        ("could i do ai engineering part time next to my day job", "freelancing and part-time work"),
        ("does google hire ml engineers without a phd", "jobs and hiring at named companies"),
        ("what does a network engineer do all day", "careers other than AI and ML engineering"),
        ("are sales engineers paid more than solutions engineers", "careers other than AI and ML engineering"),
        ("how much do investment bankers make", "careers other than AI and ML engineering"),
        ("what's it like being an ml engineer at netflix?", "jobs and hiring at named companies"),
        ("is the deeplearning ai specialization worth it", "specific courses, bootcamps or certificates"),
        ("how do i prepare for an ai engineer coding interview?", "job interviews"),
    ],
)
def test_subjects_the_guide_does_not_cover_are_declined_and_named(
    kb: KnowledgeBase, question: str, subject: str
) -> None:
    result = kb.match(question)
    assert not result.matched
    assert result.uncovered == subject
    assert result.suggestions, "a decline always offers the closest topics"


@pytest.mark.parametrize(
    "question",
    [
        "i freelance on shopify stores and like shipping fast. which of the two should i go for?",
        "do openai-type companies pay ml engineers more?",
        "what separates the chatgpt plumbers from the neural net people?",
        "what does a machien lerning engineer do",
        "how much do these engineers make",
        "i'm a senior engineer, is the maths too much for me?",
        "i work in marketing and can code a bit. which of the two should i go for?",
        "what are the mechanics of the job day to day?",
        "do companies like google pay ml engineers more?",
        "i'm interviewing for an ml engineer role next week. what is the work like day to day?",
    ],
)
def test_words_of_an_uncovered_subject_in_an_on_topic_question_are_not_a_decline(
    kb: KnowledgeBase, question: str
) -> None:
    # A member who says they freelance, a kind of company, a job word used as a nickname for a role,
    # a misspelt role, the roles called engineers, a member who says what they do.
    assert kb.match(question).uncovered is None


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("switching ai <-> ml", "switching-roles"),
        ("i'm an ml engineer and want to switch to ai engineering, where do i start", "ml-to-ai"),
        ("going from ai engineering into ml: what changes", "ai-to-ml"),
    ],
)
def test_a_move_said_with_its_direction_ranks_that_directions_entry_first(
    kb: KnowledgeBase, question: str, entry_id: str
) -> None:
    assert kb.matcher.rank(question)[0].entry_id == entry_id


@pytest.mark.parametrize(
    ("question", "summary"),
    [
        ("tl;dr?", True),
        ("key points of the article", True),
        ("sum up ai vs ml engineering for me", True),
        ("what are the key points of the french revolution", False),
        ("what's the plot of hamlet in two sentences", False),
    ],
)
def test_a_summary_of_something_else_is_not_the_guide_in_short(question: str, summary: bool) -> None:
    assert scope.asks_summary(question) is summary


def test_a_long_personal_message_finds_the_choosing_answer(kb: KnowledgeBase) -> None:
    question = (
        "hey so im a frontend dev (react mostly), been doing it for 3 years and honestly kinda bored. "
        "been playing with some ai apis on the side. my math is kinda rusty and i like shipping stuff fast. "
        "what would you recommend??"
    )
    result = kb.match(question)
    assert result.matched and result.entry_id == "choosing"
    assert result.which_path


def test_a_which_path_question_below_the_bar_still_offers_the_choosing_entry(kb: KnowledgeBase) -> None:
    result = kb.match("torn between the two, zxqv blorp")
    assert result.which_path
    if not result.matched:
        assert "choosing" in [hit.entry_id for hit in result.suggestions]


def test_starting_pay_is_not_read_as_salary() -> None:
    from bot.knowledge.vocabulary import shipped_vocabulary

    # "starting salary" keeps its "starting": the guide's ranges are not starting pay.
    vocabulary = shipped_vocabulary()
    assert "start" in vocabulary.terms("starting salary")
    assert "start" in vocabulary.terms("entry level salary")
    assert "start" in vocabulary.terms("starting pay")


def test_the_normalized_text_groups_the_same_question(kb: KnowledgeBase) -> None:
    assert kb.match("How much do MLEs make??").normalized == kb.match("how much do mles make").normalized
    assert normalize("  What's   the PAY?! ") == "whats the pay"


def test_autocomplete_with_nothing_typed_lists_topics_in_file_order(kb: KnowledgeBase) -> None:
    choices = kb.autocomplete("")
    assert len(choices) == min(MAX_AUTOCOMPLETE, len(kb))
    assert [c.entry_id for c in choices] == kb.entry_ids()[: len(choices)]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sal", "salary-comparison"),
        ("degree", "degree-needed"),
        ("pytorch", "tools-and-frameworks"),
        ("zen", "author-path"),
    ],
)
def test_autocomplete_puts_the_best_topic_first(kb: KnowledgeBase, typed: str, expected: str) -> None:
    choices = kb.autocomplete(typed)
    assert choices and choices[0].entry_id == expected
    assert len(choices) <= MAX_AUTOCOMPLETE
    assert len({c.entry_id for c in choices}) == len(choices)
    assert all(len(c.title) <= limits.CHOICE_NAME and len(c.entry_id) <= limits.CHOICE_VALUE for c in choices)


def test_autocomplete_never_offers_more_than_25(kb: KnowledgeBase) -> None:
    entries = [
        Entry(id=f"topic-{i}", title=f"Topic number {i}", questions=[f"question about topic {i}"], answer="A.")
        for i in range(60)
    ]
    matcher = Matcher(entries)
    assert len(matcher.autocomplete("topic")) == MAX_AUTOCOMPLETE
    assert len(matcher.autocomplete("")) == MAX_AUTOCOMPLETE
    assert len(matcher.autocomplete("topic", limit=100)) == MAX_AUTOCOMPLETE


def test_a_matcher_needs_entries() -> None:
    with pytest.raises(ValueError):
        Matcher([])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_well_formed_result(kb: KnowledgeBase, question: str) -> None:
    result = kb.match(question)
    assert 0.0 <= result.score <= 1.0
    assert len(result.suggestions) <= MAX_SUGGESTIONS
    assert result.matched == (result.score >= kb.matcher.threshold and bool(result.ranked))
    if result.matched:
        assert result.entry_id in kb
    assert len(kb.autocomplete(question)) <= MAX_AUTOCOMPLETE
