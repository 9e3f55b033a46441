"""The private journal: each person's own, seen by nobody unless its author shares an entry.

Every method takes the acting person's user_id and only ever touches that person's entries. An
entry that belongs to someone else raises exactly the same NotFound as one that does not exist.

People name their entries by their own numbers (entry 1, 2, 3...: `Entry.number`), typed or picked
from autocomplete; buttons and forms carry an entry key ("n3": the owner's number 3). The database
id never reaches a person.
Validation happens before anything is stored, so a refused entry leaves nothing half-way.
"""

from __future__ import annotations

import random
import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypedDict, Unpack

from bot.clock import Clock, from_unix, unix
from bot.content import ContentLibrary, Prompt
from bot.errors import NotFound, UserFacingError
from bot.records.journal import Entry
from bot.repositories.journal import JournalRepository
from bot.repositories.people import PeopleRepository
from bot.timeparse import first_known_zone

TITLE_MAX = 100
BODY_MAX = 4000  # Discord's limit for one text input in a modal
PAGE_SIZE = 10
SEARCH_MAX = 100
MOODS = {1: "really hard", 2: "low", 3: "okay", 4: "good", 5: "really good"}

ENTRY_NOT_FOUND = "I couldn't find that entry in your journal. Pick one from the list as you type."
EMPTY_ENTRY = "Your entry was empty, so there was nothing to save."
ALREADY_SHARED = "That entry is already shared in your thread. /journal unshare takes it back."
NOT_SHARED = "That entry isn't shared, so there is nothing to take back."


class ZoneLookup(Protocol):
    async def timezone_for(self, user_id: int, guild_id: int) -> zoneinfo.ZoneInfo: ...


class EntryFields(TypedDict, total=False):
    """What `write_dated` takes besides the author and the body, for the callers that pass it on."""

    title: str | None
    mood: int | None
    prompt_id: str | None
    guild_id: int | None
    kind: str


@dataclass(frozen=True)
class JournalPage:
    entries: list[Entry]
    page: int  # 0-based, clamped to the pages that exist
    pages: int  # at least 1
    total: int


class JournalService:
    def __init__(
        self, repository: JournalRepository, people: PeopleRepository, content: ContentLibrary, clock: Clock
    ) -> None:
        self._repo = repository
        self._people = people
        self._content = content
        self._clock = clock

    # -- writing -----------------------------------------------------------------------------

    async def write(self, user_id: int, *, body: str, **fields: Unpack[EntryFields]) -> Entry:
        """`write_dated`, for a caller that has no use for the timezone."""
        entry, _ = await self.write_dated(user_id, body=body, **fields)
        return entry

    async def write_dated(
        self,
        user_id: int,
        *,
        body: str,
        title: str | None = None,
        mood: int | None = None,
        prompt_id: str | None = None,
        guild_id: int | None = None,
        kind: str = "entry",
    ) -> tuple[Entry, zoneinfo.ZoneInfo]:
        """`write`, plus the timezone to date the entry in for its author (the same rule as
        `timezone_for`), read by the very statement that saves it: one round trip to SQLite."""
        title, body = _checked(title, body)
        _check_mood(mood)
        if prompt_id is not None and self._content.prompt(prompt_id) is None:
            prompt_id = None  # a prompt removed from the content since the modal opened
        entry, zones = await self._repo.insert(
            user_id=user_id,
            guild_id=guild_id,
            kind=kind,
            title=title,
            body=body,
            mood=mood,
            prompt_id=prompt_id,
            now=self._now(),
        )
        person_zone, server_zone = zones
        return entry, first_known_zone([person_zone, server_zone if guild_id is not None else None])

    async def save_checkin_answer(
        self, user_id: int, body: str, mood: int | None, prompt_id: str | None, round_id: int
    ) -> Entry:
        """Keep a personal check-in answer in the person's journal (kind 'checkin').

        Saving again for the same round updates that entry rather than adding a second one.
        """
        _, body = _checked(None, body)
        _check_mood(mood)
        return await self._repo.upsert_checkin(
            user_id=user_id, round_id=round_id, body=body, mood=mood, prompt_id=prompt_id, now=self._now()
        )

    async def edit(
        self, user_id: int, entry_id: int, *, body: str, title: str | None, mood: int | None
    ) -> Entry:
        title, body = _checked(title, body)
        _check_mood(mood)
        entry = await self._repo.update(
            user_id=user_id, entry_id=entry_id, title=title, body=body, mood=mood, now=self._now()
        )
        return _found(entry)

    async def delete(self, user_id: int, entry_id: int) -> Entry:
        return _found(await self._repo.delete(user_id=user_id, entry_id=entry_id))

    # -- reading -----------------------------------------------------------------------------

    async def get(self, user_id: int, entry_id: int) -> Entry:
        return _found(await self._repo.get(user_id=user_id, entry_id=entry_id))

    async def get_by_ref(self, user_id: int, reference: str) -> Entry:
        """The author's entry named by what they typed or picked: their own number ("3", "#3")."""
        return await self.get_by_number(user_id, parse_entry_ref(reference))

    async def get_by_number(self, user_id: int, number: int) -> Entry:
        return _found(await self._repo.get_by_number(user_id=user_id, number=number))

    async def get_by_key(self, user_id: int, key: str) -> Entry:
        """The author's entry named by a button's or form's entry key (see `entry_key`)."""
        if key.startswith("n"):
            return await self.get_by_number(user_id, parse_entry_ref(key[1:]))
        return await self.get(user_id, parse_entry_ref(key))  # a button made before numbers: the id

    async def page(self, user_id: int, page: int) -> JournalPage:
        total = await self._repo.count(user_id)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        entries = await self._repo.page(user_id, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        return JournalPage(entries=entries, page=page, pages=pages, total=total)

    async def entries(self, user_id: int) -> list[Entry]:
        return await self._repo.all_for(user_id)

    async def search(self, user_id: int, text: str, *, limit: int = PAGE_SIZE) -> list[Entry]:
        """Entries whose title or body contains `text` (case-insensitive), newest first.

        Title and body are encrypted at rest, so SQL cannot look inside them: this decrypts the
        author's own entries and matches in Python. Fine for one person's journal (hundreds or a
        few thousand entries); it never reads anyone else's rows.
        """
        needle = _fold(text)
        if not needle:
            raise UserFacingError("Type a word or two to look for.")
        if len(text) > SEARCH_MAX:
            raise UserFacingError(f"Keep the search under {SEARCH_MAX} characters.")
        found = [
            e for e in await self._repo.all_for(user_id) if needle in _fold(f"{e.title or ''}\n{e.body}")
        ]
        return found[:limit]

    async def suggestions(
        self, user_id: int, typed: str, zone: zoneinfo.ZoneInfo, *, limit: int = 25
    ) -> list[Entry]:
        """Autocomplete: the author's entries matching what they typed (their number, title, words
        or date); the entry whose number it is comes first."""
        needle = _fold(typed)
        entries = await self._repo.all_for(user_id)
        if needle:
            entries = [
                e
                for e in entries
                if needle in _fold(f"#{e.number} {e.title or ''} {e.body} {entry_date(e, zone)}")
            ]
            number = needle.removeprefix("#")
            entries.sort(key=lambda e: str(e.number) != number)  # stable: newest first otherwise
        return entries[:limit]

    # -- prompts -----------------------------------------------------------------------------

    async def pick_prompt(self, user_id: int) -> Prompt | None:
        """A personal prompt this person has not written to yet, when one is left."""
        prompts = list(self._content.personal_prompts)
        if not prompts:
            return None
        used = await self._repo.prompt_ids_used(user_id)
        fresh = [p for p in prompts if p.id not in used]
        return random.choice(fresh or prompts)

    def prompt(self, prompt_id: str | None) -> Prompt | None:
        return None if prompt_id is None else self._content.prompt(prompt_id)

    # -- sharing (the cog posts; these keep the record straight) --------------------------------

    async def shareable(self, user_id: int, entry_id: int) -> Entry:
        entry = await self.get(user_id, entry_id)
        if entry.is_shared:
            raise UserFacingError(ALREADY_SHARED)
        return entry

    async def begin_share(self, user_id: int, entry_id: int, channel_id: int) -> Entry:
        """Claim the entry for one post in `channel_id`; a second, concurrent Post is refused."""
        entry = await self._repo.claim_share(
            user_id=user_id, entry_id=entry_id, channel_id=channel_id, now=self._now()
        )
        if entry is None:
            await self.get(user_id, entry_id)  # NotFound when it is not theirs or gone
            raise UserFacingError(ALREADY_SHARED)
        return entry

    async def finish_share(self, user_id: int, entry_id: int, channel_id: int, message_id: int) -> Entry:
        entry = await self._repo.record_share(
            user_id=user_id, entry_id=entry_id, channel_id=channel_id, message_id=message_id
        )
        return _found(entry)

    async def abandon_share(self, user_id: int, entry_id: int) -> None:
        """The post failed: the entry is private again, so Post can be tried once more."""
        await self._repo.clear_share(user_id=user_id, entry_id=entry_id, message_id=None)

    async def shared(self, user_id: int, entry_id: int) -> Entry:
        entry = await self.get(user_id, entry_id)
        if not entry.is_shared:
            raise UserFacingError(NOT_SHARED)
        return entry

    async def clear_share(self, user_id: int, entry: Entry) -> Entry:
        cleared = await self._repo.clear_share(
            user_id=user_id, entry_id=entry.id, message_id=entry.shared_message_id
        )
        return cleared or await self.get(user_id, entry.id)

    # -- time --------------------------------------------------------------------------------

    async def timezone_for(
        self, user_id: int, guild_id: int | None, couples: ZoneLookup | None = None
    ) -> zoneinfo.ZoneInfo:
        """The person's timezone: the couples service's answer when given one, else the person's
        own setting, else the server's (guild_settings), else UTC."""
        if couples is not None and guild_id is not None:
            return await couples.timezone_for(user_id, guild_id)
        person = await self._people.get(user_id)
        names = [person.timezone if person else None]
        if guild_id is not None:
            names.append(await self._repo.server_timezone(guild_id))
        return first_known_zone(names)

    # -- export ------------------------------------------------------------------------------

    async def export_markdown(self, user_id: int, zone: zoneinfo.ZoneInfo, author_name: str) -> str | None:
        """The whole journal as one Markdown document, oldest first; None when it is empty."""
        entries = list(reversed(await self._repo.all_for(user_id)))
        if not entries:
            return None
        exported = self._clock.now().astimezone(zone)
        lines = [
            f"# {author_name}'s Attune journal",
            "",
            f"Exported {exported.day} {exported:%B %Y, %H:%M} ({zone.key}). {len(entries)} "
            f"{'entry' if len(entries) == 1 else 'entries'}, oldest first.",
            "",
        ]
        for entry in entries:
            heading = entry.title or KIND_NAMES.get(entry.kind, "Entry")
            lines += [
                "---",
                "",
                f"## Entry {entry.number} · {entry_datetime(entry, zone)}: {_md_line(heading)}",
                "",
            ]
            facts = [f"*{KIND_NAMES.get(entry.kind, 'Entry')}*"]
            if entry.mood is not None:
                facts.append(f"mood {entry.mood}/5 ({MOODS[entry.mood]})")
            if entry.is_shared:
                facts.append("shared with your partner")
            lines += [" · ".join(facts), ""]
            prompt = self.prompt(entry.prompt_id)
            if prompt is not None:
                lines += [f"> Prompt: {_md_line(prompt.text)}", ""]
            lines += [entry.body.strip(), ""]
        return "\n".join(lines)

    def _now(self) -> int:
        return unix(self._clock.now())


KIND_NAMES = {
    "entry": "Journal entry",
    "reflection": "Reflection",
    "checkin": "Check-in",
    "exercise": "Exercise",
    "meeting": "Couple meeting",
}


# A button's or form's entry key: "n" and the owner's number ("n3"); a bare id came before numbers.
ENTRY_KEY = r"n?[0-9]{1,20}"


def entry_key(entry: Entry) -> str:
    return f"n{entry.number}"


def number_of_key(key: str) -> int | None:
    """The owner's number an entry key names, when it names one (not an older, id-based key)."""
    return int(key[1:]) if key.startswith("n") and key[1:].isdigit() else None


def parse_entry_ref(reference: str) -> int:
    text = reference.strip().lstrip("#")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise NotFound(ENTRY_NOT_FOUND)
    return int(text)


def entry_date(entry: Entry, zone: zoneinfo.ZoneInfo) -> str:
    moment = _local(entry.created_at, zone)
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def entry_datetime(entry: Entry, zone: zoneinfo.ZoneInfo) -> str:
    return local_datetime(entry.created_at, zone)


def local_datetime(seconds: int, zone: zoneinfo.ZoneInfo) -> str:
    """'Monday 2 March 2026, 09:00' in the person's timezone."""
    moment = _local(seconds, zone)
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M}"


def first_words(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0] or flat[: limit - 1]
    return cut + "…"


def _local(seconds: int, zone: zoneinfo.ZoneInfo) -> datetime:
    return from_unix(seconds).astimezone(zone)


def _found(entry: Entry | None) -> Entry:
    """The author's entry, or the one NotFound for an entry that is gone and for someone else's."""
    if entry is None:
        raise NotFound(ENTRY_NOT_FOUND)
    return entry


def _checked(title: str | None, body: str) -> tuple[str | None, str]:
    title = (title or "").strip() or None
    if title is not None and len(title) > TITLE_MAX:
        raise UserFacingError(
            f"Titles can be up to {TITLE_MAX} characters; yours has {len(title)}. Nothing was saved."
        )
    if not body.strip():
        raise UserFacingError(EMPTY_ENTRY)
    body = body.strip("\n")
    if len(body) > BODY_MAX:
        raise UserFacingError(
            f"An entry can be up to {BODY_MAX:,} characters; yours has {len(body):,}. Nothing was saved."
        )
    return title, body


def _check_mood(mood: int | None) -> None:
    if mood is not None and mood not in MOODS:
        raise UserFacingError("Mood goes from 1 to 5.")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _md_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
