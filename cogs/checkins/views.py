"""Check-in buttons and modals. Buttons are DynamicItems: they survive restarts and reload the
round from the database; only the round's partners (or its person) can use them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from bot.errors import NotFound
from bot.modals import PersistentModal, Values, choice_values, text_value
from bot.tree import friendly_errors
from bot.ui import ATTUNE_COLOUR

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.repositories.checkins import Answer, Round

MOODS = (
    ("1", "1 · really hard"),
    ("2", "2 · low"),
    ("3", "3 · okay"),
    ("4", "4 · good"),
    ("5", "5 · really good"),
)


def mood_select(default: int | None = None) -> discord.ui.Select[Any]:
    return discord.ui.Select(
        custom_id="mood",
        options=[
            discord.SelectOption(
                label=label, value=value, default=default is not None and int(value) == default
            )
            for value, label in MOODS
        ],
        min_values=1,
        max_values=1,
    )


class AnswerModal(PersistentModal):
    """Answered through bot.modals (`submitted`), so an answer typed across a restart is kept."""

    submit_pattern = r"attune:checkin:modal:(?P<round_id>[0-9]{1,20})"
    given_back: ClassVar[Mapping[str, str]] = {"answer": "Your answer"}

    def __init__(self, bot: AttuneBot, round_: Round, prompt: str, earlier: Answer | None) -> None:
        super().__init__(title="Your check-in", custom_id=f"attune:checkin:modal:{round_.id}")
        self.bot = bot
        self.round = round_
        self.add_item(
            discord.ui.TextDisplay(f"**{prompt}**\nYour partner sees this only once you've both answered.")
        )
        self.mood = mood_select(earlier.mood if earlier else None)
        self.add_item(discord.ui.Label(text="How are you feeling?", component=self.mood))
        self.body: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            max_length=2000,
            default=earlier.body if earlier else None,
            placeholder="Whatever is true for you right now.",
        )
        self.add_item(discord.ui.Label(text="Your answer", component=self.body))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        bot = interaction.client
        assert bot.checkin_dispatcher is not None
        # One query: the round and whether the submitter is one of its partners (NotFound if not).
        round_, _ = await bot.services.checkins.round_for_partner(int(match["round_id"]), interaction.user.id)
        await bot.checkin_dispatcher.submit_answer(
            interaction, round_, _mood_of(values), text_value(values, "answer")
        )


class PersonalModal(PersistentModal):
    """Answered through bot.modals (`submitted`), so an answer typed across a restart is kept."""

    submit_pattern = r"attune:checkin:personal-modal:(?P<round_id>[0-9]{1,20})"
    given_back: ClassVar[Mapping[str, str]] = {"answer": "Your answer"}

    def __init__(self, bot: AttuneBot, round_: Round, prompt: str) -> None:
        super().__init__(title="Your check-in", custom_id=f"attune:checkin:personal-modal:{round_.id}")
        self.bot = bot
        self.round = round_
        self.add_item(discord.ui.TextDisplay(f"**{prompt}**\nThis goes to your private journal only."))
        self.mood = mood_select()
        self.add_item(discord.ui.Label(text="How are you feeling?", component=self.mood))
        self.body: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="answer", style=discord.TextStyle.paragraph, max_length=4000
        )
        self.add_item(discord.ui.Label(text="Your answer", component=self.body))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        bot = interaction.client
        assert bot.checkin_dispatcher is not None
        round_ = await bot.services.checkins.repo.round(int(match["round_id"]))
        if round_ is None or round_.user_id != interaction.user.id:
            raise NotFound("That check-in isn't one of yours, so I can't open it.")
        await bot.checkin_dispatcher.submit_personal(
            interaction, round_, _mood_of(values), text_value(values, "answer")
        )


def _mood_of(values: Values) -> int:
    """The picked mood, or 0 (which the service refuses kindly) when the value is not 1 to 5."""
    picked = choice_values(values, "mood")
    return int(picked[0]) if picked and picked[0] in {"1", "2", "3", "4", "5"} else 0


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"attune:checkin:answer:(?P<round_id>[0-9]+)"
):
    def __init__(self, round_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Answer",
                style=discord.ButtonStyle.primary,
                custom_id=f"attune:checkin:answer:{round_id}",
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(int(match["round_id"]))

    async def callback(self, interaction: discord.Interaction[AttuneBot]) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            dispatcher = interaction.client.checkin_dispatcher
            assert dispatcher is not None
            await dispatcher.open_answer(interaction, self.round_id)


class WriteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"attune:checkin:write:(?P<round_id>[0-9]+)"
):
    def __init__(self, round_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Write", style=discord.ButtonStyle.primary, custom_id=f"attune:checkin:write:{round_id}"
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> WriteButton:
        return cls(int(match["round_id"]))

    async def callback(self, interaction: discord.Interaction[AttuneBot]) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            bot = interaction.client
            round_ = await bot.services.checkins.repo.round(self.round_id)
            if round_ is None or round_.user_id != interaction.user.id:
                raise NotFound("That check-in isn't one of yours, so I can't open it.")
            prompt = bot.services.checkins.prompt_text(round_.prompt_id)
            await interaction.response.send_modal(PersonalModal(bot, round_, prompt))


class HistoryPageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"attune:checkin:history:(?P<couple_id>[0-9]+):(?P<page>[0-9]{1,6})",
):
    def __init__(self, couple_id: int, page: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"attune:checkin:history:{couple_id}:{page}",
            )
        )
        self.couple_id = couple_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HistoryPageButton:
        return cls(int(match["couple_id"]), int(match["page"]), "")

    async def callback(self, interaction: discord.Interaction[AttuneBot]) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            from cogs.checkins.cog import render_history

            couple = await interaction.client.services.couples.couple_by_id(self.couple_id)
            if couple is None or interaction.user.id not in couple.partner_ids:
                raise NotFound("That history isn't yours, so I can't show it.")
            embed, view = await render_history(interaction.client, couple, self.page)
            await interaction.response.edit_message(embed=embed, view=view)


def round_view(round_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(round_id))
    return view


def write_view(round_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(WriteButton(round_id))
    return view


def round_embed(prompt: str, partners: list[tuple[str, bool]], status: str = "open") -> discord.Embed:
    embed = discord.Embed(title="Today's check-in", description=f"**{prompt}**", colour=ATTUNE_COLOUR)
    answered = "\n".join(f"{'✅' if done else '⏳'} {name}" for name, done in partners)
    embed.add_field(name="Answered", value=answered or "Nobody yet", inline=False)
    if status == "open":
        embed.set_footer(
            text="Press Answer to reply privately. Answers are shown here once you've both replied."
        )
    elif status == "closed":
        embed.set_footer(text="This check-in has closed. Any answer given stays private with its author.")
    else:
        embed.set_footer(text="You both answered: your answers are just below.")
    return embed


def reveal_embeds(prompt: str, answers: list[tuple[str, int, str]]) -> list[discord.Embed]:
    embeds = []
    for name, mood, body in answers:
        embed = discord.Embed(title=f"{name} · mood {mood}/5", description=body, colour=ATTUNE_COLOUR)
        embeds.append(embed)
    if embeds:
        embeds[0].set_author(name=prompt[:256])
    return embeds
