"""The streak rules, as pure functions over hand-made histories of (due_at, status[, reason])."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.services.streaks import (
    COUNTED_PERSONAL,
    Mark,
    day_streak,
    heads_up_due,
    miss_would_break,
    streak,
)

MONDAY = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)


def day(n: int) -> datetime:
    return MONDAY + timedelta(days=n)


def daily(*statuses: str) -> list[tuple[datetime, str]]:
    return [(day(i), status) for i, status in enumerate(statuses)]


def test_rounds_answered_by_both_count_in_a_row() -> None:
    assert streak([]).current == 0
    result = streak(daily("revealed", "revealed", "revealed"))
    assert (result.current, result.best) == (3, 3)
    assert not result.forgiveness_used


def test_order_of_the_history_does_not_matter() -> None:
    history = daily("revealed", "closed", "revealed", "closed", "revealed")
    assert streak(reversed(history)) == streak(history)


def test_a_paused_period_with_no_rounds_never_breaks_it() -> None:
    history = [(day(0), "revealed"), (day(1), "revealed"), (day(30), "revealed")]  # a month away
    assert streak(history).current == 3


def test_skipped_rounds_never_break_it() -> None:
    assert streak(daily("revealed", "skipped", "skipped", "skipped", "revealed")).current == 2


def test_rounds_lost_to_the_bot_being_down_never_break_it() -> None:
    history = [
        Mark(day(0), "revealed"),
        Mark(day(1), "missed", "downtime"),
        Mark(day(2), "missed", "downtime"),
        Mark(day(3), "missed", "downtime"),
        Mark(day(4), "revealed"),
    ]
    assert streak(history).current == 2
    assert not streak(history).forgiveness_used


def test_undeliverable_and_still_open_rounds_are_neutral() -> None:
    history = [
        Mark(day(0), "revealed"),
        Mark(day(1), "missed", "paused"),
        Mark(day(2), "pending"),
        Mark(day(3), "open"),
    ]
    assert streak(history).current == 1


def test_one_missed_round_a_week_is_forgiven() -> None:
    result = streak(daily("revealed", "revealed", "closed", "revealed"))
    assert result.current == 3
    assert result.forgiven_at == day(2)


def test_a_second_miss_within_a_week_breaks_it() -> None:
    result = streak(daily("revealed", "revealed", "closed", "revealed", "closed", "revealed"))
    assert result.current == 1
    assert result.best == 3


def test_one_miss_each_week_is_forgiven_every_week() -> None:
    history = [(day(i), "revealed") for i in range(21)]
    history[3] = (day(3), "closed")
    history[10] = (day(10), "closed")  # exactly seven days later: a new week's forgiveness
    history[17] = (day(17), "closed")
    assert streak(history).current == 18


def test_a_break_starts_fresh_with_its_own_forgiveness() -> None:
    history = daily("revealed", "closed", "closed", "revealed", "closed", "revealed")
    result = streak(history)
    assert result.current == 2  # the miss after the fresh start is that streak's own forgiven one
    assert result.forgiven_at == day(4)


def test_personal_check_ins_count_answered_rounds() -> None:
    history = daily("answered", "closed", "answered", "skipped", "answered")
    assert streak(history, COUNTED_PERSONAL).current == 3
    assert streak(history).current == 0  # 'answered' is not a couple's round answered by both


def test_miss_would_break_only_a_running_streak_after_the_forgiven_miss() -> None:
    assert not miss_would_break([], day(1)), "nothing to break"
    assert not miss_would_break(daily("revealed", "revealed"), day(2)), "the first miss is forgiven"
    forgiven = daily("revealed", "closed", "revealed")
    assert miss_would_break(forgiven, day(3))
    assert not miss_would_break(forgiven, day(8)), "a week later, forgiven again"


def test_heads_up_only_near_closing_and_only_when_the_streak_would_break() -> None:
    history = daily("revealed", "closed", "revealed")
    due = day(3)
    closes = due + timedelta(hours=24)
    assert not heads_up_due(history, due, closes, due + timedelta(hours=1)), "too early"
    assert heads_up_due(history, due, closes, closes - timedelta(hours=2))
    assert not heads_up_due(history, due, closes, closes), "already closed"
    # The first miss of the week would be forgiven: no heads-up needed.
    assert not heads_up_due(
        daily("revealed", "revealed", "revealed"), due, closes, closes - timedelta(hours=2)
    )
    # No streak to lose: no heads-up.
    assert not heads_up_due(daily("closed", "closed", "skipped"), due, closes, closes - timedelta(hours=2))
    # Later rounds in the history are ignored: only what came before the open one matters.
    later = [*history, (day(9), "closed")]
    assert heads_up_due(later, due, closes, closes - timedelta(hours=1))


def test_journal_day_streak_in_local_days() -> None:
    today = date(2026, 3, 10)
    days = [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
    assert day_streak(days, today) == 3, "today isn't over yet, so yesterday's run still counts"
    assert day_streak([*days, today], today) == 4
    assert day_streak([date(2026, 3, 7), today], today) == 1
    assert day_streak([date(2026, 3, 7)], today) == 0
