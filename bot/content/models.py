"""Typed models for Attune's content: exercises, prompts, safety texts, the monthly check-up and
the weekly couple meeting.

Every model is frozen and rejects unknown keys, so a typo in a YAML file is an error rather than a
silently ignored field. Length limits follow the Discord surface each text is shown on:

* exercise title: an autocomplete choice name (100)
* exercise summary: an autocomplete / select description (100)
* step title: an embed title (256)
* step body: an embed description (4,096; capped at 3,000 to leave room for a footer and question)
* prompt text: a modal text-input placeholder (100)
* theme name: a select option label (100; capped at 45), theme description: its description (100);
  at most 25 themes, the options one select menu holds
* check-up question text: a modal / select label (45); option label: a select option label (100)
* safety texts: an embed description (4,096; capped at 3,500)
* the "I feel unsafe" button label: a button label (80)

Texts a reply fills with the person's time of day (`Timed...`) may use only the placeholders in
`bot.timewords` ({part_of_day}, {rest_of_day}); anything else is refused at start.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.records.meetings import STEPS as MEETING_STEPS
from bot.timewords import check_placeholders

# Limits, named so the cogs and the tests can share them.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"
EXERCISE_TITLE_MAX = 100
EXERCISE_SUMMARY_MAX = 100
STEP_TITLE_MAX = 256
STEP_BODY_MAX = 3000
QUESTION_MAX = 300
PROMPT_TEXT_MAX = 100
THEME_MAX = 32
SOURCE_MAX = 200
SAFETY_TEXT_MAX = 3500
RED_FLAG_NAME_MAX = 100
RED_FLAG_DESCRIPTION_MAX = 1000
CHECKUP_TITLE_MAX = 100
CHECKUP_QUESTION_MAX = 45
CHECKUP_PLACEHOLDER_MAX = 150
CHECKUP_OPTION_LABEL_MAX = 100
CHECKUP_OPTION_DESCRIPTION_MAX = 100
CHECKUP_OPTIONS_MAX = 25  # options in one select menu
CHECKUP_QUESTIONS_MAX = 4  # a modal holds 5 components: the privacy line, then one per question
THEMES_MAX = 25  # every theme is an option of one select menu (/checkin themes)
BUTTON_LABEL_MAX = 80
MIN_STEPS = 2
MAX_STEPS = 6
MIN_MINUTES = 1
MAX_MINUTES = 120

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]


# Stripped, non-empty strings of at most N characters. (Literal lengths, so type checkers see str.)
Text45 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=45)]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text150 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text256 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
Text300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text1000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Text3000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)]
Text3500 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3500)]
Text80 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
# Texts filled with the person's time of day when shown (see bot.timewords).
TimedText1000 = Annotated[Text1000, AfterValidator(check_placeholders)]
TimedText3500 = Annotated[Text3500, AfterValidator(check_placeholders)]


Theme = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,31}$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Track(StrEnum):
    """The three paths through the exercises."""

    DISTANT = "distant"
    AVAILABLE = "available"
    TOGETHER = "together"

    @property
    def display_name(self) -> str:
        return _TRACK_NAMES[self]

    @property
    def description(self) -> str:
        return _TRACK_DESCRIPTIONS[self]


_TRACK_NAMES = {
    Track.DISTANT: "When your partner feels distant",
    Track.AVAILABLE: "Becoming more available",
    Track.TOGETHER: "Together",
}
_TRACK_DESCRIPTIONS = {
    Track.DISTANT: "For the partner who keeps reaching and feels the other one pull back.",
    Track.AVAILABLE: "For the partner who wants to stop holding love at arm's length.",
    Track.TOGETHER: "For both of you, side by side.",
}


class Step(_Frozen):
    title: Text256
    body: Text3000
    question: Text300 | None = None


class Exercise(_Frozen):
    id: Slug
    title: Text100
    track: Track
    source: Text200
    summary: Text100
    minutes: int = Field(ge=MIN_MINUTES, le=MAX_MINUTES)
    private: bool = False
    ends_with_resources: bool = False
    # Every step carries an "I feel unsafe" button that answers with the safety guidance at once.
    unsafe_button: bool = False
    covers: tuple[Slug, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=MIN_STEPS, max_length=MAX_STEPS)


class Prompt(_Frozen):
    id: Slug
    text: Text100
    themes: tuple[Theme, ...] = Field(min_length=1)
    exercise: Slug | None = None


class PromptTheme(_Frozen):
    """One theme of the catalogue (prompts/themes.yaml): what a couple chooses in /checkin themes."""

    id: Theme
    name: Text45
    description: Text100
    playful: bool = False


class ThemeCatalogue(_Frozen):
    """The shape of prompts/themes.yaml: every theme a prompt may name, and the words around them."""

    intro: Text1000  # /checkin themes: what choosing does
    borrowing: Text1000  # the chosen themes' questions have all been asked in this round of the bank
    no_match: Text1000  # the chosen themes hold no couple question at all
    themes: tuple[PromptTheme, ...] = Field(min_length=1, max_length=THEMES_MAX)

    @model_validator(mode="after")
    def _unique_ids(self) -> ThemeCatalogue:
        _reject_duplicates([t.id for t in self.themes], "theme id")
        return self

    def theme(self, theme_id: str) -> PromptTheme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.themes)


class PromptFile(_Frozen):
    """The shape of prompts/partner.yaml and prompts/personal.yaml."""

    prompts: tuple[Prompt, ...] = Field(min_length=1)
    # Duplicate ids are reported by the loader, which knows the other file and the item's index.


class RedFlag(_Frozen):
    name: Text100
    description: Text1000


class Safety(_Frozen):
    not_therapy: Text3500
    red_flags: tuple[RedFlag, ...] = Field(min_length=1)
    professional_help: Text3500
    feeling_unsafe: Text3500
    default_resources: Text3500
    # The guidance shown at once wherever someone says they feel afraid or unsafe: a title, a lead
    # for "I feel unsafe" (a check-up mark, a button), a lead for having answered a question about
    # feeling safe (whatever the answer was), then `feeling_unsafe` and the server's own text.
    unsafe_title: Text100
    unsafe_lead: Text1000
    asked_lead: Text1000
    unsafe_button: Text80


class CheckupOption(_Frozen):
    value: Slug
    label: Text100
    description: Text100 | None = None
    red_flag: bool = False
    # Marking it shows the safety guidance (safety.yaml) at once, in the reply to the form.
    safety: bool = False
    # The words the reply gives this mark: every red flag has its own (a safety mark has the
    # safety guidance instead).
    note: TimedText1000 | None = None

    @model_validator(mode="after")
    def _words_for_every_flag(self) -> CheckupOption:
        if self.safety and not self.red_flag:
            raise ValueError(f"option {self.value!r}: a safety option must also be a red_flag")
        if self.safety and self.note is not None:
            raise ValueError(f"option {self.value!r}: a safety option is answered by safety.yaml, not a note")
        if self.red_flag and not self.safety and self.note is None:
            raise ValueError(f"option {self.value!r}: every red flag needs a note, its own words")
        return self


class CheckupQuestion(_Frozen):
    id: Slug
    text: Text45
    placeholder: Text150 | None = None
    multiple: bool = False
    options: tuple[CheckupOption, ...] = Field(min_length=2, max_length=CHECKUP_OPTIONS_MAX)

    @model_validator(mode="after")
    def _unique_values(self) -> CheckupQuestion:
        _reject_duplicates([o.value for o in self.options], "option value")
        return self

    @property
    def red_flag_values(self) -> frozenset[str]:
        return frozenset(o.value for o in self.options if o.red_flag)

    def option(self, value: str) -> CheckupOption | None:
        return next((o for o in self.options if o.value == value), None)


class Checkup(_Frozen):
    """The private monthly 'where I stand' self-assessment."""

    title: Text100
    intro: Text3500  # shown inside the form: it must say the check-up is private
    red_flag_note: TimedText3500  # after the words for each red flag marked
    repeated_note: TimedText3500  # a red flag marked two check-ups in a row
    closing: TimedText3500
    monthly_nudge: Text1000  # the private DM, monthly from the couple's first month on
    questions: tuple[CheckupQuestion, ...] = Field(min_length=1, max_length=CHECKUP_QUESTIONS_MAX)

    @model_validator(mode="after")
    def _unique_ids(self) -> Checkup:
        _reject_duplicates([q.id for q in self.questions], "question id")
        return self

    def question(self, question_id: str) -> CheckupQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def flags_raised(self, answers: dict[str, list[str]]) -> bool:
        """True when any chosen answer is marked `red_flag`."""
        return bool(self.flags_marked(answers))

    def flags_marked(self, answers: dict[str, list[str]]) -> tuple[CheckupOption, ...]:
        """The red-flag options chosen, in content order."""
        return tuple(
            option
            for question in self.questions
            for option in question.options
            if option.red_flag and option.value in set(answers.get(question.id, ()))
        )


class Appreciations(_Frozen):
    """The words around /appreciate (content/appreciations.yaml): the form, the log, the weekly
    offer, and why it helps, with the research credited by name."""

    form_intro: Text300  # inside the form, above the two questions
    saved: Text300  # once saved, above the choice to keep it or share it
    kept: Text300  # the person chose to keep it private
    empty_log: Text300  # /appreciate list with nothing in it yet
    why: Text1000  # the research behind it, and how it ties to the articles
    offer: Text1000  # the weekly DM, above the appreciation it offers
    not_now: Text300  # "Not now" pressed on the weekly DM
    reminder_on: Text1000  # after turning the weekly offer on


class MeetingStep(_Frozen):
    """One step of the weekly couple meeting's agenda (content/meeting.yaml)."""

    id: Slug
    title: Text45  # a modal's label and an embed field name
    question: Text300  # inside the form and on the agenda card
    placeholder: Text100  # the form's text input placeholder
    reveal: Text300  # leads the answers when they are shown together
    heading: Text100  # heads this step in each partner's journal record


class Meeting(_Frozen):
    """The weekly couple meeting: its card, its four steps (in MEETING_STEPS order) and its lines."""

    title: Text100
    intro: Text1000
    how: Text300  # the card's footer: how the agenda works
    steps: tuple[MeetingStep, ...]
    topic_note: Text300  # inside /meeting topic's form
    ready: Text300  # the DM that says the meeting has begun (a link follows)
    revealed: Text300  # the DM after a step is revealed (a link follows)
    finished: Text300  # the card once both finished
    ended: Text300  # the card once a partner ended it
    closed: Text300  # the card once its day was over
    record_title: Text100  # each partner's journal record
    record_intro: Text300
    kept_private: Text100  # after a heading, for words the partner never matched

    @model_validator(mode="after")
    def _the_agenda(self) -> Meeting:
        found = tuple(step.id for step in self.steps)
        if found != MEETING_STEPS:
            raise ValueError(
                f"steps must be {', '.join(MEETING_STEPS)} in this order; found {', '.join(found)}"
            )
        return self


class SoothingStep(_Frozen):
    title: Text100  # an embed field name (256)
    body: Text300  # an embed field value (1,024)


class Breaks(_Frozen):
    """The words around /break (content/breaks.yaml): why a pause helps, with the research credited
    by name, the steps offered to the person who asked, the partner's one line, and the restart."""

    why: Text1000  # flooding and the twenty minutes, credited; how it ties to the articles
    soothing_intro: Text300  # above the steps, once the note is posted
    soothing: tuple[SoothingStep, ...] = Field(min_length=3, max_length=6)
    partner_line: Text300  # the partner's one line: how to use the time well
    return_prompt: Text1000  # the gentle restart prompt in the thread at the return time
    another_time: Text300  # after "Let's pick another time"
    safety: Text300  # a break never pauses safety: /resources stays one command away


class ContentLibrary(_Frozen):
    """Everything the bot shows, validated and cross-checked by `bot.content.loader.load_content`."""

    exercises: dict[str, Exercise]
    partner_prompts: tuple[Prompt, ...]
    personal_prompts: tuple[Prompt, ...]
    catalogue: ThemeCatalogue
    safety: Safety
    checkup: Checkup
    appreciations: Appreciations
    meeting: Meeting
    breaks: Breaks

    def exercise(self, exercise_id: str) -> Exercise | None:
        """The exercise with this id, or None."""
        return self.exercises.get(exercise_id)

    def by_track(self, track: Track | str) -> list[Exercise]:
        """The exercises on one track, in file order."""
        wanted = Track(track)
        return [e for e in self.exercises.values() if e.track is wanted]

    def prompt(self, prompt_id: str) -> Prompt | None:
        """The partner or personal prompt with this id, or None."""
        return self._prompts_by_id.get(prompt_id)

    @cached_property
    def _prompts_by_id(self) -> dict[str, Prompt]:
        # Every check-in form and answer looks its question up: by key, not by a scan of the bank.
        # The first of an id wins, as the scan's did.
        found: dict[str, Prompt] = {}
        for prompt in self.all_prompts:
            found.setdefault(prompt.id, prompt)
        return found

    @property
    def all_prompts(self) -> tuple[Prompt, ...]:
        return self.partner_prompts + self.personal_prompts

    def prompts_for(self, exercise_id: str) -> list[Prompt]:
        """Prompts that point at one exercise."""
        return [p for p in self.all_prompts if p.exercise == exercise_id]

    def themes(self) -> list[str]:
        """Every theme tag in use, sorted."""
        return sorted({t for p in self.all_prompts for t in p.themes})


def _reject_duplicates(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
