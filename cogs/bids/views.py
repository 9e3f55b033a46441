"""How a bid note looks (the private week, the shared card) and the persistent Post / Cancel buttons
of a share preview.

custom_ids: attune:bid:post:<id>:<previewed_at> and attune:bid:cancel:<id>. Someone else's note id
answers exactly like one that does not exist.
"""

from __future__ import annotations

import discord

from bot.client import AttuneBot
from bot.clock import from_unix
from bot.components import AttuneButton, persistent_items, persistent_view
from bot.content import Exercise
from bot.records.bids import Bid, BidKind, BidWeek
from bot.services.bids import KIND_LABELS
from bot.sharing import CANCEL_LABEL, CANCEL_STYLE, POST_LABEL, POST_STYLE
from bot.ui import ATTUNE_COLOUR
from cogs.exercises.share import post_to_couple_thread, require_active_couple
from cogs.resources.render import AUTHOR_MAX, DESCRIPTION_MAX, Section, truncate

Interaction = discord.Interaction[AttuneBot]

WHAT_A_BID_IS = "A bid is a small reach for attention, interest, affection or support."
EXERCISE_ID = "turning-toward"  # the exercise that teaches bids (content/exercises/17-turning-toward.yaml)

# A word after a note is kept: warm, never a verdict.
NOTED_WORDS: dict[BidKind, str] = {
    BidKind.NOTICED: "Noticing is where it starts. Next time, try turning toward it: a look, a word.",
    BidKind.MADE: "Reaching out takes a little courage, however it was answered.",
    BidKind.MISSED: "Everyone misses some. Seeing it afterwards is how you catch the next one.",
    BidKind.TURNED_TOWARD: "That small turn is how closeness is built, one moment at a time.",
}

# The shared card, in the first person of whoever shares it.
SHARED_TITLES: dict[BidKind, str] = {
    BidKind.NOTICED: "A bid I noticed",
    BidKind.MADE: "A bid I made",
    BidKind.MISSED: "A bid I missed",
    BidKind.TURNED_TOWARD: "A bid I turned toward",
}
# What the card says when the note has no line of its own.
SHARED_WITHOUT_A_LINE: dict[BidKind, str] = {
    BidKind.NOTICED: "I noticed a moment when you reached for me.",
    BidKind.MADE: "I reached for you in a small way, and wanted you to know.",
    BidKind.MISSED: "You reached for me and I missed it. I'd like to catch the next one.",
    BidKind.TURNED_TOWARD: "You reached for me, and I turned toward you.",
}


def noted_reply(bid: Bid) -> str:
    quoted = f"\n> {bid.line}" if bid.line else ""
    return (
        f"Noted, just for you: **{KIND_LABELS[bid.kind]}**.{quoted}\n{NOTED_WORDS[bid.kind]}\n\n"
        "`/bid week` shows your last 7 days; `/bid share` can show one note to your partner, after a preview."
    )


def _bids(count: int) -> str:
    return f"{count} bid" if count == 1 else f"{count} bids"


def week_section(week: BidWeek, exercise: Exercise | None) -> Section:
    """The person's own week: what they noticed and turned toward counted, every note listed."""
    title = "Your bids, the last 7 days"
    if not week.notes:
        hint = f" The exercise “{exercise.title}” (`/exercise start`) says more." if exercise else ""
        return Section(
            title,
            "No bids noted in the last 7 days. Small moments count: a “look at this”, a sigh, a hand on "
            f"your shoulder. `/bid note` keeps one when you notice it.\n\n{WHAT_A_BID_IS}{hint}",
        )
    lines = [f"You noticed **{_bids(week.noticed)}** and turned toward **{_bids(week.turned_toward)}**."]
    if any(n.kind is BidKind.MISSED for n in week.notes):
        lines.append(
            "Missed ones are listed here, never counted: seeing them is how the next one gets caught."
        )
    if week.total > len(week.notes):
        lines.append(f"Showing your newest {len(week.notes)}; every note is in `/privacy export`.")
    lines.append("Only you see this. `/bid share` can show one note to your partner, after a preview.")
    entries = tuple(
        (
            KIND_LABELS[bid.kind] + (" (shared)" if bid.shared_at is not None else ""),
            f"<t:{bid.noted_at}:f>" + (f"\n{bid.line}" if bid.line else ""),
        )
        for bid in week.notes
    )
    return Section(title, "\n".join(lines), entries=entries)


def shared_bid_embed(bid: Bid, author: str) -> discord.Embed:
    """The card your partner sees: one note, never a count."""
    embed = discord.Embed(
        title=SHARED_TITLES[bid.kind],
        description=truncate(bid.line or SHARED_WITHOUT_A_LINE[bid.kind], DESCRIPTION_MAX),
        colour=ATTUNE_COLOUR,
        timestamp=from_unix(bid.noted_at),  # Discord shows it in each reader's own time
    )
    embed.set_author(name=truncate(author, AUTHOR_MAX))
    embed.set_footer(text=WHAT_A_BID_IS)
    return embed


class _BidButton(AttuneButton):
    """Every bid button carries the note's id; only its owner may press it. Someone else's id
    answers exactly like one that does not exist (the service's NotFound)."""

    bid_id: int

    async def may_press(self, interaction: Interaction) -> bool:
        await interaction.client.services.bids.get(self.bid_id, interaction.user.id)
        return True


class PostButton(_BidButton, route="bid:post:{bid_id}:{previewed_at}"):
    label = POST_LABEL
    style = POST_STYLE
    previewed_at: int

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        service = bot.services.bids
        user_id = interaction.user.id
        await require_active_couple(bot, interaction.guild_id, user_id)
        await interaction.response.defer()
        bid, claimed_at = await service.claim_share(self.bid_id, user_id, self.previewed_at)
        thread = await post_to_couple_thread(
            interaction,
            "bid",
            shared_bid_embed(bid, interaction.user.display_name),
            still_kept=lambda: service.get(self.bid_id, user_id),
            release=lambda: service.release_share(self.bid_id, user_id, claimed_at),
        )
        await interaction.edit_original_response(
            content=f"Posted in {thread.mention}.",
            embed=shared_bid_embed(bid, interaction.user.display_name),
            view=None,
        )


class CancelButton(_BidButton, route="bid:cancel:{bid_id}"):
    label = CANCEL_LABEL
    style = CANCEL_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        await interaction.response.edit_message(content="Nothing was posted.", embed=None, view=None)


def share_view(bid_id: int, previewed_at: int) -> discord.ui.View:
    return persistent_view(PostButton(bid_id=bid_id, previewed_at=previewed_at), CancelButton(bid_id=bid_id))


DYNAMIC_ITEMS = persistent_items(PostButton, CancelButton)
