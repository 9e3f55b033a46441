"""/help: a short first page (how to begin, in order) and a select for every other topic."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.components import AttuneSelect, persistent_view, sent_as_is
from bot.ui import ATTUNE_COLOUR
from cogs.help.topics import FIRST_STEPS, START_KEY, TOPICS, Topic, topic

INTRO = (
    "A quiet place for the two of you to practise being there for each other. "
    "What you write stays private unless you choose to share it."
)
NOT_THERAPY = "Attune is not therapy. If you need support now, `/resources` lists real help."


def start_embed() -> discord.Embed:
    embed = discord.Embed(title="Attune", description=INTRO, colour=ATTUNE_COLOUR)
    embed.add_field(name="How to begin", value=FIRST_STEPS, inline=False)
    embed.add_field(name="Good to know", value=NOT_THERAPY, inline=False)
    embed.set_footer(text="Choose a topic below to see more commands.")
    return embed


def topic_embed(chosen: Topic, descriptions: dict[str, str]) -> discord.Embed:
    lines = [f"`/{name}`: {descriptions.get(name, '')}" for name in chosen.commands]
    embed = discord.Embed(
        title=f"{chosen.emoji} {chosen.title}",
        description=f"{chosen.blurb}\n\n" + "\n".join(lines),
        colour=ATTUNE_COLOUR,
    )
    embed.set_footer(text=NOT_THERAPY.replace("`", ""))
    return embed


def topics_view(current: str = START_KEY) -> discord.ui.View:
    return persistent_view(HelpTopicSelect.showing(current))


class HelpTopicSelect(AttuneSelect, route="help:topic"):
    """Stateless (the topic is the chosen value), so it answers after a restart too. It shows
    help only, to whoever asks: anyone may use it."""

    anyone_may_press = True
    placeholder = "More help"

    @classmethod
    def showing(cls, current: str = START_KEY) -> HelpTopicSelect:
        options = [discord.SelectOption(label="How to begin", value=START_KEY, emoji="🧭")]
        options += [discord.SelectOption(label=t.title, value=t.key, emoji=t.emoji) for t in TOPICS]
        for option in options:
            option.default = option.value == current
        return cls(options=options)

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        key = self.chosen[0] if self.chosen else START_KEY
        chosen = topic(key)
        help_cog = interaction.client.get_cog("HelpCog")
        assert isinstance(help_cog, HelpCog)
        embed, view = help_cog.page(chosen)
        await interaction.response.edit_message(embed=embed, view=view)


class HelpCog(commands.Cog):
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot
        # Built on first use, once every extension has added its commands: the tree does not
        # change while the bot runs.
        self._descriptions: dict[str, str] | None = None
        # Every page is built once, embed and view alike, and sent as is (issue 18: nothing is
        # built per interaction that is the same every time).
        self._start = (start_embed(), sent_as_is(topics_view()))
        self._topics: dict[str, tuple[discord.Embed, discord.ui.View]] = {}

    def descriptions(self) -> dict[str, str]:
        if self._descriptions is None:
            self._descriptions = {
                command.qualified_name: command.description
                for command in self.bot.tree.walk_commands()
                if isinstance(command, app_commands.Command)
            }
        return self._descriptions

    def page(self, chosen: Topic | None) -> tuple[discord.Embed, discord.ui.View]:
        """The first page (None) or a topic's, with the select showing it: built on first use."""
        if chosen is None:
            return self._start
        built = self._topics.get(chosen.key)
        if built is None:
            built = (topic_embed(chosen, self.descriptions()), sent_as_is(topics_view(chosen.key)))
            self._topics[chosen.key] = built
        return built

    @app_commands.command(name="help", description="How to begin with Attune, and every command by topic")
    async def help(self, interaction: discord.Interaction[AttuneBot]) -> None:
        embed, view = self._start
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
