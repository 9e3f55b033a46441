"""Load and check Attune's content.

The built-in YAML ships inside the `content` package and is read through
`importlib.resources.files("content")`, never relative to the working directory. A counsellor can
add a folder of their own (`CONTENT_PATH`) with the same layout; each part of it is optional:

    exercises/*.yaml        one exercise per file
    prompts/partner.yaml    `prompts:` list, merged after the built-in partner prompts
    prompts/personal.yaml   `prompts:` list, merged after the built-in personal prompts

The theme catalogue (prompts/themes.yaml) is built in only: every prompt, built-in or added, names
its themes from it, so a couple's choice in /checkin themes covers every prompt.

Any problem (YAML syntax, a missing or too-long field, an id used twice, a prompt pointing at an
exercise or a theme that does not exist) raises `ContentError` naming the file and the field, for example
`content/exercises/boundaries.yaml: steps.2.body: String should have at most 3000 characters`.
Field paths count list items from 0, as pydantic does. The content tree is only ever read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.models import (
    Appreciations,
    Breaks,
    Checkup,
    ContentLibrary,
    Exercise,
    Meeting,
    Prompt,
    PromptFile,
    Safety,
    ThemeCatalogue,
)

CONTENT_PACKAGE = "content"
EXERCISES_DIR = "exercises"
PROMPTS_DIR = "prompts"
PARTNER_FILE = "partner.yaml"
PERSONAL_FILE = "personal.yaml"
THEMES_FILE = "themes.yaml"
SAFETY_FILE = "safety.yaml"
CHECKUP_FILE = "checkup.yaml"
APPRECIATIONS_FILE = "appreciations.yaml"
MEETING_FILE = "meeting.yaml"
BREAKS_FILE = "breaks.yaml"

M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """A content file that cannot be used. `file` names it; `field` is the dotted path, if any."""

    def __init__(self, file: str, field: str | None, problem: str, *, more: list[str] | None = None):
        self.file = file
        self.field = field
        self.problem = problem
        self.more = more or []
        head = f"{file}: {field}: {problem}" if field else f"{file}: {problem}"
        if self.more:
            head += "".join(f"\n{file}: {line}" for line in self.more)
        super().__init__(head)


@dataclass
class _Source:
    """One readable file plus the name used for it in messages."""

    node: Traversable
    name: str

    def read(self) -> Any:
        try:
            text = self.node.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ContentError(self.name, None, f"cannot be read ({exc})") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise ContentError(self.name, None, f"{where}invalid YAML ({problem})") from None
        if data is None:
            raise ContentError(self.name, None, "the file is empty")
        if not isinstance(data, dict):
            raise ContentError(self.name, None, "the top level must be a mapping of keys to values")
        return data

    def parse(self, model: type[M]) -> M:
        data = self.read()
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            errors = _relevant(exc)
            lines = [_describe(err) for err in errors]
            first = errors[0]
            raise ContentError(
                self.name, _loc(first["loc"]) or None, _message(first), more=lines[1:]
            ) from None


def _relevant(exc: ValidationError) -> list[Any]:
    """pydantic's errors, minus the echo a list gives when one of its items failed."""
    errors = exc.errors()
    kept = [
        err
        for err in errors
        if not (
            "after validation" in err["msg"]
            and any(
                len(o["loc"]) > len(err["loc"]) and o["loc"][: len(err["loc"])] == err["loc"] for o in errors
            )
        )
    ]
    return kept or errors


def _loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _message(err: Any) -> str:
    return str(err["msg"]).removeprefix("Value error, ")


def _describe(err: Any) -> str:
    loc = _loc(err["loc"])
    return f"{loc}: {_message(err)}" if loc else _message(err)


@dataclass
class _Builder:
    exercises: dict[str, Exercise] = field(default_factory=dict)
    exercise_files: dict[str, str] = field(default_factory=dict)
    partner: list[Prompt] = field(default_factory=list)
    personal: list[Prompt] = field(default_factory=list)
    prompt_files: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (file, field)

    def add_folder(self, root: Traversable, label: str, *, required: bool) -> None:
        exercises_dir = root / EXERCISES_DIR
        if exercises_dir.is_dir():
            for node in sorted(exercises_dir.iterdir(), key=lambda n: n.name):
                if node.is_file() and node.name.endswith((".yaml", ".yml")):
                    self.add_exercise(_Source(node, f"{label}/{EXERCISES_DIR}/{node.name}"))
        elif required:
            raise ContentError(f"{label}/{EXERCISES_DIR}", None, "the exercises folder is missing")
        for file_name, bucket in ((PARTNER_FILE, self.partner), (PERSONAL_FILE, self.personal)):
            node = root / PROMPTS_DIR / file_name
            if node.is_file():
                self.add_prompts(_Source(node, f"{label}/{PROMPTS_DIR}/{file_name}"), bucket)
            elif required:
                raise ContentError(f"{label}/{PROMPTS_DIR}/{file_name}", None, "the file is missing")

    def add_exercise(self, source: _Source) -> None:
        exercise = source.parse(Exercise)
        if exercise.id in self.exercises:
            raise ContentError(
                source.name,
                "id",
                f"duplicate exercise id {exercise.id!r} (already used in {self.exercise_files[exercise.id]})",
            )
        self.exercises[exercise.id] = exercise
        self.exercise_files[exercise.id] = source.name

    def add_prompts(self, source: _Source, bucket: list[Prompt]) -> None:
        prompt_file = source.parse(PromptFile)
        for index, prompt in enumerate(prompt_file.prompts):
            where = f"prompts.{index}"
            if prompt.id in self.prompt_files:
                first_file, first_field = self.prompt_files[prompt.id]
                raise ContentError(
                    source.name,
                    f"{where}.id",
                    f"duplicate prompt id {prompt.id!r} (already used in {first_file} at {first_field})",
                )
            self.prompt_files[prompt.id] = (source.name, where)
            bucket.append(prompt)

    def check_references(self, catalogue: ThemeCatalogue, catalogue_file: str) -> None:
        known_themes = set(catalogue.ids)
        for prompt in [*self.partner, *self.personal]:
            file_name, where = self.prompt_files[prompt.id]
            if prompt.exercise is not None and prompt.exercise not in self.exercises:
                raise ContentError(
                    file_name, f"{where}.exercise", f"no exercise has the id {prompt.exercise!r}"
                )
            for index, theme in enumerate(prompt.themes):
                if theme not in known_themes:
                    raise ContentError(
                        file_name,
                        f"{where}.themes.{index}",
                        f"no theme has the id {theme!r} (the themes are listed in {catalogue_file})",
                    )


def builtin_root() -> Traversable:
    """The `content` package's folder, wherever it is installed."""
    return files(CONTENT_PACKAGE)


def load_content(extra_path: Path | None = None) -> ContentLibrary:
    """Load the built-in content, then merge `extra_path` (a counsellor's folder) when given.

    Raises ContentError for the first problem found.
    """
    root = builtin_root()
    builder = _Builder()
    builder.add_folder(root, CONTENT_PACKAGE, required=True)
    themes_name = f"{CONTENT_PACKAGE}/{PROMPTS_DIR}/{THEMES_FILE}"
    if not (root / PROMPTS_DIR / THEMES_FILE).is_file():
        raise ContentError(themes_name, None, "the file is missing")
    catalogue = _Source(root / PROMPTS_DIR / THEMES_FILE, themes_name).parse(ThemeCatalogue)
    safety = _Source(root / SAFETY_FILE, f"{CONTENT_PACKAGE}/{SAFETY_FILE}").parse(Safety)
    checkup = _Source(root / CHECKUP_FILE, f"{CONTENT_PACKAGE}/{CHECKUP_FILE}").parse(Checkup)
    appreciations = _Source(root / APPRECIATIONS_FILE, f"{CONTENT_PACKAGE}/{APPRECIATIONS_FILE}").parse(
        Appreciations
    )
    meeting = _Source(root / MEETING_FILE, f"{CONTENT_PACKAGE}/{MEETING_FILE}").parse(Meeting)
    breaks = _Source(root / BREAKS_FILE, f"{CONTENT_PACKAGE}/{BREAKS_FILE}").parse(Breaks)

    if extra_path is not None:
        extra = Path(extra_path).expanduser()
        if not extra.is_dir():
            raise ContentError(str(extra), None, "the extra content folder does not exist")
        builder.add_folder(extra, str(extra), required=False)

    builder.check_references(catalogue, themes_name)
    return ContentLibrary(
        exercises=builder.exercises,
        partner_prompts=tuple(builder.partner),
        personal_prompts=tuple(builder.personal),
        catalogue=catalogue,
        safety=safety,
        checkup=checkup,
        appreciations=appreciations,
        meeting=meeting,
        breaks=breaks,
    )
