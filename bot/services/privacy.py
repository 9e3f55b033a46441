"""A person's own data: all of it as files they can keep, or all of it gone.

Export is one JSON file (complete, machine-readable) and one Markdown file (readable). Erase asks
for a typed phrase first; a wrong phrase changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from bot.clock import Clock, unix
from bot.content import ContentLibrary
from bot.errors import UserFacingError
from bot.repositories.privacy import Erasure, PersonData, PrivacyRepository

CONFIRM_PHRASE = "delete my data"
WRONG_PHRASE = (
    f"That wasn't the phrase, so nothing was deleted. If you do want everything gone, "
    f"run /privacy delete again and type “{CONFIRM_PHRASE}”."
)
_TIME_KEYS = ("_at", "first_seen_at")


@dataclass(frozen=True)
class ExportFiles:
    json_text: str
    markdown_text: str
    empty: bool


def phrase_matches(typed: str) -> bool:
    """Forgiving about case, spaces and a trailing full stop; strict about the words."""
    words = " ".join(typed.casefold().replace("’", "'").strip().rstrip(".!").split())
    return words == CONFIRM_PHRASE


def _iso(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")
    return value


def _with_iso_times(value: Any) -> Any:
    """Unix seconds become ISO 8601 UTC, so the file reads without a converter."""
    if isinstance(value, dict):
        return {k: _iso(v) if k.endswith(_TIME_KEYS) else _with_iso_times(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_iso_times(v) for v in value]
    return value


class PrivacyService:
    def __init__(self, repo: PrivacyRepository, content: ContentLibrary, clock: Clock) -> None:
        self.repo = repo
        self._content = content
        self._clock = clock

    def now(self) -> int:
        return unix(self._clock.now())

    async def record_post(
        self, user_id: int, channel_id: int, message_id: int, *, kind: str = "shared"
    ) -> None:
        await self.repo.record_post(user_id, channel_id, message_id, kind, self.now())

    async def forget_post(self, channel_id: int, message_id: int) -> None:
        """The post was taken down (its words were erased while it was in flight)."""
        await self.repo.forget_post(channel_id, message_id)

    async def export(self, user_id: int) -> ExportFiles:
        data = await self.repo.collect(user_id)
        document = {
            "about": "Everything Attune keeps that you wrote or chose. Times are UTC.",
            "exported_at": _iso(self.now()),
            **_with_iso_times(asdict(data)),
        }
        return ExportFiles(
            json_text=json.dumps(document, ensure_ascii=False, indent=2),
            markdown_text=self._markdown(data),
            empty=data.is_empty(),
        )

    async def erase(self, user_id: int, typed_phrase: str) -> Erasure:
        if not phrase_matches(typed_phrase):
            raise UserFacingError(WRONG_PHRASE)
        return await self.repo.erase(user_id)

    # -- the readable file ----------------------------------------------------------------------

    def _markdown(self, data: PersonData) -> str:
        out = [
            "# Your Attune data",
            "",
            f"Exported {_when(self.now())}. Everything Attune keeps that you wrote or chose; "
            "the JSON file beside this one holds the same, complete.",
            "",
        ]
        if data.settings:
            out += ["## Settings", ""]
            out += [
                f"- {key.replace('_', ' ')}: {value}" for key, value in _with_iso_times(data.settings).items()
            ]
            out.append("")
        if data.journal:
            out += [f"## Journal ({len(data.journal)})", ""]
            for entry in data.journal:
                title = entry["title"] or entry["kind"].capitalize()
                mood = f" · mood {entry['mood']}/5" if entry["mood"] else ""
                out += [
                    f"### {_when(entry['created_at'])}: {_line(title)}",
                    "",
                    f"*{entry['kind']}*{mood}",
                    "",
                ]
                out += [entry["body"] or "", ""]
        if data.exercises:
            out += [f"## Exercises ({len(data.exercises)})", ""]
            for run in data.exercises:
                out += [f"### {run['exercise_id']} ({run['status']}, started {_when(run['started_at'])})", ""]
                for reflection in run["reflections"]:
                    out += [f"**Step {reflection['step'] + 1}:** {reflection['text']}", ""]
        if data.boundaries:
            out += [f"## Boundaries ({len(data.boundaries)})", ""]
            for boundary in data.boundaries:
                out += [
                    f"- {_line(boundary['boundary'] or '')}",
                    f"  - If it's crossed: {_line(boundary['if_crossed'] or '')}",
                ]
            out.append("")
        if data.checkin_answers:
            out += [f"## Check-in answers ({len(data.checkin_answers)})", ""]
            for answer in data.checkin_answers:
                out += [
                    f"### {_when(answer['answered_at'])} · mood {answer['mood']}/5",
                    "",
                    answer["answer"] or "",
                    "",
                ]
        if data.schedules:
            out += ["## Check-in schedules", ""]
            for schedule in data.schedules:
                days = ", ".join(schedule["weekdays"])
                out.append(
                    f"- {schedule['kind']}: {schedule['local_time']} on {days} ({schedule['timezone']})"
                )
            out.append("")
        if data.couples:
            out += ["## Couples", ""]
            for couple in data.couples:
                since = _when(couple["created_at"])
                out.append(f"- with <@{couple['partner_id']}> since {since} ({couple['status']})")
            out.append("")
        if data.invitations:
            out += ["## Pairing invitations", ""]
            for invitation in data.invitations:
                out.append(
                    f"- {invitation['direction']} ({invitation['status']}), {_when(invitation['created_at'])}"
                )
            out.append("")
        for table, rows in data.other.items():
            out += [f"## {table.replace('_', ' ').capitalize()} ({len(rows)})", ""]
            for row in rows:
                shown = {k: v for k, v in row.items() if k not in ("user_id",)}
                out.append("- " + "; ".join(f"{k}: {_line(str(v))}" for k, v in shown.items()))
            out.append("")
        if data.is_empty():
            out += ["Attune keeps nothing about you right now.", ""]
        return "\n".join(out)


def _when(value: int | None) -> str:
    return str(_iso(value) or "—")


def _line(text: str) -> str:
    return " ".join(text.split())
