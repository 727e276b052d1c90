"""What the guide does not cover, and what a member's message is really asking.

The article compares the two careers in general; it says nothing about age, remote work, other
countries, entry-level or junior pay, which programming language to learn first, which course to
take, data science as a job, visas, freelancing or part-time work, jobs at named companies, job
interviews, other careers, or the community's events and schedules. A question on one of those
subjects shares many words with real entries ("how much do AI engineers make *in India*"), so the
matcher must recognise the subject and decline it plainly rather than answer with a neighbouring
entry. A server's own entry may still answer such a question (see matcher.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.text import normalize

_COUNTRIES = (
    "india|indian|germany|german|uk|england|britain|london|canada|canadian|australia|brazil|nigeria|"
    "pakistan|bangladesh|philippines|france|spain|italy|netherlands|poland|europe|european|eu|asia|africa|"
    "latin america|mexico|china|japan|korea|singapore|dubai|uae|egypt|kenya|turkey|vietnam|indonesia|"
    "ireland|sweden|switzerland|russia|ukraine|argentina|colombia|my country|other countries|abroad"
)

# Named employers: the article speaks of kinds of company (big tech, research-heavy, AI-first, with
# OpenAI and Anthropic as providers of models), never of one company's hiring, pay or interviews.
_COMPANIES = (
    "google|meta|facebook|microsoft|amazon|aws|apple|netflix|nvidia|tesla|ibm|"
    "oracle|salesforce|uber|airbnb|spotify|faang|maang|mag7"
)
_AT_COMPANY = (
    r"hire|hires|hiring|hired|pay|pays|salar\w*|interview\w*|offers?|recruit\w*|leetcode|"
    r"work(ing)? (at|for)|jobs? (at|with)|get (into|hired)|join(ing)?|apply(ing)?|applications?"
)
# "An ML engineer at Google": one company's job, whatever is asked about it.
_ONE_COMPANY = rf"\b(at|for) ({_COMPANIES})\b"

_GATHERINGS = (
    r"(the|next|weekly|group|community|voice|video|zoom|discord|study) calls?|meetups?|meet ups?|meetings?|events?|"
    r"voice chats?|study groups?|study sessions?|live sessions?|live streams?|office hours|hangouts?|"
    r"workshops?|webinars?"
)


# Words before "engineer" that name one of the two roles, a kind of software engineer or how
# senior one is, or that belong to the sentence rather than the job ("to become an engineer").
_ENGINEER_WORDS = (
    "ai|ml|mle|aie|machine|learning|llm|llms|gpt|genai|gen|prompt|deep|nlp|vision|applied|research|"
    "software|backend|frontend|front|back|end|full|stack|fullstack|web|app|mobile|platform|devops|mlops|"
    "cloud|data|product|senior|junior|staff|lead|principal|good|great|best|real|actual|new|other|"
    "a|an|the|as|be|become|becoming|became|to|of|for|and|or|vs|any|every|each|my|your|our|their|his|her|"
    "this|that|these|those|such|them|some|one|two|both|which|what|who|whose|i|im|m|s|t|am|is|are|was|not|no|"
    "more|most|better"
)


@dataclass(frozen=True)
class Subject:
    """A subject the guide does not cover, and how a question on it is recognised."""

    name: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None  # the subject does not apply when this also matches


UNCOVERED: tuple[Subject, ...] = (
    Subject(
        "age",
        re.compile(
            r"\b(too old|too young|too late|my age|at my age|age limit|years old|(1[3-9]|[2-7][0-9]) ?yo|"
            r"at (1[3-9]|[2-7][0-9])|(1[3-9]|[2-7][0-9]) (year old|yr old)|"
            r"in my (20s|30s|40s|50s|thirties|forties|fifties)|retire\w*|teen\w*|high school student)\b"
        ),
    ),
    Subject(
        "remote work",
        re.compile(r"\b(remote\w*|work from home|wfh|from home|hybrid work|home office|digital nomad)\b"),
    ),
    Subject("other countries", re.compile(rf"\b({_COUNTRIES})\b")),
    Subject(
        "entry-level pay",
        re.compile(
            r"\b(entry level|entry-level|junior|juniors|starting (salary|pay|wage)|start(ing)? out (salary|pay)|"
            r"fresh grad\w*|new grad\w*|graduate (salary|pay|role)|intern|interns|internship\w*|first job (pay|salary)|"
            r"(salary|pay) (for|of) (a )?(beginner|junior|graduate)\w*)\b"
        ),
    ),
    Subject(
        "which programming language to learn first",
        re.compile(
            r"\b(first (programming )?language|language (should i|to) (learn|start)|which (programming )?language|"
            r"python or (javascript|js|java|c\+\+|rust|go)|(javascript|js|java|rust|go) or python|learn python first|"
            r"best language)\b"
        ),
    ),
    Subject(
        "specific courses, bootcamps or certificates",
        re.compile(
            r"\b(bootcamps?|certificat\w*|certs?|udemy|coursera|edx|andrew ng|fast ai|fastai|deeplearning ai|"
            r"specializations?|specialisations?|nanodegrees?|moocs?|"
            r"(which|what|best|good|recommend\w*|worth) (online )?courses?|courses? (worth|recommend\w*)|"
            r"(take|buy|enroll in) (a |an |the )?(online )?course)\b"
        ),
    ),
    Subject("data science as a job", re.compile(r"\b(data scien\w*)\b")),
    Subject(
        "visas and immigration",
        re.compile(r"\b(visas?|h ?1 ?b|work permits?|green cards?|(visa )?sponsorship|sponsor (me|my|a)|immigra\w*)\b"),
    ),
    Subject(
        "freelancing and part-time work",
        re.compile(
            r"\b(freelanc\w*|part time|side (gigs?|hustles?|jobs?|income)|contract (work|gigs?|roles?|jobs?)|"
            r"contracting|contractors?|upwork|fiverr|consult(ing|ancy) on the side|weekends only|"
            r"(next to|alongside|on top of) (a|my) (full time|day) job)\b"
        ),
        # A member who says they freelance asks about something else ("i freelance on shopify...").
        unless=re.compile(
            r"\b(i ve been|ive been|been|i m|im|i am|i do|i was|i did|i work)( an?)? (freelanc|part time)|"
            r"(?<!can )(?<!could )(?<!would )(?<!should )(?<!will )(?<!do )(?<!might )\bi (freelanc|work part time)"
        ),
    ),
    Subject(
        "jobs and hiring at named companies",
        re.compile(rf"\b({_COMPANIES})\b.*\b({_AT_COMPANY})\b|\b({_AT_COMPANY})\b.*\b({_COMPANIES})\b|{_ONE_COMPANY}"),
        # A kind of company named by one ("companies like google", "openai-type shops").
        unless=re.compile(rf"\b(like|such as) ({_COMPANIES})\b|\b({_COMPANIES}) (type|types|kind|kinds|style|like)\b"),
    ),
    Subject(
        "careers other than AI and ML engineering",
        re.compile(
            r"\b((civil|mechanical|chemical|electrical|biomedical|industrial|structural|aerospace|sound|audio|"
            r"environmental|petroleum|nuclear|mining|marine) engineer\w*|dentists?|doctors?|physicians?|surgeons?|"
            r"nurses?|nursing|pharmacists?|optometrists?|lawyers?|attorneys?|pilots?|chefs?|plumbers?|"
            r"electricians?|firefighters?|accountants?|accounting|architects?|footballers?|actors?|youtubers?|"
            r"uber drivers?|salespeople|salesperson|dental school|law school|medical school|med school|"
            r"(investment )?bankers?|investment banking|teachers?|professors?|graphic designers?|"
            r"(product|project|marketing|sales|store|hr) managers?|marketers?|marketing|carpent\w*|"
            r"technicians?|testers?|software testing|co ?founders?|consultants?|journalists?|photographers?|"
            r"translators?|therapists?|psychologists?|veterinar\w*|vets?|farmers?|(?<!the )mechanics?(?! of)|welders?|"
            r"truck drivers?|real estate|realtors?|economists?|actuar\w*|traders?|brokers?|cashiers?|baristas?|"
            r"hairdressers?|barbers?|musicians?|athletes?|"
            # Any other kind of engineer ("a network engineer", "sales engineers"): the guide's two are
            # named by the words below, and a word that says only how senior or what kind of software
            # ("a senior engineer", "backend engineers") is no other career.
            rf"(?!(?:{_ENGINEER_WORDS})\b)[a-z]+ engineer(s|ing)?)\b"
        ),
        unless=re.compile(
            # "Machine" misspelt or not ("a machien lerning engineer") is the ML role.
            r"\b(ai|ml|mle|mles|aie|ma[cs]h\w*|artificial intelligence|software architects?|"
            # A member who says what they do asks about the two roles ("i work in marketing...").
            r"i work (in|as)|i m (in|an?)|im (in|an?)|i am (in|an?)|"
            # A job word said of the AI trade ("the chatgpt plumbers") is a nickname for one of the roles.
            r"gpt\w*|chatgpt|llms?|neural (nets?|networks?)|chat ?bots?|claude|openai|prompts?|transformers?|"
            r"deep learning|models?|gpus?|pytorch|tensorflow|hugging ?face|"
            r"(the|these|both) (two|roles|careers|paths)|either (role|path|career)|which (role|path|career))\b"
        ),
    ),
    Subject(
        "the community's events, calls and schedules",
        re.compile(
            r"\b(when|what time|what day|schedule\w*|calendar|next|this (week|weekend)|tonight|tomorrow)\b.*"
            rf"\b({_GATHERINGS})\b|"
            rf"\b({_GATHERINGS})\b"
            r".*\b(when|what time|schedule\w*|start\w*|tonight|tomorrow|this (week|weekend))\b"
        ),
    ),
    Subject(
        "job interviews",
        re.compile(
            r"\b(interview (questions?|prep\w*|process\w*|rounds?|tips|loops?)|(coding|technical|system design|"
            r"whiteboard|take home|onsite|behavioral|behavioural) (interviews?|rounds?|tests?)|"
            r"(prepare|prep|practice|practise|study) for (an?|the|my|their) ([a-z]+ ){0,3}interviews?|"
            r"(pass|ace|crack|nail) (an?|the|my) ([a-z]+ ){0,3}interviews?)\b"
        ),
    ),
    Subject(
        "working hours and work-life balance",
        re.compile(r"\b(hours a week|hours per week|work life balance|work-life balance|overtime|burnout|stressful)\b"),
    ),
)


def uncovered_subject(question: str) -> str | None:
    """The name of the subject the guide does not cover that `question` is about, if any.

    In a long message only the asking sentences count: a member who mentions their bootcamp or
    their junior job while asking which path to take is not asking about bootcamps or junior pay."""
    text = normalize(intent_text(question) if is_long(question) else question)
    for subject in UNCOVERED:
        if subject.pattern.search(text) and not (subject.unless and subject.unless.search(text)):
            return subject.name
    return None


# --- long messages ----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+|\s+(?=(?:so|but|anyway|basically|tldr|tl;dr)\b)", re.IGNORECASE)
_ASKING = re.compile(
    r"(\?|^\s*(what|which|how|why|where|who|when|should|shall|can|could|would|will|do|does|did|is|are|am|any|"
    r"tips|advice|help|pls|please|recommend)\b|\b(wondering|recommend|suggest|advice|should i|do i need|"
    r"what do you think|which one|thoughts)\b)",
    re.IGNORECASE,
)
# "Which should I pick?" said outright.
_CHOOSING = re.compile(
    r"\b(which (role|path|career|one|of (the|these|those|them)( two)?) (should|would) (i|you)|"
    r"which (one|role|path|career|of (the|these|them)( two)?) (would suit|suits|fits|is (right|better|best|meant) for)|"
    r"which (one|role|path|career)? ?is for me|which is (better|best|right) for me|which (would suit|suits|fits)|"
    r"what (would|do) you (recommend|suggest|think)|which (one )?(would|do) you (recommend|suggest|pick|choose)|"
    r"what should i (go for|pick(?! up)|choose|aim for|target)|"
    r"(should|would) i (go for|pick(?! up)|choose|go with|go into|aim for|target|lean)|"
    r"(should|would) i (be|become) (an? )?(ai|ml|mle|aie|machine learning|engineer)|"
    r"do i (go for|pick(?! up)|choose)|"
    r"(better|best|right|suited|closer) (fit |match )?(for|to) (me|what i do|someone like me)|"
    r"help me (choose|decide|pick)|how (do|should|would|can) i (choose|decide|pick|know which)|"
    r"cant decide|can t decide|cannot decide|torn between|suit me|fit me|fits me|"
    r"which way|pick a (lane|path|side)|my (lane|path)\b|if you were me|in my (shoes|position)|point me)\b",
    re.IGNORECASE,
)
# A member who says who they are and asks "which one" / "ai or ml" asks which path to take.
_SELF = re.compile(
    r"\b(i m|im|i am|i work|i ve been|ive been|i have|i did|i do|i studied|i like|i love|i hate|i enjoy|"
    r"i care|i prefer|i keep|i get|my background|my (math|maths|coding)|background|context)\b"
)
_WHICH = re.compile(
    r"\b(which (one|of (the|these|those|them)( two)?|role|path|career|way|job|direction|side)|"
    r"(ai|ml|aie|mle)( engineer| engineering| eng)? or (ai|ml|aie|mle|machine learning)|"
    r"ai engineer(ing)? or ml|ml engineer(ing)? or ai)\b"
)
# "Which one pays more?" compares the roles on one thing: that thing's entry answers it.
_ATTRIBUTE = re.compile(
    r"\b(jobs|pay\w*|paid|salar\w*|earn\w*|money|lucrative|easier|harder|easy|hard|demand|hiring|math\w*|"
    r"degree|frameworks?|library|libraries|tools?|skills?|switch\w*)\b"
)
# "Sum it up": the choosing entry is the guide in short.
_SUMMARY = re.compile(
    r"\b(summar\w*|sum (it |this |that )?up|tl ?dr|bottom line|take ?aways?|gist|in a nutshell|short version|"
    r"elevator pitch|key points|main points|recap|cliff ?notes|in (one|two|three|a few) (lines?|sentences?))\b"
)
# "... of X" where X is not the guide, its subject or a question word: a summary of something else.
_SUMMARY_OF_ELSE = re.compile(
    r"\b(of|about|on) (the |this |that |a |an |my |your |our )?(new |whole |entire )?"
    r"(?!(guide|article|post|text|page|piece|blog|two|roles?|careers?|paths?|jobs?|ai|ml|mle|aie|machine|"
    r"artificial|it|this|that|them|these|those|both|all|each|every\w*|how|what|which|why|who|where|when|"
    r"the|an?|my|your|our|new|whole|entire|things?|stuff|lot)\b)"
    r"[a-z]{3,}"
)
LONG_WORDS = 18
SHORT_QUESTION_WORDS = 10


def is_long(question: str) -> bool:
    return len(normalize(question).split()) >= LONG_WORDS


def intent_text(question: str) -> str:
    """The part of a long message that asks something: its question sentences, else its last one.

    Members describe themselves first and ask last ("i'm a frontend dev ... what would you
    recommend?"); the description would otherwise drown the question in unrelated words."""
    sentences = [part.strip() for part in _SENTENCE_END.split(question.strip()) if part and part.strip()]
    if len(sentences) <= 1:
        return question
    asking = [index for index, sentence in enumerate(sentences) if _ASKING.search(sentence)]
    chosen = asking[-2:] or [len(sentences) - 1]
    # A short question leans on the sentence before it ("... needs a phd. is that true?").
    first = chosen[0]
    if sum(len(sentences[index].split()) for index in chosen) < SHORT_QUESTION_WORDS and first > 0:
        chosen = [first - 1, *chosen]
    return " ".join(sentences[index] for index in chosen)


def asks_which_path(question: str) -> bool:
    """Whether the member asks which of the two paths to take (the choosing entry, and the path finder).

    Said outright ("what would you recommend?"), or a member who describes themselves and asks
    "which one" or "AI or ML" without naming what to compare (pay, entry, maths, ...)."""
    text = normalize(question)
    if _CHOOSING.search(text):
        return True
    asking = normalize(intent_text(question)) if is_long(question) else text
    return bool(_WHICH.search(asking) and _SELF.search(text) and not _ATTRIBUTE.search(asking))


def asks_summary(question: str) -> bool:
    """Whether the member asks for the guide in short (the choosing entry sums it up), not for
    something else in short ("the key points of the french revolution", "hamlet in two lines")."""
    text = normalize(question)
    return bool(_SUMMARY.search(text)) and not _SUMMARY_OF_ELSE.search(text)
