"""What admins read: reload reports, unanswered questions (embed and CSV), /stats, /config."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from bot import limits
from bot.knowledge import KnowledgeBase
from bot.problems import Problem
from bot.storage.asks import WrongAnswer
from bot.storage.guilds import GuildConfig
from bot.storage.stats import ServerStats, UnansweredQuestion
from bot.ui import teach as teach_ui
from bot.ui.charts import path_label

if TYPE_CHECKING:
    from bot.reload import ReloadResult

OK_COLOUR = discord.Colour.green()
ERROR_COLOUR = discord.Colour.red()
INFO_COLOUR = discord.Colour.blurple()
UNANSWERED_CSV = "unanswered.csv"
PROBLEMS_FILE = "content-problems.txt"
STATS_CHART = "stats.png"
MAX_LINE = 300
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def _fit_lines(lines: Sequence[str], limit: int) -> tuple[str, int]:
    """Join as many whole lines as fit in `limit` characters; returns the text and how many fit."""
    text = ""
    shown = 0
    for line in lines:
        candidate = f"{text}\n{line}" if text else line
        if len(candidate) > limit:
            break
        text = candidate
        shown += 1
    return text, shown


# /kb reload


def problem_line(problem: Problem, directory: Path) -> str:
    """One problem, with the file shown relative to the content folder."""
    file = problem.file
    with contextlib.suppress(ValueError, OSError):
        file = str(Path(problem.file).resolve().relative_to(directory.resolve()))
    return str(Problem(file, problem.entry, problem.field, problem.message))


def reload_reply(result: ReloadResult) -> tuple[discord.Embed, list[discord.File]]:
    """The embed for /kb reload, and the full problem list as a file when it does not fit."""
    if result.ok:
        embed = discord.Embed(
            title="Content reloaded",
            colour=OK_COLOUR,
            description=(
                f"The knowledge base now has {_plural(result.entries_after, 'entry', 'entries')} "
                f"(it had {result.entries_before})."
            ),
        )
        if result.quizzes_changed:
            changed = ", ".join(result.quizzes_changed)
            note = f"Changed: {changed}."
            if result.sessions_on_older_version:
                note += (
                    f" {_plural(result.sessions_on_older_version, 'quiz session')} already running "
                    "keep the version they started with; new sessions use the new one."
                )
            embed.add_field(name="Quizzes", value=limits.clip(note, limits.EMBED_FIELD_VALUE), inline=False)
        return embed, []

    lines = [f"• {discord.utils.escape_markdown(problem_line(p, result.directory))}" for p in result.problems]
    count = len(result.problems)
    which = "this problem" if count == 1 else f"these {count} problems"
    intro = (
        f"Nothing changed: the old content stays in service. Fix {which} in the content files, "
        "then run /kb reload again."
    )
    body_limit = limits.EMBED_DESCRIPTION - len(intro) - 80
    body, shown = _fit_lines([limits.clip(line, MAX_LINE) for line in lines], body_limit)
    files: list[discord.File] = []
    description = f"{intro}\n\n{body}"
    if shown < count:
        description += f"\n…and {count - shown} more, listed in the attached {PROBLEMS_FILE}."
    if shown < count or any(len(line) > MAX_LINE for line in lines):
        report = "\n".join(problem_line(p, result.directory) for p in result.problems) + "\n"
        files.append(discord.File(io.BytesIO(report.encode("utf-8")), filename=PROBLEMS_FILE))
    embed = discord.Embed(
        title=f"Content not reloaded: {_plural(count, 'problem')}",
        colour=ERROR_COLOUR,
        description=limits.clip(description, limits.EMBED_DESCRIPTION),
    )
    return embed, files


# /kb unanswered


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def no_unanswered_sentence(days: int) -> str:
    return (
        f"No question went unanswered in the last {_plural(days, 'day')}: "
        "every one got a confident answer, or nobody asked."
    )


def unanswered_reply(questions: Sequence[UnansweredQuestion], days: int, ask_ids: dict[str, int]) -> dict[str, Any]:
    """/kb unanswered: the list, its CSV, and "Write an answer" and "It is about …" for each
    question (the Teach cog handles them)."""
    csv_file = discord.File(io.BytesIO(unanswered_csv(questions)), filename=UNANSWERED_CSV)
    view = teach_ui.unanswered_view(questions, ask_ids)
    return {"embed": unanswered_embed(questions, days), "file": csv_file, "view": view}


def entry_title(knowledge: KnowledgeBase, entry_id: str) -> str:
    entry = knowledge.get(entry_id)
    return entry.title if entry is not None else f"{entry_id} (no longer in the knowledge base)"


def no_feedback_sentence(days: int) -> str:
    return f"No answer was marked \u201cNot what I asked\u201d in the last {_plural(days, 'day')}."


def feedback_embed(wrong: Sequence[WrongAnswer], days: int, title_of: Callable[[str], str]) -> discord.Embed:
    """Answers members marked "Not what I asked", grouped by entry with the questions that led there."""
    lines = []
    for item in wrong:
        title = discord.utils.escape_markdown(limits.clip(title_of(item.entry_id), 100))
        lines.append(f"**{title}** (`{item.entry_id}`) · {_plural(item.votes, 'vote')}")
        for question in item.questions[:5]:
            text = discord.utils.escape_markdown(limits.clip(" ".join(question.split()), 150))
            lines.append(f"\u2003• {text}")
        if len(item.questions) > 5:
            lines.append(f"\u2003• … and {len(item.questions) - 5} more")
    body, shown = _fit_lines(lines, limits.EMBED_DESCRIPTION - 200)
    embed = discord.Embed(
        title=limits.clip(f"Answers marked “Not what I asked”, last {_plural(days, 'day')}", limits.EMBED_TITLE),
        colour=INFO_COLOUR,
        description=body,
    )
    total = sum(item.votes for item in wrong)
    footer = f"{_plural(len(wrong), 'entry', 'entries')}, {_plural(total, 'vote')} in all, most votes first."
    if shown < len(lines):
        footer += " Some questions did not fit."
    embed.set_footer(text=limits.clip(footer, limits.EMBED_FOOTER))
    return embed


def unanswered_embed(questions: Sequence[UnansweredQuestion], days: int) -> discord.Embed:
    """The most frequent unanswered questions; the CSV attachment carries all of them."""
    lines = []
    for q in questions:
        text = discord.utils.escape_markdown(limits.clip(" ".join(q.question.split()), 150))
        who = _plural(q.members, "member")
        lines.append(f"**{q.count}×** {text} · {who} · last <t:{int(q.last_asked)}:R>")
    body, shown = _fit_lines(lines, limits.EMBED_DESCRIPTION - 200)
    embed = discord.Embed(
        title=limits.clip(f"Unanswered questions, last {_plural(days, 'day')}", limits.EMBED_TITLE),
        colour=INFO_COLOUR,
        description=body,
    )
    total = sum(q.count for q in questions)
    footer = f"{_plural(len(questions), 'distinct question')}, asked {_plural(total, 'time')} in all."
    if shown < len(questions):
        footer += f" Showing the {shown} most frequent; {UNANSWERED_CSV} has every one."
    else:
        footer += f" {UNANSWERED_CSV} has the same list for a spreadsheet."
    embed.set_footer(text=limits.clip(footer, limits.EMBED_FOOTER))
    return embed


def _csv_cell(text: str) -> str:
    """Member text that a spreadsheet would read as a formula is prefixed with an apostrophe."""
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


def unanswered_csv(questions: Sequence[UnansweredQuestion]) -> bytes:
    """Every unanswered question as CSV (UTF-8, header row), most frequent first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["question", "normalized", "times_asked", "members", "last_asked_utc", "best_score"])
    for q in questions:
        writer.writerow(
            [
                _csv_cell(q.question),
                _csv_cell(q.normalized),
                q.count,
                q.members,
                datetime.fromtimestamp(q.last_asked, tz=UTC).isoformat(timespec="seconds"),
                f"{q.best_score:.3f}",
            ]
        )
    return buffer.getvalue().encode("utf-8")


# /stats


def no_stats_sentence(days: int) -> str:
    return (
        f"Nothing to show for the last {_plural(days, 'day')}: nobody in this server asked a question "
        "or started a quiz. Try a longer period, for example /stats days:90."
    )


def stats_embed(stats: ServerStats, entry_title: Callable[[str], str] | None = None) -> discord.Embed:
    title_of = entry_title or (lambda entry_id: entry_id)
    embed = discord.Embed(
        title=f"Crossroads in this server, last {_plural(stats.days, 'day')}",
        colour=INFO_COLOUR,
    )
    faq = stats.faq
    if faq.asked:
        questions = (
            f"{_plural(faq.asked, 'question')} asked: {faq.answered} answered ({_percent(faq.answered, faq.asked)}), "
            f"{faq.declined} declined"
        )
        if faq.low_confidence:
            questions += f"; {faq.low_confidence} of the answers had low confidence"
        questions += ". /kb unanswered lists the gaps."
    else:
        questions = "No questions asked."
    if faq.helpful or faq.not_helpful:
        questions += f"\nVotes on answers: {faq.helpful} Helpful, {faq.not_helpful} Not what I asked" + (
            ". /kb feedback lists the answers marked wrong." if faq.not_helpful else "."
        )
    embed.add_field(name="Questions", value=limits.clip(questions, limits.EMBED_FIELD_VALUE), inline=False)

    if faq.top_entries:
        top_lines = [
            f"{i}. {discord.utils.escape_markdown(limits.clip(title_of(entry_id), 80))} ({count})"
            for i, (entry_id, count) in enumerate(faq.top_entries[:5], start=1)
        ]
        top_text, _ = _fit_lines(top_lines, limits.EMBED_FIELD_VALUE)
        embed.add_field(name="Most used answers", value=top_text, inline=False)

    if stats.quizzes:
        quiz_lines = [
            f"{q.quiz_id}: {q.started} started, {q.completed} completed ({_percent(q.completed, q.started)})"
            for q in stats.quizzes
        ]
        if len(stats.quizzes) > 1:
            quiz_lines.append(
                f"All quizzes: {stats.quiz_starts} started, {stats.quiz_completions} completed "
                f"({_percent(stats.quiz_completions, stats.quiz_starts)})"
            )
        quiz_text, _ = _fit_lines(quiz_lines, limits.EMBED_FIELD_VALUE)
        embed.add_field(name="Quizzes", value=quiz_text, inline=False)
    else:
        embed.add_field(name="Quizzes", value="No quizzes started.", inline=False)

    if stats.path_results:
        finished = sum(stats.path_results.values())
        split = " · ".join(f"{path_label(k)} {n} ({_percent(n, finished)})" for k, n in stats.path_results.items())
        embed.add_field(name="Path finder results", value=limits.clip(split, limits.EMBED_FIELD_VALUE), inline=False)

    scores = stats.scores
    if scores.count and scores.average_score is not None and scores.average_fraction is not None:
        spread = ", ".join(
            f"{score}: {_plural(n, 'member')}" for score, n in sorted(scores.distribution.items(), reverse=True)
        )
        text = (
            f"{_plural(scores.count, 'check')} finished, average {scores.average_score:.1f} of {scores.out_of} "
            f"({round(100 * scores.average_fraction)}%).\nScores: {spread}."
        )
        embed.add_field(name="Knowledge check", value=limits.clip(text, limits.EMBED_FIELD_VALUE), inline=False)
    embed.set_image(url=f"attachment://{STATS_CHART}")
    return embed


# /config


def role_problem(role: discord.Role, guild: discord.Guild) -> str | None:
    """Why the bot could not give `role` to members of `guild`, as a sentence; None when it can."""
    name = discord.utils.escape_markdown(role.name)
    if role.guild.id != guild.id or guild.get_role(role.id) is None:
        return "That role is not one of this server's roles. Pick a role from this server."
    if role.is_default():
        return "@everyone cannot be a reward: every member already has it. Pick or create a role for the path."
    if role.managed:
        return (
            f"The role **{name}** is managed by an integration (a bot, a boost or a subscription), so nobody "
            "can hand it out. Pick or create an ordinary role."
        )
    me = guild.me
    if me is None:
        return "I cannot see my own membership in this server yet. Try again in a minute."
    if not me.guild_permissions.manage_roles:
        return (
            "I need the Manage Roles permission to give roles. Grant it to my role in Server Settings → Roles, "
            "then run /config again."
        )
    if role >= me.top_role:
        top = discord.utils.escape_markdown(me.top_role.name)
        return (
            f"The role **{name}** is not below my highest role (**{top}**), and Discord only lets me give roles "
            f"below it. In Server Settings → Roles, drag **{top}** above **{name}**, then run /config again."
        )
    return None


def _role_text(guild: discord.Guild, role_id: int | None, rewards_on: bool) -> str:
    if role_id is None:
        return "not set"
    role = guild.get_role(role_id)
    if role is None:
        return f"a deleted role (id {role_id}); set a new one with /config role"
    text = role.mention
    problem = role_problem(role, guild)
    if problem is not None and rewards_on:
        text += f"\n⚠️ {problem}"
    return text


def config_embed(config: GuildConfig, guild: discord.Guild) -> discord.Embed:
    embed = discord.Embed(title="Crossroads settings for this server", colour=INFO_COLOUR)
    rewards = config.role_rewards
    embed.add_field(
        name="AI Engineer role",
        value=limits.clip(_role_text(guild, config.ai_role_id, rewards), limits.EMBED_FIELD_VALUE),
        inline=False,
    )
    embed.add_field(
        name="ML Engineer role",
        value=limits.clip(_role_text(guild, config.ml_role_id, rewards), limits.EMBED_FIELD_VALUE),
        inline=False,
    )
    embed.add_field(
        name="Role rewards",
        value="on: a path finder result gives its role" if rewards else "off: results give no role",
        inline=True,
    )
    embed.add_field(
        name="Quiz expiry",
        value=f"{_plural(config.quiz_expiry_hours, 'hour')} without an answer",
        inline=True,
    )
    embed.add_field(
        name="/ask replies",
        value="private (only the asker sees them)" if config.ask_private else "public (the whole channel sees them)",
        inline=True,
    )
    trivia_role = f"<@&{config.trivia_role_id}> and " if config.trivia_role_id else ""
    embed.add_field(
        name="Trivia",
        value=f"{config.trivia_seconds} seconds per question; started by {trivia_role}Manage Server",
        inline=True,
    )
    embed.set_footer(
        text="Change these with /config role, /config rewards, /config expiry, /config ask and /config trivia."
    )
    return embed


# --- what a /config change did --------------------------------------------------------------------

PATHS = {"ai": "AI Engineer", "ml": "ML Engineer"}


def path_role_sentence(path: str, role: discord.Role | None, config: GuildConfig) -> str:
    if role is None:
        return f"Members whose path finder result is {PATHS[path]} no longer get a role."
    sentence = (
        f"Members whose path finder result is {PATHS[path]} now get the role "
        f"**{discord.utils.escape_markdown(role.name)}**."
    )
    if not config.role_rewards:
        sentence += " Role rewards are off, so turn them on with /config rewards for this to happen."
    return sentence


def rewards_sentence(config: GuildConfig) -> str:
    if not config.role_rewards:
        return "Role rewards are off: path finder results give no role. Roles already given stay."
    if config.ai_role_id is None and config.ml_role_id is None:
        return "Role rewards are on. No role is mapped yet: add one with /config role."
    return "Role rewards are on."


def expiry_sentence(hours: int) -> str:
    return f"Quizzes now expire after {hours} hour{'s' if hours != 1 else ''} without an answer."


def ask_sentence(private: bool) -> str:
    if private:
        return "/ask replies are now private by default: only the member who asked sees them."
    return "/ask replies are now public by default: the whole channel sees them."


def trivia_sentence(seconds: int | None, role: discord.Role | None, clear_role: bool) -> str | None:
    sentences = []
    if seconds is not None:
        sentences.append(f"Trivia questions now last {seconds} seconds unless a game chooses otherwise.")
    if clear_role:
        sentences.append("Only members with Manage Server can start trivia games now.")
    elif role is not None:
        sentences.append(
            f"Members with the role **{discord.utils.escape_markdown(role.name)}** can now start trivia games."
        )
    return " ".join(sentences) or None
