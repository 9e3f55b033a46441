"""The theme catalogue and the real prompt bank.

The catalogue and the loader's checks pass on their own. The tests named `test_real_bank_...`
(marked below) check the bank the content holds against issue 16's targets: at least 240 partner
and 120 personal prompts, every theme used, a playful share, and a year of daily check-ins on the
real bank meeting no repeat for 240 days. THEY WAIT FOR THE NEW PROMPT BANK (written on another
branch): they fail on a branch with the old 64 + 32 prompts and pass once it is merged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.content import ContentError, ContentLibrary, load_content
from bot.content.bank_table import COVERAGE, END, START, bank_table
from bot.content.models import ThemeCatalogue
from bot.db import Database
from tests.support.prompts import Simulation

# Agreed with the content writer (issue 16): these ids, these two playful.
CATALOGUE = [
    "feelings",
    "needs",
    "gratitude",
    "time-together",
    "opening-up",
    "fears-dreams",
    "conflict-repair",
    "bids",
    "body",
    "play",
    "memories",
    "future",
    "trust",
    "worth",
    "boundaries",
    "progress",
    "listening",
    "intimacy",
    "past",
    "patterns",
    "help",
    "red-flags",
    "safety",
    "direction",
]
PLAYFUL = {"play", "memories"}
PARTNER_TARGET, PERSONAL_TARGET = 240, 120
PLAYFUL_SHARE = 0.15  # of partner prompts: the light side, so check-ins never feel like homework


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_content()


def test_the_catalogue_holds_the_agreed_themes(library: ContentLibrary) -> None:
    catalogue = library.catalogue
    assert list(catalogue.ids) == CATALOGUE
    assert {t.id for t in catalogue.themes if t.playful} == PLAYFUL
    for theme in catalogue.themes:
        assert 0 < len(theme.name) <= 45 and 0 < len(theme.description) <= 100, theme.id
    assert len(catalogue.themes) <= 25, "every theme is an option of one select menu"
    for text in (catalogue.intro, catalogue.borrowing, catalogue.no_match):
        assert 0 < len(text) <= 1024, "each is an embed field or fits one"


def test_every_prompt_names_catalogue_themes(library: ContentLibrary) -> None:
    known = set(CATALOGUE)
    for prompt in library.all_prompts:
        assert set(prompt.themes) <= known, prompt.id


def write_yaml(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_prompt_with_an_unknown_theme_names_file_and_field(tmp_path: Path) -> None:
    path = write_yaml(
        tmp_path / "prompts" / "partner.yaml",
        {
            "prompts": [
                {"id": "fine-one", "text": "Fine?", "themes": ["feelings"]},
                {"id": "old-tag", "text": "Old?", "themes": ["feelings", "time"]},
            ]
        },
    )
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert caught.value.file == str(path)
    assert caught.value.field == "prompts.1.themes.1"
    assert str(caught.value).startswith(f"{path}: prompts.1.themes.1: no theme has the id 'time'")
    assert "content/prompts/themes.yaml" in str(caught.value)


def test_a_broken_catalogue_is_refused() -> None:
    theme = {"id": "feelings", "name": "Feelings", "description": "Naming them.", "playful": False}
    words = {"intro": "Choose.", "borrowing": "Borrowing.", "no_match": "None."}
    with pytest.raises(ValidationError, match="duplicate theme id 'feelings'"):
        ThemeCatalogue.model_validate({**words, "themes": [theme, theme]})
    many = [{**theme, "id": f"theme-{n}"} for n in range(26)]
    with pytest.raises(ValidationError, match="at most 25"):
        ThemeCatalogue.model_validate({**words, "themes": many})
    with pytest.raises(ValidationError, match="at most 100"):
        ThemeCatalogue.model_validate({**words, "themes": [{**theme, "description": "x" * 101}]})


def test_coverage_lists_the_bank_as_it_is(library: ContentLibrary) -> None:
    """Run `python -m bot.content.bank_table --write` after changing the bank."""
    document = COVERAGE.read_text(encoding="utf-8")
    assert f"{START}\n{bank_table(library)}\n{END}" in document


# -- WAITS FOR THE NEW PROMPT BANK (see the module docstring) ---------------------------------------


def test_real_bank_meets_the_year_targets(library: ContentLibrary) -> None:
    assert len(library.partner_prompts) >= PARTNER_TARGET
    assert len(library.personal_prompts) >= PERSONAL_TARGET
    used = {t for p in library.all_prompts for t in p.themes}
    assert used == set(CATALOGUE), f"themes without a prompt: {sorted(set(CATALOGUE) - used)}"
    playful = [p for p in library.partner_prompts if PLAYFUL & set(p.themes)]
    assert len(playful) >= PLAYFUL_SHARE * len(library.partner_prompts)


async def test_real_bank_year_of_daily_check_ins_meets_no_repeat_for_240_days(database: Database) -> None:
    sim = await Simulation.start(database, load_content())
    await sim.daily_couple()
    await sim.daily_personal()
    await sim.days(365)
    couple, personal = await sim.asked("couple"), await sim.asked("personal")
    assert len(couple) == len(personal) == 365
    assert len(set(couple[:PARTNER_TARGET])) == PARTNER_TARGET
    assert len(set(personal[:PERSONAL_TARGET])) == PERSONAL_TARGET
    bank = len(sim.content.partner_prompts)
    assert len(set(couple[: min(bank, 365)])) == min(bank, 365), "none again before the whole bank"
