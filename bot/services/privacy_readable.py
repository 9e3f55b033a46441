"""The readable half of /privacy export: everything Attune keeps about one person, written for that
person (the JSON file beside it is for machines).

Names instead of mentions, times in the person's own zone ("Tue 3 Mar 2026, 21:04"), every answer
under its question, exercises and check-ups in the words the person saw, settings in plain words.
Pure functions over the collected data and the content: the names come in already looked up.
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Mapping
from typing import Any

from bot.clock import from_unix
from bot.content import ContentLibrary
from bot.records.bids import BidKind
from bot.records.privacy import PersonData
from bot.records.prompts import own_prompt_id
from bot.services import appreciations_readable, breaks_readable
from bot.services.bids import KIND_LABELS as BID_LABELS
from bot.services.journal import KIND_NAMES, MOODS

# (server id, user id) -> the name that server shows; missing when it could not be looked up.
Names = Mapping[tuple[int | None, int], str]

COUPLE_STATUS = {
    "active": "together now",
    "paused": "paused while one of you is away from the server",
    "ended": "ended",
}
INVITATION_STATUS = {
    "pending": "still open",
    "accepted": "accepted",
    "declined": "declined",
    "cancelled": "withdrawn",
    "expired": "expired without an answer",
    "replaced": "replaced by a newer invitation",
}
ROUND_KINDS = {"couple": "couple check-in", "personal": "personal check-in"}
SHARE_STATUS = {
    "preview": "previewed, not posted",
    "posting": "being posted",
    "posted": "posted in your thread",
    "cancelled": "not posted",
}
_TABLE_TITLES = {
    "progress_checkups": "Where I stand: your check-ups",
    "progress_shares": "Mood charts you previewed or shared",
    "progress_checkup_offers": "Check-up invitations Attune sent you",
    **appreciations_readable.TITLES,
    "bids": "Bids for connection you noted",
    "meeting_answers": "What you wrote in your couple meetings",
    "meeting_topics": "Topics you chose ahead of your next couple meeting",
    "couple_prompts": "Check-in questions you added for your couple",
    **breaks_readable.TITLES,
}


def when(seconds: int | None, zone: zoneinfo.ZoneInfo) -> str:
    """'Tue 3 Mar 2026, 21:04' in the person's zone; '—' when there is no time."""
    if not seconds:
        return "—"
    moment = from_unix(int(seconds)).astimezone(zone)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def render(data: PersonData, content: ContentLibrary, zone: zoneinfo.ZoneInfo, names: Names, now: int) -> str:
    out = [
        "# Your Attune data",
        "",
        f"Exported {when(now, zone)}. This is everything Attune keeps that you wrote or chose. "
        f"Times are in your time zone ({zone.key}). The JSON file beside this one holds the same, "
        "complete, in a form other programs can read.",
        "",
    ]
    out += _settings(data, zone)
    out += _journal(data, content, zone)
    out += _exercises(data, content, zone)
    out += _boundaries(data, zone)
    out += _checkin_answers(data, content, zone)
    out += _schedules(data)
    out += _couples(data, zone, names)
    out += _invitations(data, zone, names)
    for table, rows in data.other.items():
        out += _other(table, rows, content, zone)
    if data.is_empty():
        out += ["Attune keeps nothing about you right now.", ""]
    return "\n".join(out)


def _settings(data: PersonData, zone: zoneinfo.ZoneInfo) -> list[str]:
    if not data.settings:
        return []
    settings = data.settings
    return [
        "## Your settings",
        "",
        f"- Your time zone: {settings['timezone'] or 'not set (the server’s is used)'}",
        f"- Check-in reminders by DM: {_on(settings['dm_nudges'])}",
        f"- DMs from Attune reach you: {_yes(settings['dms_reachable'])}",
        f"- First used Attune: {when(settings['first_seen_at'], zone)}",
        "",
    ]


def _journal(data: PersonData, content: ContentLibrary, zone: zoneinfo.ZoneInfo) -> list[str]:
    out: list[str] = []
    if data.journal:
        count = len(data.journal)
        out += [f"## Your journal ({count} {'entry' if count == 1 else 'entries'})", ""]
        for entry in data.journal:
            kind = KIND_NAMES.get(entry["kind"], "Entry")
            heading = f"### Entry {entry['number']} · {when(entry['created_at'], zone)}"
            if entry["title"]:
                heading += f": {_line(entry['title'])}"
            facts = [kind]
            if entry["mood"] is not None:
                facts.append(_mood(entry["mood"]))
            if entry["updated_at"] != entry["created_at"]:
                facts.append(f"edited {when(entry['updated_at'], zone)}")
            if entry["shared_at"]:
                facts.append(f"shared with your partner {when(entry['shared_at'], zone)}")
            out += [heading, "", " · ".join(facts), ""]
            prompt = content.prompt(entry["prompt_id"]) if entry["prompt_id"] else None
            if prompt is not None:
                out += [f"**{_line(prompt.text)}**", ""]
            out += [entry["body"] or "", ""]
    if data.journal_last_number:
        out += [
            f"Entry numbers are never reused: your next entry will be entry {data.journal_last_number + 1}.",
            "",
        ]
    return out


def _exercises(data: PersonData, content: ContentLibrary, zone: zoneinfo.ZoneInfo) -> list[str]:
    if not data.exercises:
        return []
    out = [f"## Exercises ({len(data.exercises)})", ""]
    for run in data.exercises:
        exercise = content.exercise(run["exercise_id"])
        title = exercise.title if exercise else run["exercise_id"]
        steps = exercise.steps if exercise else ()
        if run["status"] == "finished":
            state = f"finished {when(run['finished_at'], zone)}"
        elif steps:
            state = f"in progress, at step {min(run['step'], len(steps) - 1) + 1} of {len(steps)}"
        else:
            state = "in progress"
        out += [f"### {_line(title)}", "", f"Started {when(run['started_at'], zone)} · {state}", ""]
        for reflection in run["reflections"]:
            number = reflection["step"] + 1
            step = steps[reflection["step"]] if reflection["step"] < len(steps) else None
            label = f"Step {number}: {_line(step.title)}" if step else f"Step {number}"
            shared = " (shared with your partner)" if run["shared_step"] == reflection["step"] else ""
            out += [f"**{label}**{shared}", ""]
            if step is not None and step.question:
                out += [f"*{_line(step.question)}*", ""]
            out += [reflection["text"] or "", ""]
    return out


def _boundaries(data: PersonData, zone: zoneinfo.ZoneInfo) -> list[str]:
    if not data.boundaries:
        return []
    out = [f"## Your boundaries ({len(data.boundaries)})", ""]
    for boundary in data.boundaries:
        shared = f" (last shared {when(boundary['shared_at'], zone)})" if boundary["shared_at"] else ""
        out += [
            f"- {_line(boundary['boundary'] or '')}{shared}",
            f"  - If it's crossed: {_line(boundary['if_crossed'] or '')}",
            f"  - Written {when(boundary['created_at'], zone)}",
        ]
    return [*out, ""]


def _checkin_answers(data: PersonData, content: ContentLibrary, zone: zoneinfo.ZoneInfo) -> list[str]:
    if not data.checkin_answers:
        return []
    out = [f"## Your check-in answers ({len(data.checkin_answers)})", ""]
    for answer in data.checkin_answers:
        kind = ROUND_KINDS.get(answer["kind"], "check-in")
        prompt = content.prompt(answer["prompt_id"]) if answer["prompt_id"] else None
        question = _line(prompt.text) if prompt else "(a question no longer in Attune)"
        if own_prompt_id(answer["prompt_id"] or "") is not None:
            question = "(one of the questions you and your partner added)"
        facts = [f"{kind[0].upper()}{kind[1:]}", _mood(answer["mood"])]
        if answer["edited_at"]:
            facts.append(f"changed {when(answer['edited_at'], zone)}")
        if answer["kind"] == "couple" and answer["round_status"] == "revealed":
            facts.append("you both answered, so you both saw both answers")
        out += [
            f"### {when(answer['answered_at'], zone)}",
            "",
            f"**{question}**",
            "",
            " · ".join(facts),
            "",
            answer["answer"] or "",
            "",
        ]
    return out


def _schedules(data: PersonData) -> list[str]:
    if not data.schedules:
        return []
    out = ["## Check-in schedules", ""]
    for schedule in data.schedules:
        whose = "Your couple check-in" if schedule["kind"] == "couple" else "Your personal check-in"
        days = ", ".join(schedule["weekdays"])
        line = f"- {whose}: {schedule['local_time']} on {days} ({schedule['timezone']})"
        if schedule["paused_until"] == "9999-12-31":
            line += ", paused until you resume it"
        elif schedule["paused_until"]:
            line += f", paused until {schedule['paused_until']}"
        if schedule["skip_next"]:
            line += ", skipping the next one"
        out.append(line)
    return [*out, ""]


def _couples(data: PersonData, zone: zoneinfo.ZoneInfo, names: Names) -> list[str]:
    if not data.couples:
        return []
    out = ["## Pairing", ""]
    for couple in data.couples:
        partner = _name(names, couple["server_id"], couple["partner_id"], "your partner")
        line = f"- With {partner} since {when(couple['created_at'], zone)}"
        status = COUPLE_STATUS.get(couple["status"], couple["status"])
        if couple["status"] == "ended" and couple["ended_at"]:
            status = f"ended {when(couple['ended_at'], zone)}"
        out.append(f"{line}: {status}")
    return [*out, ""]


def _invitations(data: PersonData, zone: zoneinfo.ZoneInfo, names: Names) -> list[str]:
    if not data.invitations:
        return []
    out = ["## Pairing invitations", ""]
    for invitation in data.invitations:
        sent = invitation["direction"] == "sent"
        other = _name(
            names, invitation["server_id"], invitation["other_person_id"], "someone" if sent else "Someone"
        )
        who = f"You invited {other}" if sent else f"{other} invited you"
        status = INVITATION_STATUS.get(invitation["status"], invitation["status"])
        out.append(f"- {who}, {when(invitation['created_at'], zone)}: {status}")
    return [*out, ""]


def _other(
    table: str, rows: list[dict[str, Any]], content: ContentLibrary, zone: zoneinfo.ZoneInfo
) -> list[str]:
    title = _TABLE_TITLES.get(table, table.replace("_", " ").capitalize())
    out = [f"## {title} ({len(rows)})", ""]
    if table == "progress_checkups":
        for row in rows:
            out += _checkup(row, content, zone)
        return out
    if table in appreciations_readable.TITLES:
        return out + appreciations_readable.section(table, rows, lambda seconds: when(seconds, zone))
    if table == "meeting_answers":
        for row in rows:
            out += _meeting_answer(row, content, zone)
        return out
    if table in breaks_readable.TITLES:
        return out + breaks_readable.section(rows, lambda seconds: when(seconds, zone))
    for row in rows:
        if table == "progress_shares":
            status = SHARE_STATUS.get(row.get("status", ""), row.get("status", ""))
            out.append(f"- {when(row.get('created_at'), zone)}: a {row.get('days')}-day mood chart, {status}")
        elif table == "meeting_topics":
            out.append(f"- {when(row.get('written_at'), zone)}: {_line(str(row.get('body') or ''))}")
        elif table == "progress_checkup_offers":
            out.append(f"- Last offered {when(row.get('offered_at'), zone)}")
        elif table == "bids":
            out.append(_bid(row, zone))
        elif table == "couple_prompts":
            out.append(f"- {_line(str(row.get('text') or ''))} (added {when(row.get('created_at'), zone)})")
        else:
            shown = {k: v for k, v in row.items() if k not in ("id", "user_id")}
            out.append(
                "- " + "; ".join(f"{k.replace('_', ' ')}: {_value(k, v, zone)}" for k, v in shown.items())
            )
    return [*out, ""]


def _checkup(row: dict[str, Any], content: ContentLibrary, zone: zoneinfo.ZoneInfo) -> list[str]:
    out = [f"### {when(row.get('created_at'), zone)}", ""]
    words = checkup_words(content, row.get("answers"))
    if words is None:
        return [*out, "(these answers could not be read)", ""]
    for question, labels in words.items():
        out += [f"**{_line(question)}**", "", *(f"- {_line(label)}" for label in labels), ""]
    return out


def _bid(row: dict[str, Any], zone: zoneinfo.ZoneInfo) -> str:
    kind = row.get("kind", "")
    label = BID_LABELS[BidKind(kind)] if kind in set(BidKind) else str(kind)
    line = f": {_line(row['line'])}" if row.get("line") else ""
    shared = f" (shared with your partner {when(row['shared_at'], zone)})" if row.get("shared_at") else ""
    return f"- {when(row.get('noted_at'), zone)}, {label}{line}{shared}"


def _meeting_answer(row: dict[str, Any], content: ContentLibrary, zone: zoneinfo.ZoneInfo) -> list[str]:
    """One step of a couple meeting under the step's name, and whether your partner saw it."""
    steps = content.meeting.steps
    index = int(row.get("step") or 0)
    title = steps[index].title if 0 <= index < len(steps) else f"Step {index + 1}"
    shown = " (shown to your partner)" if row.get("message_id") else ""
    return [f"### {when(row.get('written_at'), zone)} · {title}{shown}", "", str(row.get("body") or ""), ""]


def checkup_words(content: ContentLibrary, stored: Any) -> dict[str, list[str]] | None:
    """A check-up's answers (stored as JSON: {question id: [values]}) as the questions and labels
    the person saw, in the form's order; a question since removed keeps its stored id and values."""
    try:
        answers = json.loads(stored) if isinstance(stored, str) else None
    except ValueError:
        return None
    if not isinstance(answers, dict):
        return None
    words: dict[str, list[str]] = {}
    for question in content.checkup.questions:
        chosen = answers.get(question.id) or []
        if chosen:
            words[question.text] = [o.label if (o := question.option(v)) else str(v) for v in chosen]
    known = {q.id for q in content.checkup.questions}
    for key, values in answers.items():
        if key not in known:
            words[str(key)] = [str(v) for v in values or []]
    return words


def _name(names: Names, server_id: int | None, user_id: int | None, fallback: str) -> str:
    if user_id is None:
        return fallback
    return names.get((server_id, user_id)) or fallback


def _mood(mood: int) -> str:
    return f"mood {mood}/5 ({MOODS[mood]})" if mood in MOODS else f"mood {mood}/5"


def _on(value: Any) -> str:
    return "on" if value else "off"


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _value(key: str, value: Any, zone: zoneinfo.ZoneInfo) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _yes(value)
    if key.endswith("_at") and isinstance(value, int):
        return when(value, zone)
    return _line(str(value))


def _line(text: str) -> str:
    return " ".join(text.split())
