"""Turning member text into matchable terms: normalising, typo repair, synonyms and stemming.

The same pipeline runs over the knowledge base and over every question, so a synonym or an
abbreviation only has to be listed once here to work in both directions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_NON_WORD = re.compile(r"[^a-z0-9$]+")
_APOSTROPHES = re.compile(r"['’‘`´]")

# Several words in a row that mean one thing. Applied to normalised text, longest first.
PHRASES: Mapping[str, str] = {
    "machine learning": "ml",
    "artificial intelligence": "ai",
    "ai engineering": "ai engineer",
    "ai engineers": "ai engineer",
    "ai eng": "ai engineer",
    "ai dev": "ai engineer",
    "ai developer": "ai engineer",
    "ai developers": "ai engineer",
    "ml engineering": "ml engineer",
    "ml engineers": "ml engineer",
    "ml eng": "ml engineer",
    "ml dev": "ml engineer",
    "silicon valley": "siliconvalley",
    "bay area": "siliconvalley",
    "san francisco": "siliconvalley",
    "sf": "siliconvalley",
    "higher paid": "salary",
    "better paid": "salary",
    "day to day": "daily",
    "spend time": "daily",
    "spend their time": "daily",
    "spend my time": "daily",
    "spend most of their time": "daily",
    "spend the day": "daily",
    "better for me": "choose",
    "right for me": "choose",
    "best for me": "choose",
    "fit for me": "choose",
    "should a": "choose",
    "typical day": "daily",
    "all day": "daily",
    "get into": "start",
    "getting into": "start",
    "got into": "start",
    "break into": "start",
    "breaking into": "start",
    "get started": "start",
    "getting started": "start",
    "get in": "start",
    "career change": "switch",
    "career changer": "switch",
    "career changers": "switch",
    "career switcher": "switch",
    "ai or ml": "ai ml choose",
    "torn between": "choose",
    "ml or ai": "ml ai choose",
    "which one would you recommend": "choose",
    "which would you recommend": "choose",
    "which do you recommend": "choose",
    "which one do you recommend": "choose",
    "change careers": "switch",
    "change career": "switch",
    "tech stack": "tool",
    "open source": "opensource",
    "fine tune": "finetune",
    "fine tuning": "finetune",
    "fine tuned": "finetune",
    "self taught": "selftaught",
    "teach myself": "selftaught",
    "taught myself": "selftaught",
    "without a degree": "no degree",
    "total comp": "total salary",
    "how much": "",
    "paid to do": "do",
    "paid to": "",
    "the same": "versus",
    "the same job": "versus",
    "the same role": "versus",
    "the same thing": "versus",
    "neural network": "model",
    "neural networks": "model",
    "neural net": "model",
    "neural nets": "model",
    "job of a": "",
    "in a company": "",
    "at a company": "",
    "job of an": "",
    "job of the": "",
    "web development": "webdev",
    "web developer": "webdev",
    "web dev": "webdev",
    "front end": "webdev",
    "frontend": "webdev",
    "frontend dev": "webdev",
    "frontend developer": "webdev",
    "front end dev": "webdev",
    "front end developer": "webdev",
    "web devs": "webdev",
    "web developers": "webdev",
    "backend dev": "softwaredev",
    "backend developer": "softwaredev",
    "back end developer": "softwaredev",
    "back end": "backend",
    "software engineering": "softwaredev",
    "software engineer": "softwaredev",
    "software engineers": "softwaredev",
    "software developers": "softwaredev",
    "software devs": "softwaredev",
    "beginner friendly": "easy start",
    "software developer": "softwaredev",
    "software development": "softwaredev",
    "software dev": "softwaredev",
    "swe": "softwaredev",
    "life cycle": "lifecycle",
    "big tech": "bigtech",
    "major tech": "bigtech",
    "tech company": "bigtech",
    "tech companies": "bigtech",
    "tech hub": "hub",
    "tech hubs": "hub",
    "ai first": "aifirst",
    "ai native": "ainative",
    "prompt engineering": "prompting",
    "should i": "choose",
    "should i learn": "skill",
    "need to know": "skill",
    "need to learn": "skill",
    "should learn": "skill",
    "should know": "skill",
    "have to learn": "skill",
    "have to know": "skill",
    "prompt engineer": "prompting",
}

# Words that mean the same thing here: canonical form, then every word that becomes it.
# Applied to knowledge-base text and questions alike, before stemming.
_SYNONYM_GROUPS: Mapping[str, str] = {
    "ai engineer": "aie aies aieng",
    "ml engineer": "mle mles mleng",
    "salary": (
        "pay pays paid paying payment salary salaries earn earns earning earnings "
        "compensation comp money wage wages income paycheck paycheque paychecks paycheques tc $"
    ),
    "degree": (
        "degree degrees phd phds doctorate masters master msc bsc bachelor bachelors diploma "
        "credentials credential university uni college academic formal qualification qualifications "
        "cs"
    ),
    "math": "math maths mathematics mathematical calculus algebra statistics stats statistical probability theory",
    "switch": (
        "switch switching switched transition transitioning transitioned pivot pivoting move moving "
        "moved change changing"
    ),
    "easy": "easy easier easiest hard harder hardest difficult difficulty accessible tough tougher barrier",
    "start": "start starting begin beginning beginner beginners enter entry entering newbie novice junior first",
    "job": (
        "job jobs opportunity opportunities demand hiring hire openings market employment positions position vacancies"
    ),
    "industry": (
        "industry industries sector sectors company companies employer employers field fields "
        "domain domains business businesses"
    ),
    "location": (
        "location locations where city cities country countries region regions geography geographic "
        "geographically hubs hub live places"
    ),
    "tool": "tool tools framework frameworks library libraries stack tooling",
    "skill": "skill skills skillset competencies abilities requirement requirements",
    "versus": (
        "vs versus compare comparison compared comparing difference differences differ different "
        "distinction contrast between diff diffs"
    ),
    "choose": "choose choosing chose pick picking decide deciding decision select path paths route direction",
    "daily": "daily day days routine everyday schedule",
    "community": "community communities mentorship mentor mentors mentoring",
    "youtube": "youtube video videos tutorial tutorials channel yt",
    "research": "research researcher researchers researching paper papers publish publishing academia",
    "equity": "equity stock stocks shares rsu rsus options",
    "bonus": "bonus bonuses",
    "weak": "bad terrible weak awful poor suck sucks struggle struggling rusty hate hates dislike",
    "llm": "llm llms gpt chatgpt claude gemini",
    "deploy": "deploy deploying deployment deployments serving serve production docker kubernetes k8s containers",
    "pytorch": "pytorch torch",
    "tensorflow": "tensorflow tf keras",
    "api": "api apis endpoint endpoints rest restful graphql sdk sdks",
    "model": "model models modelling modeling",
    "train": "train training trained trains",
    "hardware": "gpu gpus hardware tpu tpus",
    "senior": "senior seniority",
    "softwaredev": "developer developers dev devs programmer programmers coder coders backend",
    "story": "story background journey history bio",
    "author": "author writer zen riel wrote written guide article blog",
}
SYNONYMS: Mapping[str, str] = {
    word: canonical for canonical, group in _SYNONYM_GROUPS.items() for word in group.split()
}

# Words that carry no meaning for matching: English function words and chat filler.
_STOPWORD_TEXT = """
    a about above after again against all also am an and any anyone anybody are aren arent as at be because
    been before being below both but by can cant could couldn did didn didnt do does doesn doesnt doing don
    dont down during each either else etc even ever every few for from further get gets getting go goes going
    gonna got guys had has have having he her here hers herself him himself his how however i id if im in
    into is isn isnt it its itself ive just kind kinda know let lets like ll lot lots me mean might mine more
    most much must my myself need needs needed no nor not now of off often on once one ones only or other
    our ours out over own per pls plz please probably quick question questions rather re really right s
    same say she should so some someone something sort still such sure t tell than thank thanks that thats
    the their theirs them themselves then there these they theyre thing things this those though through
    to too u under until up us usually ve very want wanna was way we well were what whats when which while
    who whom whose why will with within without wonder wondering would wouldn ya yeah yes yet you your
    youre yours yourself yourselves hi hey hello hiya yo folks everyone everybody all people guy lol lmao
    haha hahaha hmm ok okay idk tbh btw imo anyway anyways currently actually basically literally honestly
    bit little good great nice cool stuff guess think thought sb someone somebody trying try tried does
    typically generally usually ask asking asked help helps curious seems seem look looking better best
    two both each role roles exactly even thing like five long wise kind sorts anything somewhere someday
    maybe perhaps discord server find common possible normal usual important enough basically worth
    found get go use using used build bot focus focusing focused aspiring wannabe future define definition explain
    describe overview
    certain honest real realistically truly seriously definitely totally super pretty quite
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

_PHRASE_PATTERN = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b")


def normalize(text: str) -> str:
    """Lowercase words separated by single spaces: the form questions are grouped by in the log."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def words(text: str) -> list[str]:
    """The normalised words of `text`, before synonyms and stemming."""
    return normalize(text).split()


# "make" is about pay only where a sentence like "what do ML engineers make (a year)" puts it.
_MAKE_AS_PAY = re.compile(r"\bmakes?\b(?=\s*$|\s+(?:a|per|in|at|than|on|yearly|annually|compared|starting|after)\b)")
_MAKE_OTHERWISE = re.compile(r"\b(?:make|makes|making)\b")


def apply_phrases(text: str) -> str:
    """Replace multi-word expressions by their canonical form."""
    text = _MAKE_OTHERWISE.sub("", _MAKE_AS_PAY.sub("salary", text))
    return _PHRASE_PATTERN.sub(lambda m: PHRASES[m.group(1)], text)


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


_ROLES = frozenset({"ai", "ml"})
_TOWARDS = frozenset({"to", "into", "towards", "toward", "become", "becoming"})
_ARTICLES = frozenset({"a", "an", "the", "engineer", "engineering", "full", "time"})


def _directions(mapped: list[str]) -> list[str]:
    """Terms for a move from one role to the other: "AI to ML" and "ML to AI" mean different things.

    A direction is read when the second role follows "to", "into" or "become" (articles allowed
    in between), e.g. "from ai engineering to ml", "aie to mle", "i'm an ml engineer, how do i
    become an ai engineer"."""
    found: list[str] = []
    previous: str | None = None
    for index, word in enumerate(mapped):
        if word not in _ROLES:
            continue
        if previous is not None and previous != word:
            back = index - 1
            while back >= 0 and mapped[back] in _ARTICLES:
                back -= 1
            if back >= 0 and mapped[back] in _TOWARDS:
                found.append(f"{previous}to{word}")
        previous = word
    return found


_MONEY = re.compile(r"^\$?[0-9]+k$")


def canonical_terms(tokens: Iterable[str]) -> list[str]:
    """Synonyms, stopwords and stemming applied to already-normalised, already-repaired words."""
    text = apply_phrases(" ".join("salary" if _MONEY.match(token) else token for token in tokens))
    mapped = [part for word in text.split() for part in SYNONYMS.get(word, word).split()]
    terms = [stem(part) for part in mapped if part not in STOPWORDS]
    terms.extend(_directions(mapped))
    return terms


def terms(text: str) -> list[str]:
    """The matchable terms of a piece of knowledge-base text (no typo repair)."""
    return canonical_terms(words(text))


def surface_vocabulary(texts: Iterable[str]) -> set[str]:
    """Every word a question can be repaired towards: the knowledge base's own words plus every
    synonym and phrase word this module knows, without stopwords and very short words."""
    vocabulary: set[str] = set()
    for text in texts:
        vocabulary.update(words(text))
    vocabulary.update(SYNONYMS)
    for phrase in PHRASES:
        vocabulary.update(phrase.split())
    return {word for word in vocabulary if len(word) >= 3 and word not in STOPWORDS and not word.isdigit()}
