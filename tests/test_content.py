"""Every content file is valid, within Discord's limits, complete, and loaded from the package."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.content import ContentError, ContentLibrary, Track, load_content, models
from bot.content.loader import builtin_root

REPO = Path(__file__).resolve().parents[1]
CONTENT_DIR = REPO / "content"
SEED_OVERLAP = REPO.parent / "shared" / "tools" / "seed_overlap.py"

ARTICLE_UNAVAILABLE = "What to Do When Your Partner Is Emotionally Unavailable"
ARTICLE_AVAILABLE = "6 Steps to Becoming an Emotionally Available Partner"

# Each part of each article, by the `covers` tag of the exercise(s) that cover it.
ARTICLE_PARTS = {
    ARTICLE_UNAVAILABLE: {
        "what-is-unavailability",
        "know-where-you-stand",
        "start-with-yourself",
        "set-boundaries",
        "red-flags",
        "four-outcomes",
        "signs-of-progress",
        "feelings-in-the-body",
    },
    ARTICLE_AVAILABLE: {
        "why-we-hold-back",
        "worth-beliefs",
        "equal-needs",
        "secret-life",
        "make-time",
        "own-emotions",
        "open-up",
    },
}

# Discord's own limits for the surfaces each text is shown on, and our tighter caps.
AUTOCOMPLETE_NAME = 100
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
STEP_BODY_CAP = 3000
QUESTION_CAP = 300
PLACEHOLDER = 100
MODAL_LABEL = 45
SELECT_OPTION_LABEL = 100
SELECT_OPTION_DESCRIPTION = 100
SELECT_OPTIONS = 25
SELECT_PLACEHOLDER = 150
SAFETY_CAP = 3500
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_content()


# --- the built-in content ------------------------------------------------------------------------


def test_every_builtin_yaml_file_is_loaded(library: ContentLibrary) -> None:
    yaml_files = sorted(p.relative_to(CONTENT_DIR).as_posix() for p in CONTENT_DIR.rglob("*.yaml"))
    exercise_files = [f for f in yaml_files if f.startswith("exercises/")]
    assert len(exercise_files) == len(library.exercises)
    assert set(yaml_files) - set(exercise_files) == {
        "appreciations.yaml",
        "breaks.yaml",
        "checkup.yaml",
        "meeting.yaml",
        "safety.yaml",
        "prompts/partner.yaml",
        "prompts/personal.yaml",
        "prompts/themes.yaml",
    }
    for name in yaml_files:
        assert isinstance(yaml.safe_load((CONTENT_DIR / name).read_text(encoding="utf-8")), dict), name


def test_counts(library: ContentLibrary) -> None:
    assert len(library.partner_prompts) >= 60
    assert len(library.personal_prompts) >= 30
    assert len(library.by_track(Track.TOGETHER)) >= 2
    assert library.by_track(Track.DISTANT)
    assert library.by_track(Track.AVAILABLE)


@pytest.mark.parametrize("article", sorted(ARTICLE_PARTS))
def test_every_article_part_has_an_exercise(library: ContentLibrary, article: str) -> None:
    covered = {tag for e in library.exercises.values() for tag in e.covers}
    missing = ARTICLE_PARTS[article] - covered
    assert not missing, f"no exercise covers {sorted(missing)} from {article!r}"
    # ...and an exercise whose main part comes from this article credits it by title.
    for exercise in library.exercises.values():
        if exercise.track is not Track.TOGETHER and exercise.covers[0] in ARTICLE_PARTS[article]:
            assert exercise.source == article, exercise.id


def test_each_six_step_and_coping_part_has_its_own_exercise(library: ContentLibrary) -> None:
    for tags in ARTICLE_PARTS.values():
        for tag in tags - {"feelings-in-the-body", "why-we-hold-back", "what-is-unavailability"}:
            main = [e for e in library.exercises.values() if e.covers and e.covers[0] == tag]
            assert main, f"no exercise is mainly about {tag}"


def test_sources_are_the_article_titles(library: ContentLibrary) -> None:
    for exercise in library.exercises.values():
        assert exercise.source in ARTICLE_PARTS, exercise.id


def test_red_flags_exercise_is_private_and_ends_with_resources(library: ContentLibrary) -> None:
    flagged = [e for e in library.exercises.values() if "red-flags" in e.covers]
    assert flagged
    for exercise in flagged:
        assert exercise.private
        assert exercise.ends_with_resources
        assert exercise.unsafe_button, "every step offers the safety guidance at once"


def test_together_exercises_draw_on_both_articles(library: ContentLibrary) -> None:
    together = library.by_track("together")
    assert {e.source for e in together} == set(ARTICLE_PARTS)
    assert all("together" in e.covers for e in together)


def test_exercise_texts_within_limits(library: ContentLibrary) -> None:
    for key, exercise in library.exercises.items():
        assert key == exercise.id and SLUG.match(exercise.id)
        assert 0 < len(exercise.title) <= AUTOCOMPLETE_NAME
        assert 0 < len(exercise.summary) <= AUTOCOMPLETE_NAME
        assert 1 <= exercise.minutes <= 120
        assert 2 <= len(exercise.steps) <= 6
        for step in exercise.steps:
            assert 0 < len(step.title) <= EMBED_TITLE
            assert 0 < len(step.body) <= STEP_BODY_CAP < EMBED_DESCRIPTION
            assert step.question is None or 0 < len(step.question) <= QUESTION_CAP
            # Room for the question and a footer in one embed description.
            assert len(step.body) + len(step.question or "") + 200 <= EMBED_DESCRIPTION


def test_most_steps_end_with_a_question(library: ContentLibrary) -> None:
    steps = [s for e in library.exercises.values() for s in e.steps]
    assert sum(s.question is not None for s in steps) >= 0.8 * len(steps)


def test_prompts_within_limits_and_well_formed(library: ContentLibrary) -> None:
    ids = [p.id for p in library.all_prompts]
    assert len(ids) == len(set(ids))
    for prompt in library.all_prompts:
        assert SLUG.match(prompt.id)
        assert 0 < len(prompt.text) <= PLACEHOLDER, prompt.id
        assert prompt.themes and all(len(t) <= 32 for t in prompt.themes)
        assert prompt.exercise is None or prompt.exercise in library.exercises
    texts = [p.text.casefold() for p in library.all_prompts]
    assert len(texts) == len(set(texts)), "a prompt text is repeated"


def test_safety_texts(library: ContentLibrary) -> None:
    safety = library.safety
    for text in (
        safety.not_therapy,
        safety.professional_help,
        safety.feeling_unsafe,
        safety.default_resources,
    ):
        assert 0 < len(text) <= SAFETY_CAP
    assert "not therapy" in safety.not_therapy.lower()
    names = " ".join(f.name.lower() for f in safety.red_flags)
    for word in ("help", "denial", "ghosting", "gaslighting", "stonewalling", "lonely", "addict"):
        assert word in names, word
    assert len(safety.red_flags) == 7
    assert "emergency" in safety.feeling_unsafe.lower()
    assert "helpline" in safety.feeling_unsafe.lower()
    assert "http" not in safety.feeling_unsafe + safety.default_resources
    assert "emergency" in safety.default_resources.lower()
    # What is shown at once wherever someone says they feel afraid or unsafe.
    assert "safety comes first" in safety.unsafe_title.lower()
    assert "safety comes first" in safety.unsafe_lead.lower()
    assert "safety comes first" in safety.asked_lead.lower()
    assert 0 < len(safety.unsafe_button) <= 80


def test_checkup(library: ContentLibrary) -> None:
    checkup = library.checkup
    assert 1 <= len(checkup.questions) <= 4, "a modal holds five components: the privacy line and four"
    assert "only you see this" in checkup.intro.lower() and "partner never sees" in checkup.intro.lower()
    for question in checkup.questions:
        assert 0 < len(question.text) <= MODAL_LABEL
        assert question.placeholder is None or len(question.placeholder) <= SELECT_PLACEHOLDER
        assert 2 <= len(question.options) <= SELECT_OPTIONS
        for option in question.options:
            assert 0 < len(option.label) <= SELECT_OPTION_LABEL
            assert option.description is None or len(option.description) <= SELECT_OPTION_DESCRIPTION
            assert len(option.value) <= 100
    ids = {q.id for q in checkup.questions}
    assert {"heading", "progress", "red-flags", "outcome"} <= ids
    red = checkup.question("red-flags")
    assert red is not None
    assert len(red.red_flag_values) >= 7
    assert any(not o.red_flag for o in red.options), "there must be a way to answer 'no'"
    assert all(not o.red_flag for q in checkup.questions if q.id != "red-flags" for o in q.options)
    outcome = checkup.question("outcome")
    assert outcome is not None and len(outcome.options) >= 4
    assert checkup.flags_raised({"red-flags": ["ghosting"]})
    assert not checkup.flags_raised({"red-flags": ["none"], "heading": ["closer"]})
    # Feeling afraid or unsafe is answered with the safety guidance; every other flag with its own words.
    unsafe = red.option("unsafe")
    assert unsafe is not None and unsafe.safety and unsafe.red_flag and "unsafe" in unsafe.label
    assert [o.value for o in red.options if o.safety] == ["unsafe"]
    notes = [o.note for o in red.options if o.red_flag and not o.safety]
    assert len(notes) == 7 and all(notes) and len(set(notes)) == 7
    # Time words are placeholders filled from the person's clock, never a fixed "tonight".
    timed = [checkup.closing, checkup.red_flag_note, checkup.repeated_note, *map(str, notes)]
    assert not [t for t in timed if re.search(r"\b(tonight|this morning|this evening)\b", t, re.I)]
    assert "{rest_of_day}" in checkup.closing
    assert "tonight" not in checkup.monthly_nudge.lower()


def test_no_content_text_names_a_fixed_time_of_day() -> None:
    """Exercises are started, and prompts arrive, at any hour: "tonight" at 05:00 is wrong. Texts
    say "right now", or use a placeholder the reply fills from the person's clock."""
    fixed = re.compile(r"\b(tonight|this morning|this afternoon|this evening)\b", re.IGNORECASE)
    found = [
        f"{path.relative_to(CONTENT_DIR)}:{number}"
        for path in sorted(CONTENT_DIR.rglob("*.yaml"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if fixed.search(line) and not line.strip().startswith(("- id:", "id:"))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ({"value": "x1", "label": "L", "red_flag": True}, "every red flag needs a note"),
        ({"value": "x1", "label": "L", "safety": True}, "must also be a red_flag"),
        ({"value": "x1", "label": "L", "red_flag": True, "safety": True, "note": "n"}, "not a note"),
        ({"value": "x1", "label": "L", "red_flag": True, "note": "Rest {tonite}."}, "unknown placeholder"),
        ({"value": "x1", "label": "L", "red_flag": True, "note": "A lone { brace"}, "lone brace"),
    ],
)
def test_checkup_options_are_checked_at_load(option: dict[str, object], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        models.CheckupOption.model_validate(option)


def test_a_broken_time_word_in_checkup_yaml_stops_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    data = yaml.safe_load((CONTENT_DIR / "checkup.yaml").read_text(encoding="utf-8"))
    data["closing"] = "Be gentle with yourself {tonight}."
    with pytest.raises(ValidationError, match=r"unknown placeholder \{tonight\}"):
        models.Checkup.model_validate(data)


def test_library_helpers(library: ContentLibrary) -> None:
    exercise = library.exercise("know-where-you-stand")
    assert exercise is not None and exercise.track is Track.DISTANT
    assert library.exercise("no-such-exercise") is None
    assert all(e.track is Track.AVAILABLE for e in library.by_track(Track.AVAILABLE))
    assert library.by_track("available") == library.by_track(Track.AVAILABLE)
    first = library.partner_prompts[0]
    assert library.prompt(first.id) == first
    assert library.prompt(library.personal_prompts[-1].id) == library.personal_prompts[-1]
    assert library.prompt("nope") is None
    assert all(p.exercise == "open-up" for p in library.prompts_for("open-up"))
    assert Track.DISTANT.display_name == "When your partner feels distant"
    assert all(t.display_name for t in Track)


def test_library_is_read_only(library: ContentLibrary) -> None:
    exercise = next(iter(library.exercises.values()))
    with pytest.raises(Exception, match="frozen"):
        exercise.title = "changed"  # type: ignore[misc]


def test_loads_from_the_package_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Path(str(builtin_root())).resolve() == CONTENT_DIR.resolve()
    assert len(load_content().exercises) >= 15


# --- a counsellor's extra folder -----------------------------------------------------------------

EXTRA_STEPS = [
    {"title": "Breathe", "body": "Breathe in for four, out for six.", "question": "How do you feel?"},
    {"title": "Begin", "body": "Start with one gentle sentence."},
]
EXTRA_EXERCISE = {
    "id": "counsellor-breathing",
    "title": "Breathing before a hard talk",
    "track": "together",
    "source": "Counsellor's own material",
    "summary": "Two minutes of slow breathing before you start.",
    "minutes": 5,
    "steps": EXTRA_STEPS,
}


def write_yaml(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_extra_folder_adds_exercises_and_prompts(tmp_path: Path, library: ContentLibrary) -> None:
    write_yaml(tmp_path / "exercises" / "breathing.yaml", EXTRA_EXERCISE)
    write_yaml(
        tmp_path / "prompts" / "partner.yaml",
        {
            "prompts": [
                {
                    "id": "extra-breath",
                    "text": "How was your breathing today?",
                    "themes": ["body"],
                    "exercise": "counsellor-breathing",
                },
                {
                    "id": "extra-time",
                    "text": "When can we talk this week?",
                    "themes": ["time-together"],
                    "exercise": "make-time",
                },
            ]
        },
    )
    write_yaml(
        tmp_path / "prompts" / "personal.yaml",
        {"prompts": [{"id": "extra-me", "text": "What did I notice today?", "themes": ["feelings"]}]},
    )
    merged = load_content(tmp_path)
    assert len(merged.exercises) == len(library.exercises) + 1
    assert merged.exercise("counsellor-breathing") is not None
    assert list(merged.exercises)[-1] == "counsellor-breathing"
    assert len(merged.partner_prompts) == len(library.partner_prompts) + 2
    assert len(merged.personal_prompts) == len(library.personal_prompts) + 1
    assert [p.id for p in merged.prompts_for("counsellor-breathing")] == ["extra-breath"]


def test_extra_folder_parts_are_optional(tmp_path: Path, library: ContentLibrary) -> None:
    write_yaml(
        tmp_path / "prompts" / "personal.yaml",
        {"prompts": [{"id": "only-me", "text": "One line for today?", "themes": ["feelings"]}]},
    )
    merged = load_content(tmp_path)
    assert merged.exercises.keys() == library.exercises.keys()
    assert merged.partner_prompts == library.partner_prompts
    assert merged.personal_prompts[-1].id == "only-me"


def test_missing_extra_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="does not exist"):
        load_content(tmp_path / "nowhere")


# --- broken files stop loading, naming the file and the field ------------------------------------


def _bad_yaml(root: Path) -> Path:
    path = root / "exercises" / "broken.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("id: broken\ntitle: [unclosed\nsteps:\n  - oops\n", encoding="utf-8")
    return path


def _missing_field(root: Path) -> Path:
    data = {k: v for k, v in EXTRA_EXERCISE.items() if k != "summary"}
    return write_yaml(root / "exercises" / "no-summary.yaml", data)


def _too_long_body(root: Path) -> Path:
    steps = [dict(s) for s in EXTRA_STEPS]
    steps[1]["body"] = "word " * 700
    return write_yaml(root / "exercises" / "boundaries.yaml", {**EXTRA_EXERCISE, "steps": steps})


def _too_long_prompt(root: Path) -> Path:
    return write_yaml(
        root / "prompts" / "partner.yaml",
        {
            "prompts": [
                {"id": "fine", "text": "Short?", "themes": ["time-together"]},
                {"id": "too-long", "text": "x" * 101, "themes": ["time-together"]},
            ]
        },
    )


def _too_few_steps(root: Path) -> Path:
    return write_yaml(root / "exercises" / "short.yaml", {**EXTRA_EXERCISE, "steps": EXTRA_STEPS[:1]})


def _unknown_key(root: Path) -> Path:
    return write_yaml(root / "exercises" / "typo.yaml", {**EXTRA_EXERCISE, "summmary": "typo"})


def _bad_track(root: Path) -> Path:
    return write_yaml(root / "exercises" / "track.yaml", {**EXTRA_EXERCISE, "track": "sideways"})


def _bad_id(root: Path) -> Path:
    return write_yaml(root / "exercises" / "id.yaml", {**EXTRA_EXERCISE, "id": "Not A Slug"})


def _duplicate_exercise_id(root: Path) -> Path:
    return write_yaml(root / "exercises" / "dup.yaml", {**EXTRA_EXERCISE, "id": "know-where-you-stand"})


def _duplicate_exercise_id_within_extra(root: Path) -> Path:
    write_yaml(root / "exercises" / "a.yaml", EXTRA_EXERCISE)
    return write_yaml(root / "exercises" / "b.yaml", EXTRA_EXERCISE)


def _duplicate_prompt_id(root: Path) -> Path:
    return write_yaml(
        root / "prompts" / "personal.yaml",
        {"prompts": [{"id": "feeling-this-week", "text": "Again?", "themes": ["feelings"]}]},
    )


def _duplicate_prompt_id_in_one_file(root: Path) -> Path:
    return write_yaml(
        root / "prompts" / "partner.yaml",
        {
            "prompts": [
                {"id": "same", "text": "One?", "themes": ["feelings"]},
                {"id": "same", "text": "Two?", "themes": ["feelings"]},
            ]
        },
    )


def _dangling_reference(root: Path) -> Path:
    return write_yaml(
        root / "prompts" / "partner.yaml",
        {
            "prompts": [
                {"id": "ok-one", "text": "Fine?", "themes": ["time-together"]},
                {
                    "id": "dangling",
                    "text": "Where?",
                    "themes": ["time-together"],
                    "exercise": "no-such-exercise",
                },
            ]
        },
    )


def _empty_file(root: Path) -> Path:
    path = root / "exercises" / "empty.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("# nothing yet\n", encoding="utf-8")
    return path


def _list_at_top(root: Path) -> Path:
    return write_yaml(root / "prompts" / "partner.yaml", [{"id": "x1", "text": "Hi", "themes": ["a"]}])


BROKEN: dict[str, tuple[Callable[[Path], Path], str | None, str]] = {
    # case: (writer, expected field path, expected words in the message)
    "bad yaml": (_bad_yaml, None, "invalid YAML"),
    "missing field": (_missing_field, "summary", "Field required"),
    "too-long step body": (_too_long_body, "steps.1.body", "at most 3000 characters"),
    "too-long prompt": (_too_long_prompt, "prompts.1.text", "at most 100 characters"),
    "too few steps": (_too_few_steps, "steps", "at least 2 items"),
    "unknown key": (_unknown_key, "summmary", "Extra inputs are not permitted"),
    "bad track": (_bad_track, "track", "Input should be"),
    "bad id": (_bad_id, "id", "should match pattern"),
    "duplicate exercise id (built-in)": (
        _duplicate_exercise_id,
        "id",
        "duplicate exercise id 'know-where-you-stand'",
    ),
    "duplicate exercise id (extra)": (_duplicate_exercise_id_within_extra, "id", "already used in"),
    "duplicate prompt id": (_duplicate_prompt_id, "prompts.0.id", "duplicate prompt id 'feeling-this-week'"),
    "duplicate prompt id in a file": (
        _duplicate_prompt_id_in_one_file,
        "prompts.1.id",
        "duplicate prompt id 'same'",
    ),
    "dangling reference": (_dangling_reference, "prompts.1.exercise", "no-such-exercise"),
    "empty file": (_empty_file, None, "empty"),
    "list at top level": (_list_at_top, None, "mapping"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_names_file_and_field(tmp_path: Path, case: str) -> None:
    writer, field, words = BROKEN[case]
    path = writer(tmp_path)
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    error = caught.value
    assert error.file == str(path)
    assert error.field == field
    message = str(error)
    first_line = message.splitlines()[0]
    assert first_line.startswith(f"{path}: {field}: " if field else f"{path}: ")
    assert words in message


def test_error_message_shape(tmp_path: Path) -> None:
    path = _too_long_body(tmp_path)
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert str(caught.value) == f"{path}: steps.1.body: String should have at most 3000 characters"


def test_yaml_error_gives_line(tmp_path: Path) -> None:
    _bad_yaml(tmp_path)
    with pytest.raises(ContentError, match=r"line \d+, column \d+"):
        load_content(tmp_path)


# --- the articles are sources of ideas, not text ---------------------------------------------------


@pytest.mark.skipif(not SEED_OVERLAP.is_file(), reason="the shared seed tools are not present (fresh clone)")
def test_no_sentences_copied_from_the_articles() -> None:
    result = subprocess.run(
        [sys.executable, str(SEED_OVERLAP), str(CONTENT_DIR)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- the models enforce the named limits ---------------------------------------------------------


@pytest.mark.parametrize(
    ("limit_name", "build"),
    [
        ("STEP_TITLE_MAX", lambda t: models.Step(title=t, body="b")),
        ("STEP_BODY_MAX", lambda t: models.Step(title="t", body=t)),
        ("QUESTION_MAX", lambda t: models.Step(title="t", body="b", question=t)),
        ("PROMPT_TEXT_MAX", lambda t: models.Prompt(id="p1", text=t, themes=("x",))),
        ("EXERCISE_TITLE_MAX", lambda t: models.Exercise.model_validate({**EXTRA_EXERCISE, "title": t})),
        ("EXERCISE_SUMMARY_MAX", lambda t: models.Exercise.model_validate({**EXTRA_EXERCISE, "summary": t})),
        ("CHECKUP_QUESTION_MAX", lambda t: models.CheckupQuestion(id="q1", text=t, options=_options())),
        ("CHECKUP_OPTION_LABEL_MAX", lambda t: models.CheckupOption(value="v1", label=t)),
        ("RED_FLAG_DESCRIPTION_MAX", lambda t: models.RedFlag(name="n", description=t)),
    ],
)
def test_models_enforce_limits(limit_name: str, build: Callable[[str], object]) -> None:
    limit = getattr(models, limit_name)
    build("a" * limit)
    with pytest.raises(ValidationError):
        build("a" * (limit + 1))


def _options() -> tuple[models.CheckupOption, ...]:
    return (models.CheckupOption(value="v1", label="one"), models.CheckupOption(value="v2", label="two"))


def test_model_limits_fit_discord() -> None:
    assert models.EXERCISE_TITLE_MAX <= AUTOCOMPLETE_NAME
    assert models.EXERCISE_SUMMARY_MAX <= AUTOCOMPLETE_NAME
    assert models.STEP_TITLE_MAX <= EMBED_TITLE
    assert models.STEP_BODY_MAX + models.QUESTION_MAX < EMBED_DESCRIPTION
    assert models.PROMPT_TEXT_MAX <= PLACEHOLDER
    assert models.CHECKUP_QUESTION_MAX <= MODAL_LABEL
    assert models.CHECKUP_OPTION_LABEL_MAX <= SELECT_OPTION_LABEL
    assert models.CHECKUP_OPTIONS_MAX <= SELECT_OPTIONS
    assert models.SAFETY_TEXT_MAX < EMBED_DESCRIPTION
