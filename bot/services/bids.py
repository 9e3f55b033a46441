"""Bids for connection: small reaches for attention, interest, affection or support (John Gottman's
research), noted privately by the person who noticed, made, missed or turned toward one.

Private unless the person shares one note. The week's count is of the person's own noticing and
turning toward only: never a miss, never a partner's, never a comparison. Someone else's note
behaves exactly like one that does not exist.
"""

from __future__ import annotations

from bot.clock import Clock, unix
from bot.errors import NotFound, UserFacingError
from bot.records.bids import Bid, BidKind, BidWeek
from bot.repositories.bids import BidsRepository

BID_LINE_MAX = 200
WEEK_SECONDS = 7 * 24 * 60 * 60
CHOICES_MAX = 25  # one autocomplete list
WEEK_SHOWN = 40  # notes listed in one /bid week; every one of them is in /privacy export

# How each kind is offered and named back to the person, in the order offered.
KIND_LABELS: dict[BidKind, str] = {
    BidKind.NOTICED: "I noticed one",
    BidKind.MADE: "I made one",
    BidKind.MISSED: "I missed one",
    BidKind.TURNED_TOWARD: "I turned toward one",
}

NOT_FOUND = "I couldn't find that note among yours. Pick one from the list as you type."
UNKNOWN_KIND = (
    "Please pick what happened from the list: you noticed a bid, made one, missed one, or turned toward one."
)
TOO_LONG = f"Please keep it to one short line, under {BID_LINE_MAX} characters. Nothing was saved."


class BidsService:
    def __init__(self, repository: BidsRepository, clock: Clock) -> None:
        self._repo = repository
        self._clock = clock

    async def note(self, user_id: int, kind: str, line: str | None) -> Bid:
        """Keep one note; the line is optional, one line, and at most BID_LINE_MAX characters."""
        chosen = parse_kind(kind)
        text = " ".join((line or "").split())  # one line, whatever was pasted
        if len(text) > BID_LINE_MAX:
            raise UserFacingError(TOO_LONG)
        return await self._repo.add(user_id, chosen, text, self._now())

    async def week(self, user_id: int) -> BidWeek:
        """The person's own notes of the last seven days (the newest WEEK_SHOWN), and how many they
        noticed or turned toward."""
        since = self._now() - WEEK_SECONDS
        counts = await self._repo.counts_since(user_id, since)
        return BidWeek(
            since=since,
            notes=tuple(await self._repo.since(user_id, since, WEEK_SHOWN)),
            total=sum(counts.values()),
            noticed=counts.get(BidKind.NOTICED, 0),
            turned_toward=counts.get(BidKind.TURNED_TOWARD, 0),
        )

    async def get(self, bid_id: int, user_id: int) -> Bid:
        found = await self._repo.get(bid_id, user_id)
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    async def get_by_text(self, value: str, user_id: int) -> Bid:
        """Resolve what the command option carried (an id from autocomplete)."""
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:  # never a row id: not found
            raise NotFound(NOT_FOUND)
        return await self.get(int(text), user_id)

    async def search(self, user_id: int, typed: str) -> list[Bid]:
        """The person's newest notes whose line or kind holds what they typed, for autocomplete."""
        needle = typed.strip().casefold()
        own = await self._repo.newest(user_id, 100)
        found = [b for b in own if needle in b.line.casefold() or needle in KIND_LABELS[b.kind].casefold()]
        return found[:CHOICES_MAX]

    def now(self) -> int:
        return self._now()

    async def claim_share(self, bid_id: int, user_id: int, previewed_at: int) -> tuple[Bid, int]:
        """Reserve one post for the preview shown at `previewed_at`; returns it and the claim time."""
        bid = await self.get(bid_id, user_id)
        now = self._now()
        if not await self._repo.claim_share(bid_id, user_id, previewed_at, now):
            raise UserFacingError("You've shared this note already.")
        return bid, now

    async def release_share(self, bid_id: int, user_id: int, claimed_at: int) -> None:
        await self._repo.release_share(bid_id, user_id, claimed_at)

    def _now(self) -> int:
        return unix(self._clock.now())


def parse_kind(value: str) -> BidKind:
    try:
        return BidKind(value.strip())
    except ValueError:
        raise UserFacingError(UNKNOWN_KIND) from None
