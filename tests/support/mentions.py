"""Who a message the bot sent pings, read from the request body as Discord would."""

from __future__ import annotations

import re
from typing import Any

MENTION = re.compile(r"<@!?([0-9]+)>")


def pinged(body: dict[str, Any]) -> set[int]:
    """The people a message body pings, by Discord's rules: the user mentions in its content that
    its allowed_mentions lets through (all of them when it sets none)."""
    in_content = {int(found) for found in MENTION.findall(body.get("content") or "")}
    allowed = body.get("allowed_mentions")
    if allowed is None or "users" in (allowed.get("parse") or []):
        return in_content
    return in_content & {int(user_id) for user_id in allowed.get("users") or []}


def allowed_users(body: dict[str, Any]) -> list[int]:
    """The users a body's allowed_mentions names (the only ones it may ping)."""
    return [int(user_id) for user_id in body["allowed_mentions"].get("users", [])]
