"""A person's own data: all of it as files they can keep, or all of it gone.

Export is one JSON file (complete, machine-readable) and one Markdown file (readable). Erase asks
for a typed phrase first; a wrong phrase changes nothing.
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from bot.clock import Clock, unix
from bot.content import ContentLibrary
from bot.errors import UserFacingError
from bot.records.privacy import Erasure, PersonData
from bot.repositories.privacy import PrivacyRepository
from bot.services import privacy_readable
from bot.services.people import PeopleService

# Looks up the name a server shows for a person (server id or None, user id): None when unknown.
# The cog supplies it (it can ask Discord); this service never imports discord.
NameLookup = Callable[[int | None, int], Awaitable[str | None]]

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
    def __init__(
        self,
        repo: PrivacyRepository,
        content: ContentLibrary,
        clock: Clock,
        people: PeopleService | None = None,
    ) -> None:
        self._repo = repo
        self._people = people  # told when a person's row is erased (its owed DM notice goes too)
        self._content = content
        self._clock = clock

    def now(self) -> int:
        return unix(self._clock.now())

    async def record_post(
        self, user_id: int, channel_id: int, message_id: int, *, kind: str = "shared", mark: int | None = None
    ) -> bool:
        """Keep the post so /privacy delete can take it down; False (nothing kept) when the person's
        data was erased since `mark` (PeopleService.erasure_mark): the caller takes it down itself."""
        people = self._people

        def not_erased() -> bool:
            return people is None or people.not_erased_since(user_id, mark)

        await self._repo.record_post(user_id, channel_id, message_id, kind, self.now(), not_erased)
        return not_erased()

    async def forget_post(self, channel_id: int, message_id: int) -> None:
        """The post was taken down (its words were erased while it was in flight)."""
        await self._repo.forget_post(channel_id, message_id)

    async def export(
        self, user_id: int, *, zone: zoneinfo.ZoneInfo | None = None, names: NameLookup | None = None
    ) -> ExportFiles:
        """The JSON file (complete; times ISO 8601 UTC; ids as stored, with the words they stand
        for added beside them) and the Markdown file (for the person: `zone`, names from `names`)."""
        zone = zone or zoneinfo.ZoneInfo("UTC")
        data = await self._repo.collect(user_id)
        known = await self._names(data, names)
        document = {
            "about": "Everything Attune keeps that you wrote or chose. Times are UTC.",
            "exported_at": _iso(self.now()),
            "readable_file_time_zone": zone.key,
            **_with_iso_times(self._with_words(asdict(data), known)),
        }
        return ExportFiles(
            json_text=json.dumps(document, ensure_ascii=False, indent=2),
            markdown_text=privacy_readable.render(data, self._content, zone, known, self.now()),
            empty=data.is_empty(),
        )

    async def _names(self, data: PersonData, lookup: NameLookup | None) -> privacy_readable.Names:
        wanted = {(c["server_id"], c["partner_id"]) for c in data.couples if c["partner_id"]}
        wanted |= {(i["server_id"], i["other_person_id"]) for i in data.invitations}
        names: dict[tuple[int | None, int], str] = {}
        if lookup is None:
            return names
        for server_id, person_id in sorted(wanted, key=lambda key: (key[0] or 0, key[1])):
            name = await lookup(server_id, person_id)
            if name:
                names[(server_id, person_id)] = name
        return names

    def _with_words(self, document: dict[str, Any], names: privacy_readable.Names) -> dict[str, Any]:
        """Beside each stored id, what it stood for when exported (prompt, exercise and step titles,
        names): added keys only, the stored ones stay as they are."""
        content = self._content
        for entry in document["journal"]:
            prompt = content.prompt(entry["prompt_id"]) if entry["prompt_id"] else None
            entry["prompt_text"] = prompt.text if prompt else None
        for answer in document["checkin_answers"]:
            prompt = content.prompt(answer["prompt_id"]) if answer["prompt_id"] else None
            answer["question"] = prompt.text if prompt else None
        for run in document["exercises"]:
            exercise = content.exercise(run["exercise_id"])
            run["title"] = exercise.title if exercise else None
            for reflection in run["reflections"]:
                steps = exercise.steps if exercise else ()
                step = steps[reflection["step"]] if reflection["step"] < len(steps) else None
                reflection["step_title"] = step.title if step else None
        for couple in document["couples"]:
            couple["partner_name"] = names.get((couple["server_id"], couple["partner_id"]))
        for invitation in document["invitations"]:
            invitation["other_person_name"] = names.get(
                (invitation["server_id"], invitation["other_person_id"])
            )
        for checkup in document["other"].get("progress_checkups", []):
            checkup["answers_in_words"] = privacy_readable.checkup_words(content, checkup.get("answers"))
        return document

    async def erase(self, user_id: int, typed_phrase: str) -> Erasure:
        if not phrase_matches(typed_phrase):
            raise UserFacingError(WRONG_PHRASE)
        erasure = await self._repo.erase(user_id)
        if self._people is not None:
            self._people.forget(user_id)
        return erasure
