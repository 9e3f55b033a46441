"""The step-by-step flow: persistent buttons and a select that reload everything from the database.

custom_ids: attune:exercise:nav:<run>:<step> (Back / Next / Finish; step == number of steps
finishes), attune:exercise:reflect:<run>:<step>, attune:exercise:pick:<run> (choose a reflection to
share), attune:exercise:post:<run>:<step> (post the previewed reflection), attune:exercise:back:<run>
(cancel the preview). Buttons posted under the older attune:ex: ids still answer.
Every item checks the presser owns the run: anyone else gets the same private answer as for a run
that does not exist, and nothing changes.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.client import AttuneBot
from bot.components import AttuneButton, AttuneItem, AttuneSelect, persistent_items, persistent_view
from bot.content import ContentLibrary, Exercise
from bot.errors import NotFound
from bot.modals import PersistentModal, Values, headings, text_value
from bot.records.exercises import ExerciseRun
from bot.services.exercises import REFLECTION_MAX, RUN_NOT_FOUND
from bot.sharing import CANCEL_LABEL, CANCEL_STYLE, POST_LABEL, POST_STYLE, PREVIEW_TEXT
from cogs.exercises.render import (
    SAVED_NOTE,
    share_option_label,
    shared_reflection_embed,
    step_embed,
    summary_embed,
)
from cogs.exercises.share import has_active_couple, post_to_couple_thread, require_active_couple
from cogs.resources.cog import send_resources
from cogs.resources.render import truncate
from cogs.resources.safety import unsafe_button

Interaction = discord.Interaction[AttuneBot]
MODAL_TITLE_MAX = 45

SHARE_OFFER = (
    "If you like, you can share **one** of these with your partner in your thread. "
    "You'll see a preview first, and nothing is posted until you say so."
)
RESOURCES_CLOSING = "Whatever you found here, you don't have to hold it alone. Places to turn to are below."


# -- rendering a run ---------------------------------------------------------------------------


async def render_step(
    bot: AttuneBot, run: ExerciseRun, note: str | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    exercise = bot.services.exercises.exercise(run.exercise_id)
    step = min(run.step, len(exercise.steps) - 1)  # the exercise may have lost a step since
    reflection = await bot.services.exercises.reflection(run.id, run.user_id, step)
    return step_embed(exercise, step, reflection, note), step_view(run.id, exercise, step, bot.content)


def step_view(run_id: int, exercise: Exercise, step: int, content: ContentLibrary) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NavButton(run_id=run_id, step=max(step - 1, 0), label="Back", disabled=step == 0))
    if exercise.steps[step].question:
        view.add_item(ReflectButton(run_id=run_id, step=step))
    last = step + 1 == len(exercise.steps)
    view.add_item(
        NavButton(
            run_id=run_id,
            step=step + 1,
            label="Finish" if last else "Next",
            style=discord.ButtonStyle.success if last else discord.ButtonStyle.primary,
        )
    )
    if exercise.unsafe_button:  # on every step: the safety guidance is one press away
        view.add_item(unsafe_button(content))
    return view


async def render_ending(
    bot: AttuneBot, run: ExerciseRun, guild_id: int | None, note: str | None = None
) -> tuple[discord.Embed, discord.ui.View | None]:
    """The summary of the person's own reflections, and the offer to share one (never when private)."""
    service = bot.services.exercises
    exercise = service.exercise(run.exercise_id)
    reflections = await service.reflections(run.id, run.user_id)
    closing: str | None = RESOURCES_CLOSING if exercise.ends_with_resources else None
    view: discord.ui.View | None = None
    if not exercise.private:
        if run.shared_step is not None and 0 <= run.shared_step < len(exercise.steps):
            closing = f"You shared “{exercise.steps[run.shared_step].title}” with your partner."
        elif reflections and service.shareable(run) and await has_active_couple(bot, guild_id, run.user_id):
            closing = SHARE_OFFER
            view = persistent_view(share_pick(run.id, exercise, reflections))
    if note:
        closing = f"{note}\n\n{closing}" if closing else note
    return summary_embed(exercise, reflections, closing), view


async def own_run(interaction: Interaction, run_id: int) -> ExerciseRun:
    """The run, when the presser owns it; anyone else is told exactly what a missing run says."""
    return await interaction.client.services.exercises.run(run_id, interaction.user.id)


# -- items ------------------------------------------------------------------------------------


class _RunItem(AttuneItem[Any]):
    """Every exercise item carries the run's id; only the person whose run it is may press it, and
    anyone else is told exactly what a missing run says (the service's NotFound)."""

    run_id: int

    async def may_press(self, interaction: Interaction) -> bool:
        await own_run(interaction, self.run_id)
        return True


class NavButton(
    _RunItem, AttuneButton, route="exercise:nav:{run_id}:{step}", legacy=["ex:nav:{run_id}:{step}"]
):
    label = "Next"
    step: int

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        service = bot.services.exercises
        run = await own_run(interaction, self.run_id)
        exercise = service.exercise(run.exercise_id)
        if self.step >= len(exercise.steps):
            finished = await service.finish(run.id, interaction.user.id)
            embed, view = await render_ending(bot, finished, interaction.guild_id)
            await _edit(interaction, embed, view)
            if exercise.ends_with_resources:
                await send_resources(bot, interaction)
            return
        moved = await service.go_to(run.id, interaction.user.id, self.step, interaction.guild_id)
        embed, step_view_ = await render_step(bot, moved)
        await _edit(interaction, embed, step_view_)


class ReflectButton(
    _RunItem, AttuneButton, route="exercise:reflect:{run_id}:{step}", legacy=["ex:reflect:{run_id}:{step}"]
):
    label = "Reflect"
    emoji = "✍️"
    step: int

    async def pressed(self, interaction: Interaction) -> None:
        service = interaction.client.services.exercises
        run = await own_run(interaction, self.run_id)
        exercise = service.exercise(run.exercise_id)
        if run.finished:
            raise NotFound(RUN_NOT_FOUND)
        if not 0 <= self.step < len(exercise.steps) or not exercise.steps[self.step].question:
            raise NotFound(RUN_NOT_FOUND)
        earlier = await service.reflection(run.id, interaction.user.id, self.step)
        await interaction.response.send_modal(ReflectModal(run.id, exercise, self.step, earlier))


REFLECTION_INPUT = "reflection"


class ReflectModal(
    PersistentModal, route="exercise:reflection:{run_id}:{step}", legacy=["ex:reflection:{run_id}:{step}"]
):
    """The form only. Its namespaced custom_id is answered by `submitted` through bot.modals
    (bot/modals.py), so a modal opened before a restart still saves when submitted.
    """

    given_back = headings(**{REFLECTION_INPUT: "Your reflection"})

    def __init__(self, run_id: int, exercise: Exercise, step: int, earlier: str | None) -> None:
        super().__init__(
            title=truncate(f"Reflect: {exercise.steps[step].title}", MODAL_TITLE_MAX),
            custom_id=self.custom_id_for(run_id=run_id, step=step),
        )
        self.add_item(discord.ui.TextDisplay(exercise.steps[step].question or ""))
        self.answer: discord.ui.TextInput[ReflectModal] = discord.ui.TextInput(
            custom_id=REFLECTION_INPUT,
            style=discord.TextStyle.paragraph,
            max_length=REFLECTION_MAX,
            default=earlier,
            placeholder="Write as much or as little as you like. Only you can see this.",
        )
        self.add_item(discord.ui.Label(text="Your reflection", component=self.answer))

    @classmethod
    async def submitted(cls, interaction: Interaction, match: re.Match[str], values: Values) -> None:
        run_id, step = int(match["run_id"]), int(match["step"])
        service = interaction.client.services.exercises
        await service.save_reflection(run_id, interaction.user.id, step, text_value(values, REFLECTION_INPUT))
        run = await service.go_to(run_id, interaction.user.id, step, interaction.guild_id)
        embed, view = await render_step(interaction.client, run, note=SAVED_NOTE)
        if interaction.message is not None:
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


def share_pick(run_id: int, exercise: Exercise, reflections: dict[int, str]) -> SharePick:
    options = [
        discord.SelectOption(
            label=share_option_label(exercise, step), value=str(step), description=truncate(text, 100)
        )
        for step, text in sorted(reflections.items())
        if 0 <= step < len(exercise.steps)
    ][:25]
    return SharePick(run_id=run_id, options=options)


class SharePick(_RunItem, AttuneSelect, route="exercise:pick:{run_id}", legacy=["ex:pick:{run_id}"]):
    placeholder = "Choose one reflection to share"

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        service = bot.services.exercises
        run = await own_run(interaction, self.run_id)
        values = self.chosen
        if not values or not (str(values[0]).isascii() and str(values[0]).isdigit()):
            raise NotFound(RUN_NOT_FOUND)
        step = int(values[0])
        text = await service.reflection_to_share(run.id, interaction.user.id, step)
        await require_active_couple(bot, interaction.guild_id, interaction.user.id)
        exercise = service.exercise(run.exercise_id)
        preview = shared_reflection_embed(interaction.user.display_name, exercise, step, text)
        view = persistent_view(SharePost(run_id=run.id, step=step), ShareBack(run_id=run.id))
        await interaction.response.edit_message(content=PREVIEW_TEXT, embed=preview, view=view)


class SharePost(
    _RunItem, AttuneButton, route="exercise:post:{run_id}:{step}", legacy=["ex:post:{run_id}:{step}"]
):
    label = POST_LABEL
    style = POST_STYLE
    step: int

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        service = bot.services.exercises
        user_id = interaction.user.id
        run = await own_run(interaction, self.run_id)
        await require_active_couple(bot, interaction.guild_id, user_id)
        await interaction.response.defer()
        text = await service.claim_share(run.id, user_id, self.step)
        exercise = service.exercise(run.exercise_id)
        thread = await post_to_couple_thread(
            interaction,
            "exercise",
            shared_reflection_embed(interaction.user.display_name, exercise, self.step, text),
            still_kept=lambda: service.run(run.id, user_id),
            release=lambda: service.release_share(run.id, user_id, self.step),
        )
        shared = await service.run(run.id, user_id)
        ending, view = await render_ending(
            bot, shared, interaction.guild_id, note=f"Posted in {thread.mention}."
        )
        await interaction.edit_original_response(content=None, embed=ending, view=view)


class ShareBack(_RunItem, AttuneButton, route="exercise:back:{run_id}", legacy=["ex:back:{run_id}"]):
    label = CANCEL_LABEL
    style = CANCEL_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        run = await own_run(interaction, self.run_id)
        embed, view = await render_ending(
            interaction.client, run, interaction.guild_id, note="Nothing was posted."
        )
        await interaction.response.edit_message(content=None, embed=embed, view=view)


async def _edit(interaction: Interaction, embed: discord.Embed, view: discord.ui.View | None) -> None:
    await interaction.response.edit_message(content=None, embed=embed, view=view)


DYNAMIC_ITEMS = persistent_items(NavButton, ReflectButton, SharePick, SharePost, ShareBack)
MODALS = (ReflectModal,)
