"""The words that come back are exactly the words that were sent, whatever they hold."""

from __future__ import annotations

from bot.giveback import MESSAGE_MAX, Kept, give_back


def test_short_words_come_back_inline_verbatim_and_empty_ones_not_at_all() -> None:
    reply = give_back("Not saved.", [Kept("Title", "   "), Kept("Your entry", "  two spaces, @everyone\n")])
    assert reply.files == []
    assert "```\n  two spaces, @everyone\n\n```" in reply.content
    assert "Title" not in reply.content


def test_what_a_code_block_cannot_hold_comes_back_as_a_file_of_the_exact_bytes() -> None:
    fenced = "my list:\n```\n1. breathe\n```"
    reply = give_back("Not saved.", [Kept("Your answer", fenced), Kept("Title", "Fine")])
    assert reply.files == [("attune-your-answer.txt", fenced.encode("utf-8"))]
    assert "```\nFine\n```" in reply.content


def test_what_does_not_fit_in_a_message_comes_back_as_files_counted_as_discord_counts() -> None:
    emoji = "🌙" * 1200  # 1,200 characters, 2,400 UTF-16 units
    same = give_back("Not saved.", [Kept("Your boundary", emoji), Kept("Your boundary", emoji)])
    assert [name for name, _ in same.files] == ["attune-your-boundary.txt", "attune-your-boundary-2.txt"]
    assert all(data == emoji.encode("utf-8") for _, data in same.files)
    assert len(same.content.encode("utf-16-le")) // 2 <= MESSAGE_MAX
