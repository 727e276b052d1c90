"""Every fact and figure of the source article is stated by some answer the bot can give.

Each fact lists the phrases (regular expressions, case-insensitive) that one answer must contain
together: an entry's answer, or a role profile card as /role shows it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, RoleProfile, load_knowledge
from bot.knowledge.models import bullets

ROOT = Path(__file__).resolve().parents[2]

FACTS: dict[str, list[str]] = {
    "AI Engineer base salary is $110k to $160k": [r"AI Engineer", r"\$110k", r"\$160k"],
    "ML Engineer base salary is $120k to $180k": [r"ML Engineer", r"\$120k", r"\$180k"],
    "AI Engineers implement existing models, ML Engineers create them": [
        r"AI Engineers implement existing models",
        r"ML Engineers create them",
    ],
    "choose AI if you like building practical things and have software experience": [
        r"AI Engineering if",
        r"building practical",
        r"write software",
    ],
    "choose ML if you like research, have strong maths and want new models": [
        r"ML Engineering if",
        r"research",
        r"maths is strong",
        r"invent new models",
    ],
    "the choice is implementation versus innovation": [r"implementation vs innovation"],
    "both roles matter and attract different personalities and skill sets": [
        r"Both roles matter",
        r"different kind of person with different strengths",
    ],
    "AI Engineering is easier to enter and has broader opportunities": [
        r"more accessible",
        r"broader opportunities",
    ],
    "ML Engineering jobs concentrate in tech hubs and AI-first companies": [
        r"cluster",
        r"tech hubs and at AI-first companies",
    ],
    "ML Engineers earn slightly more, mainly at research-focused companies": [
        r"slightly more",
        r"research-focused companies",
    ],
    "AI Engineers integrate models from OpenAI or Anthropic into production": [
        r"OpenAI",
        r"Anthropic",
        r"production systems",
    ],
    "AI Engineers build APIs that expose AI capabilities and user-facing applications": [
        r"APIs",
        r"AI features available to other software",
        r"applications",
    ],
    "AI Engineers think like software architects specialising in AI": [r"software architect who specialises in AI"],
    "ML Engineers think like researchers who build production systems": [
        r"researchers? who (also )?(ship|builds?) production systems"
    ],
    "ML Engineers research architectures, try novel approaches, design domain models, push limits": [
        r"new architectures",
        r"novel approaches",
        r"custom models",
        r"particular domain",
        r"pushes what the technology can do",
    ],
    "ML Engineering needs deeper maths and rewards with technical innovation": [
        r"deeper maths",
        r"technical innovation",
    ],
    "AI Engineer daily work: integration, APIs under millions of requests, interfaces, scale": [
        r"databases",
        r"millions of requests",
        r"non-technical",
        r"scale",
    ],
    "ML Engineer daily work: datasets, experiments, specialised hardware, optimisation": [
        r"datasets",
        r"patterns and insights",
        r"architectures and hyperparameters",
        r"specialised hardware",
        r"accuracy and efficiency",
    ],
    "ML Engineers often publish papers or develop proprietary models": [
        r"often publishing papers",
        r"proprietary models",
    ],
    "the author's YouTube tutorials show implementation patterns": [r"YouTube tutorials", r"implementation patterns"],
    "Silicon Valley AI-first companies pay ML Engineers a premium, with substantial equity": [
        r"Silicon Valley",
        r"AI-first",
        r"premium",
        r"substantial equity",
    ],
    "AI Engineers see more consistent demand across regions and industries": [
        r"more consistent demand",
        r"across regions and industries",
    ],
    "every company adopting AI needs integrators, so more openings overall even if pay is slightly lower": [
        r"Any business that adopts AI",
        r"total number of openings is larger",
        r"pay a little less",
    ],
    "total compensation often evens out": [r"(total compensation|the gap) often (evens out|closes)"],
    "AI Engineers in finance, healthcare and enterprise software can match or beat ML pay": [
        r"finance",
        r"healthcare",
        r"enterprise software",
        r"(earn as much as ML Engineers, or more|equal or exceed)",
        r"bonuses and equity",
    ],
    "choose by interest, not a marginally higher base salary": [r"let your interests decide", r"marginally higher"],
    "AI Engineering asks for building skills rather than deep maths": [
        r"build and ship",
        r"not advanced maths",
    ],
    "many move into AI Engineering from traditional development jobs": [r"from ordinary development jobs"],
    "ML Engineering often requires advanced degrees or research backgrounds": [
        r"advanced degree or (a )?research background"
    ],
    "the author moved from web development without formal AI education": [
        r"web development",
        r"no formal AI education",
    ],
    "community members follow similar self-taught paths; practical skills beat credentials": [
        r"self-taught",
        r"practical skills (count for more than|can outweigh) credentials",
    ],
    "AI Engineering builds on APIs, databases and deployment, plus model integration, prompting, AI design": [
        r"ships APIs, uses databases and puts applications into production",
        r"model integration",
        r"prompt engineering",
        r"AI system design",
    ],
    "ML Engineering expects linear algebra, calculus, statistics and probability": [
        r"linear algebra",
        r"calculus",
        r"statistics",
        r"probability",
    ],
    "self-taught ML Engineers exist but the path is steeper": [
        r"Self-taught ML Engineers exist",
        r"path is steeper",
        r"formal education",
        r"extensive self-study",
    ],
    "AI Engineer skills: software engineering, API development, systems integration, cloud": [
        r"software engineering",
        r"API development",
        r"systems integration",
        r"cloud platforms",
    ],
    "AI Engineer practice: error handling, REST and GraphQL, databases and message queues": [
        r"error handling",
        r"REST and GraphQL",
        r"databases and message queues",
    ],
    "AI Engineers deploy to AWS, GCP or Azure and run monitoring and observability": [
        r"AWS, GCP (or|and) Azure",
        r"monitoring and observability",
    ],
    "using models through APIs and SDKs matters more than their internals": [
        r"APIs and SDKs",
        r"counts for more than (knowing how they work inside|understanding their internals)",
    ],
    "ML Engineer skills: deep maths, statistics, algorithms, training frameworks": [
        r"deep mathematics",
        r"statistics",
        r"algorithms",
        r"training frameworks",
    ],
    "ML Engineer practice: linear algebra, multivariate calculus, probability, inference, deep learning": [
        r"linear algebra",
        r"multivariate calculus",
        r"probability theory and statistical inference",
        r"deep learning architectures are built and optimised",
    ],
    "ML Engineers use PyTorch, TensorFlow or JAX and distributed training": [
        r"PyTorch, TensorFlow or JAX",
        r"distributed training",
    ],
    "ML Engineers need experiment tracking, model versioning and benchmarking": [
        r"experiment tracking",
        r"model versioning",
        r"performance benchmarking",
    ],
    "both roles benefit from the whole lifecycle; AI on deployment and serving, ML on research and training": [
        r"whole ML lifecycle",
        r"deployment and serving",
        r"research, development and training",
    ],
    "people switch between the roles in both directions": [r"both directions"],
    "AI to ML: deepen maths; ML to AI: strengthen software development and system design": [
        r"deepen your mathematical knowledge",
        r"software development and system design",
    ],
    "AI to ML steps: fine-tuning, courses and textbooks, open source, more model work": [
        r"fine-tuning existing models",
        r"online courses and textbooks",
        r"open-source ML projects",
        r"model-focused work",
    ],
    "ML to AI steps: fundamentals, system design, APIs and deployment, production": [
        r"software engineering basics",
        r"system design and architecture",
        r"APIs and deployment",
        r"research into production",
        r"refreshing",
        r"reaches users directly",
    ],
    "the author went from self-taught developer to Senior AI Engineer at a major tech company in four years": [
        r"from self-taught developer to Senior AI Engineer at a major tech company",
        r"four years",
    ],
    "the author preferred practical building, and implementation gave immediate business value": [
        r"practical solutions",
        r"paid off for the business right away",
        r"kept learning",
    ],
    "the author is Zen van Riel, a Senior AI Engineer and teacher specialising in LLMs": [
        r"Zen van Riel",
        r"teacher",
        r"LLMs",
        r"good AI engineering practice",
        r"first idea to production",
    ],
    "the author's blog posts come from his YouTube videos": [
        r"YouTube",
        r"written articles are produced from those videos",
    ],
    "the AI Native Engineer community focuses on practical AI engineering skills": [
        r"AI Native Engineer community",
        r"practical AI engineering skills",
    ],
    "the community offers mentorship, structured learning and guidance on choosing and succeeding": [
        r"mentoring",
        r"structured learning",
        r"picking a direction and doing well in it",
    ],
    "the community supports both paths, with members at every career stage sharing experience": [
        r"both paths",
        r"from beginners to seniors",
        r"swap experiences and advice",
    ],
    "start with the YouTube tutorials for AI fundamentals, then join the community": [
        r"YouTube tutorials",
        r"AI fundamentals",
        r"AI Native Engineer community",
    ],
}


def profile_text(profile: RoleProfile) -> str:
    """The profile card's words, as /role shows them."""
    parts = [profile.name, profile.summary, profile.suits, profile.salary.label(), profile.salary.note or ""]
    parts.append(profile.salary.scope or "")
    for items in (
        profile.builds,
        profile.daily_work,
        profile.skills,
        profile.tools,
        profile.entry_paths,
        profile.where_jobs,
        profile.lifecycle_focus,
        profile.switching,
    ):
        parts.append(bullets(items))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def answers() -> list[str]:
    knowledge, problems = load_knowledge(ROOT / "data" / "knowledge")
    assert knowledge is not None, problems
    return answer_texts(knowledge)


def answer_texts(knowledge: KnowledgeBase) -> list[str]:
    texts = [entry.answer.replace("**", "").replace("*", "") for entry in knowledge.entries()]
    texts.extend(profile_text(profile) for profile in knowledge.profiles())
    return texts


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_some_answer_states_the_fact(answers: list[str], fact: str) -> None:
    patterns = [re.compile(p, re.IGNORECASE) for p in FACTS[fact]]
    stating = [text for text in answers if all(p.search(text) for p in patterns)]
    assert stating, f"no answer states: {fact} (needs {FACTS[fact]} together)"


def test_the_check_catches_a_missing_fact(answers: list[str]) -> None:
    without_salaries = [re.sub(r"\$1[0-9]0k", "$?", text) for text in answers]
    patterns = [re.compile(p, re.IGNORECASE) for p in FACTS["ML Engineer base salary is $120k to $180k"]]
    assert not any(all(p.search(text) for p in patterns) for text in without_salaries)


# --- nothing beyond the article -------------------------------------------------------------------

ARTICLE = ROOT.parent / "shared" / "seed" / "000_fa210f31ad1d25d6.txt"
if not ARTICLE.is_file():
    ARTICLE = Path("/work/shared/seed/000_fa210f31ad1d25d6.txt")
# "one" is left out: the content uses it as a pronoun ("one such job", "in one line").
NUMBER_WORDS = [
    *("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"),
    *("twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "billion", "dozen", "twice", "double"),
]
_PLURAL_OK = ("hundreds", "thousands", "millions", "billions", "dozens")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?|\b(?:" + "|".join(NUMBER_WORDS) + r")s?\b", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*\d+\.\s", re.MULTILINE)
# "the two (roles)" names the article's subject, not a figure.
_THE_TWO = re.compile(r"\b(?:the|both|between) two\b|\btwo (?:roles|paths|careers)\b", re.IGNORECASE)

# Claims a fact-check found the bot making although the article does not (issue #11).
NOT_IN_ARTICLE = {
    "a degree is not required": r"no degree (is )?required|don't need a degree|without a degree",
    "a salary gap of a few thousand dollars": r"few thousand dollars",
    "anything about remote work": r"\bremote\b",
    "a ranking of industries by pay": r"which industries pay",
    "demand in every region and every industry": r"every region and every industry",
    "research-focused employers pay the most": r"pay the most",
    "the four years counted from learning to code": r"taught himself to code|four years later",
    "a timeline for studying maths": r"many months|long stretch",
    "a first job being easier to find": r"first job",
    "ML Engineers only sometimes publish": r"sometimes publish|some ML Engineers publish",
    "AI Engineering as the way in for any beginner": r"accessible way in when you are starting out",
    "people moving only from AI to ML Engineering": r"begin in AI Engineering .* move toward model building later",
}


def numbers_in(text: str) -> set[str]:
    """The figures a text states: digits ($110k counts as 110) and number words, lowercased."""
    text = _THE_TWO.sub("", _LIST_MARKER.sub("", text))
    found = set()
    for token in _NUMBER.findall(text):
        token = token.lower().replace(",", "")
        found.add(token[:-1] if token in _PLURAL_OK else token)
    return found


def quiz_texts() -> list[str]:
    """What the quizzes tell members as fact: explanations, right answers, results and reasons.
    Wrong choices are left out: they are meant to be wrong."""
    from bot.quiz import KnowledgeQuiz, PathQuiz, load_quizzes

    book, problems = load_quizzes(ROOT / "data" / "quizzes", None)
    assert book is not None, problems
    texts: list[str] = []
    for quiz_id in book.ids():
        quiz = book.get(quiz_id)
        if isinstance(quiz, KnowledgeQuiz):
            for question in quiz.questions:
                texts.append(question.explanation)
                texts.extend(choice.label for choice in question.choices if choice.correct)
        elif isinstance(quiz, PathQuiz):
            for question in quiz.questions:
                texts.extend(choice.because for choice in question.choices if choice.because)
            for outcome in (quiz.results.ai, quiz.results.ml, quiz.results.balanced):
                texts.append(outcome.summary)
                texts.extend(step.label for step in outcome.next_steps)
    return texts


@pytest.fixture(scope="module")
def everything_said(answers: list[str]) -> list[str]:
    return [*answers, *quiz_texts()]


def test_the_article_is_where_the_figures_come_from() -> None:
    assert ARTICLE.is_file(), f"the source article is missing: {ARTICLE}"
    assert numbers_in(ARTICLE.read_text(encoding="utf-8")) >= {"110", "160", "120", "180", "four", "million"}


def test_every_figure_an_answer_states_is_in_the_article(everything_said: list[str]) -> None:
    allowed = numbers_in(ARTICLE.read_text(encoding="utf-8"))
    invented = {number: text[:80] for text in everything_said for number in numbers_in(text) if number not in allowed}
    assert not invented, f"figures the article does not give: {invented}"


def test_the_figure_check_catches_an_invented_figure() -> None:
    allowed = numbers_in(ARTICLE.read_text(encoding="utf-8"))
    for invented in ("Entry-level AI Engineers start at $90k.", "It takes about three years.", "In 2023 pay rose."):
        assert numbers_in(invented) - allowed, invented
    assert not numbers_in("1. Fine-tune a model\n2. Study the two roles") - allowed


@pytest.mark.parametrize("claim", sorted(NOT_IN_ARTICLE))
def test_no_answer_makes_a_claim_the_article_does_not(everything_said: list[str], claim: str) -> None:
    pattern = re.compile(NOT_IN_ARTICLE[claim], re.IGNORECASE)
    making = [text[:120] for text in everything_said if pattern.search(text)]
    assert not making, f"says {claim}: {making}"


def test_salary_answers_say_what_the_figures_are_and_are_not(answers: list[str]) -> None:
    knowledge, _ = load_knowledge(ROOT / "data" / "knowledge")
    assert knowledge is not None
    salary = knowledge.get("salary-comparison")
    assert salary is not None
    for pattern in (r"US dollars", r"research-focused companies", r"starting \(entry-level\)", r"other countries"):
        assert re.search(pattern, salary.answer), pattern
    for profile in knowledge.profiles():
        assert profile.salary.scope and "starting salaries" in profile.salary.scope
        assert "research-focused companies" in profile.salary.scope
        assert "other countries" in profile.salary.scope
