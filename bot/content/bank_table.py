"""The prompt bank in numbers, for content/COVERAGE.md: how many prompts each theme holds.

    python -m bot.content.bank_table            print the table
    python -m bot.content.bank_table --write    put it into content/COVERAGE.md, between its markers

A test (tests/test_prompt_bank.py) checks that COVERAGE.md holds the table of the bank as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.content.loader import load_content
from bot.content.models import ContentLibrary, Prompt

START = "<!-- prompt-bank-table: made by `python -m bot.content.bank_table --write`; do not edit by hand -->"
END = "<!-- /prompt-bank-table -->"
COVERAGE = Path(__file__).resolve().parents[2] / "content" / "COVERAGE.md"


def bank_table(library: ContentLibrary) -> str:
    """A Markdown table: each catalogue theme with its prompt counts, then the totals."""

    def count(prompts: tuple[Prompt, ...], theme: str) -> int:
        return sum(1 for p in prompts if theme in p.themes)

    partner, personal = library.partner_prompts, library.personal_prompts
    playful = {t.id for t in library.catalogue.themes if t.playful}
    rows = [
        "| Theme | id | Playful | Partner prompts | Personal prompts |",
        "|---|---|---|---|---|",
    ]
    for theme in library.catalogue.themes:
        rows.append(
            f"| {theme.name} | `{theme.id}` | {'yes' if theme.playful else ''} "
            f"| {count(partner, theme.id)} | {count(personal, theme.id)} |"
        )

    def light(prompts: tuple[Prompt, ...]) -> int:
        return sum(1 for p in prompts if playful & set(p.themes))

    def linked(prompts: tuple[Prompt, ...]) -> int:
        return sum(1 for p in prompts if p.exercise)

    rows += [
        f"| **All prompts** | | | **{len(partner)}** | **{len(personal)}** |",
        "",
        f"A prompt may have two themes, so the rows add up to more than the totals. Playful (a playful "
        f"theme): {light(partner)} partner and {light(personal)} personal prompts. Linked to an "
        f"exercise: {linked(partner)} partner and {linked(personal)} personal prompts.",
    ]
    return "\n".join(rows)


def with_table(document: str, table: str) -> str:
    """`document` with the text between the markers replaced by `table`."""
    before, found, rest = document.partition(START)
    if not found or END not in rest:
        raise ValueError(f"COVERAGE.md needs the markers {START!r} and {END!r}")
    _, _, after = rest.partition(END)
    return f"{before}{START}\n{table}\n{END}{after}"


def main(argv: list[str]) -> int:
    table = bank_table(load_content())
    if "--write" in argv:
        COVERAGE.write_text(with_table(COVERAGE.read_text(encoding="utf-8"), table), encoding="utf-8")
    else:
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
