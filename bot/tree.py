"""The command tree: one place that turns failures into a kind, private answer.

Every sentence here about what happened is checked before it is said. "It was NOT saved" only when
the storage counted no committed write for this interaction (bot/db/database.py, WriteLog); when a
write did commit, or may have, the answer says it can't promise, and never claims what it doesn't
know. Whatever the person typed into a form (or a prose option of a slash command) comes back to
them in the same private answer (bot/giveback.py), because Discord keeps none of it.

Every interaction is also counted and timed here for the metrics (bot/metrics.py), by its outcome:
`observed` wraps the one place each kind passes through (slash commands: the tree's `_call`;
buttons and selects: AttuneItem.callback; forms: ModalRegistry.dispatch), and the answer given
here marks the interaction refused or failed.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import discord
from discord import app_commands

from bot.db.database import WriteLog, current_writes, watch_writes
from bot.errors import SaveFailed, UserFacingError
from bot.giveback import Kept, give_back
from bot.logging_setup import traceback_without_messages
from bot.metrics import ERROR, OK, REFUSED, Metrics

log = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = "Something went wrong on my side, sorry. Please try again in a moment."
SAVE_FAILED = (
    "Attune's storage wouldn't take that just now, sorry (a problem on my side, not yours). "
    "Please try again a little later."
)
NOT_SAVED_STORAGE = (
    "I couldn't save this, sorry: Attune's storage wouldn't take it just now (a problem on my side, "
    "not yours). It was **NOT saved**. Here is what you sent, so it isn't lost: keep it somewhere "
    "safe, and try again a little later."
)
NOT_SAVED = (
    "Something went wrong on my side, sorry, and this was **NOT saved**. Here is what you sent, so it "
    "isn't lost: keep it somewhere safe, and try again in a moment."
)
CANT_PROMISE = (
    "Something went wrong on my side partway through, sorry, so I can't promise every part of this "
    "was saved. Here is what you sent, so it isn't lost either way."
)
HERE_IT_IS = "Here is what you sent, so it isn't lost."

NOTHING_THERE = "I couldn't find that. It may have been removed, or it isn't yours, so nothing changed."

# A slash command whose options carry prose names them in its extras, option -> heading:
# @app_commands.command(..., extras={GIVE_BACK: {"resources": "Your server's support text"}})
GIVE_BACK = "attune_give_back"
# Where an interaction's outcome is noted for the metrics (discord.py's Interaction.extras).
OUTCOME = "attune_outcome"


async def reply_privately(
    interaction: discord.Interaction[Any], message: str, files: Sequence[tuple[str, bytes]] = ()
) -> None:
    """Answer ephemerally whether or not the interaction was already acknowledged."""
    extra: dict[str, Any] = {}
    if files:
        extra["files"] = [discord.File(io.BytesIO(data), filename=name) for name, data in files]
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none(), **extra
            )
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none(), **extra
            )
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id)


async def handle_interaction_error(
    interaction: discord.Interaction[Any],
    error: BaseException,
    *,
    kept: Sequence[Kept] = (),
    writes: WriteLog | None = None,
) -> None:
    """The one place a failure becomes a reply: kind, private, true, and carrying back `kept` (what
    the person sent). `writes` is what this interaction committed; unknown (None) is never taken to
    mean "nothing"."""
    original = getattr(error, "original", error)
    given = [piece for piece in kept if piece.text.strip()]
    refusal = _refusal(interaction, original)
    interaction.extras[OUTCOME] = ERROR if refusal is None else REFUSED
    if refusal is None:
        _log_failure(interaction, original)
    if not given:
        failed = SAVE_FAILED if isinstance(original, SaveFailed) else SOMETHING_WENT_WRONG
        await reply_privately(interaction, refusal or failed)
        return
    if refusal is not None:
        headline = f"{refusal}\n\n{HERE_IT_IS}"
    elif writes is None or not writes.nothing_saved:
        headline = CANT_PROMISE
    elif isinstance(original, SaveFailed):
        headline = NOT_SAVED_STORAGE
    else:
        headline = NOT_SAVED
    reply = give_back(headline, given)
    await reply_privately(interaction, reply.content, reply.files)


def _refusal(interaction: discord.Interaction[Any], error: BaseException) -> str | None:
    """What to tell the person when Attune said no on purpose; None for a real failure."""
    if isinstance(error, UserFacingError):
        return error.message
    if isinstance(error, OverflowError):
        # A number no stored thing can have (a crafted custom_id or option): like an id that doesn't exist.
        log.info("Interaction %s named an out-of-range id", interaction.id)
        return NOTHING_THERE
    return None


def _log_failure(interaction: discord.Interaction[Any], error: BaseException) -> None:
    # The type and where it happened, never the message: an exception's message (or its cause's)
    # could quote what the person wrote. SaveFailed's reason is SQLite's error name only.
    kind = type(error).__name__
    if isinstance(error, SaveFailed):
        kind = f"{kind} ({error.reason})"
    log.error("Interaction %s failed with %s\n%s", interaction.id, kind, traceback_without_messages(error))


@contextmanager
def observed(interaction: discord.Interaction[Any], kind: str, name: Callable[[], str]) -> Iterator[None]:
    """Count and time one interaction (kind "command", "component" or "modal"; `name` is read at
    the end, once discord.py has resolved the command). Its outcome is what the answer above
    noted, "ok" when none was noted, "error" when an exception got out."""
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        interaction.extras.setdefault(OUTCOME, ERROR)
        raise
    finally:
        metrics = getattr(interaction.client, "metrics", None)
        if isinstance(metrics, Metrics):
            outcome = interaction.extras.get(OUTCOME, OK)
            metrics.interaction_done(kind, name(), outcome, time.perf_counter() - started)


def command_name(interaction: discord.Interaction[Any]) -> str:
    """A slash command's qualified name ("journal write"), "unknown" for one not in the tree."""
    command = interaction.command
    return command.qualified_name if command is not None else "unknown"


@asynccontextmanager
async def friendly_errors(interaction: discord.Interaction[Any]) -> AsyncIterator[None]:
    """Wrap a button or select callback: DynamicItem errors otherwise only reach a log line."""
    try:
        yield
    except Exception as error:
        await handle_interaction_error(interaction, error)


class AttuneModal(discord.ui.Modal):
    """Base for every modal: errors get the same kind, private answer as commands."""

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        await handle_interaction_error(interaction, error)


def options_given_back(interaction: discord.Interaction[Any]) -> list[Kept]:
    """The prose options of the command being answered (declared in its extras), as sent."""
    command = interaction.command
    if command is None:
        return []
    headings: dict[str, str] = command.extras.get(GIVE_BACK, {})
    try:
        namespace = interaction.namespace
    except Exception:  # an unknown command: there are no options to give back
        return []
    return [
        Kept(heading, value)
        for name, heading in headings.items()
        if isinstance(value := getattr(namespace, name, None), str)
    ]


class AttuneTree(app_commands.CommandTree[Any]):
    async def _call(self, interaction: discord.Interaction[Any]) -> None:
        # The whole of a command's handling (checks, the command, its error handler) happens in
        # here: the one place to time it. Autocomplete is not an interaction anyone waits on.
        if interaction.type is discord.InteractionType.autocomplete:
            await super()._call(interaction)
            return
        with observed(interaction, "command", lambda: command_name(interaction)):
            await super()._call(interaction)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        # Runs first in the interaction's own task: from here on, its writes are counted, so a
        # failure can be described truthfully (see on_error).
        watch_writes()
        return True

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        original = getattr(error, "original", error)
        if not isinstance(original, UserFacingError):
            if isinstance(error, app_commands.CommandOnCooldown):
                original = UserFacingError(
                    f"Let's slow down a little: you can do that again in {error.retry_after:.0f} seconds."
                )
            elif isinstance(error, app_commands.CheckFailure | app_commands.TransformerError):
                original = UserFacingError(str(error) or SOMETHING_WENT_WRONG)
        await handle_interaction_error(
            interaction, original, kept=options_given_back(interaction), writes=current_writes()
        )
