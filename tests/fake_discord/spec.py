"""Validation of request bodies against Discord's official OpenAPI spec (loaded once per process)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).with_name("openapi.json")
_SPEC_URI = "urn:discord-openapi"


@dataclass(frozen=True)
class Operation:
    template: str
    method: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class _PathMatcher:
    template: str
    regex: re.Pattern[str]
    literal_segments: int


class DiscordSpec:
    """Path matching and cached JSON-schema validators for the Discord OpenAPI document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        # Discord accepts snowflakes as JSON integers too (discord.py sends e.g. recipient_id as an int).
        snowflake = spec["components"]["schemas"]["SnowflakeType"]
        if "anyOf" not in snowflake:
            spec["components"]["schemas"]["SnowflakeType"] = {
                "anyOf": [snowflake, {"type": "integer", "minimum": 0}]
            }
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
        matchers = []
        for template in spec["paths"]:
            parts = template.strip("/").split("/")
            pattern = "/".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
            literals = sum(1 for p in parts if not p.startswith("{"))
            matchers.append(_PathMatcher(template, re.compile(f"^/{pattern}/?$"), literals))
        # Prefer the most literal template, e.g. /users/@me over /users/{user_id}.
        self._matchers = sorted(matchers, key=lambda m: -m.literal_segments)
        self._validators: dict[tuple[str, str], Draft202012Validator | None] = {}

    def match(self, method: str, path: str) -> Operation | None:
        """Return the operation for ``method`` and ``path`` (without the /api/v10 prefix or query)."""
        method = method.lower()
        for matcher in self._matchers:
            if matcher.regex.match(path):
                op = self.spec["paths"][matcher.template].get(method)
                if op is not None:
                    return Operation(matcher.template, method, op)
        return None

    def path_exists(self, path: str) -> bool:
        return any(m.regex.match(path) for m in self._matchers)

    def validator_for(self, op: Operation) -> Draft202012Validator | None:
        key = (op.template, op.method)
        if key not in self._validators:
            content = op.spec.get("requestBody", {}).get("content", {})
            schema = (content.get("application/json") or {}).get("schema")
            if schema is None:
                self._validators[key] = None
            else:
                wrapped = {"$id": f"{_SPEC_URI}#op", **_rebase(schema)}
                self._validators[key] = Draft202012Validator(wrapped, registry=self._registry)
        return self._validators[key]

    def validate(self, method: str, path: str, body: Any) -> list[str]:
        """Validate ``body`` for the request; returns human-readable errors (empty when valid)."""
        op = self.match(method, path)
        if op is None:
            what = "path" if not self.path_exists(path) else "method"
            return [f"{method} {path}: unknown {what} (not in Discord's OpenAPI spec)"]
        validator = self.validator_for(op)
        if validator is None or body is None:
            return []
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        return [_format_error(e) for e in errors] + _discord_limits(op, body)


# Limits Discord enforces for bots that the spec states more loosely (it allows 4000 content characters).
_MESSAGE_BODY_ROUTES = {
    ("/channels/{channel_id}/messages", "post"),
    ("/channels/{channel_id}/messages/{message_id}", "patch"),
    ("/webhooks/{webhook_id}/{webhook_token}", "post"),
    ("/webhooks/{webhook_id}/{webhook_token}/messages/@original", "patch"),
    ("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "patch"),
}
MAX_CONTENT = 2000


def _discord_limits(op: Operation, body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    message, where = None, "$"
    if (op.template, op.method) in _MESSAGE_BODY_ROUTES:
        message = body
    elif op.template.endswith("/callback") and body.get("type") in (4, 7):
        message, where = body.get("data"), "$.data"
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        return [f"{where}.content: must be {MAX_CONTENT} or fewer in length (got {len(content)})"]
    return []


def _rebase(schema: Any) -> Any:
    """Point local ``#/components/...`` refs at the registered spec resource."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
                out[key] = f"{_SPEC_URI}{value}"
            else:
                out[key] = _rebase(value)
        return out
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


def _format_error(error: ValidationError) -> str:
    # anyOf / oneOf errors are vague: report the most relevant (deepest) sub-error, it names the field.
    best = error
    while best.context:
        best = max(best.context, key=lambda e: (len(list(e.absolute_path)), -len(list(e.path))))
    return f"{best.json_path}: {best.message[:300]}"


@cache
def load_spec() -> DiscordSpec:
    """The parsed spec, cached for the whole test session."""
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return DiscordSpec(json.load(fh))
