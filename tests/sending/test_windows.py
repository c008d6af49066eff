"""Send windows are UK wall-clock times, right across the clock changes."""

import datetime as dt

from notifyadmin.sending.windows import window_next_opening

EIGHT, EIGHT_PM = dt.time(8), dt.time(20)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_inside_the_window_sends_now():
    assert window_next_opening(at=utc(2026, 12, 1, 12, 0), start=EIGHT, end=EIGHT_PM) is None


def test_late_evening_waits_for_the_next_morning_in_winter():
    assert window_next_opening(at=utc(2026, 12, 1, 21, 30), start=EIGHT, end=EIGHT_PM) == utc(2026, 12, 2, 8, 0)


def test_early_morning_in_summer_opens_at_eight_london_time_which_is_seven_utc():
    assert window_next_opening(at=utc(2026, 7, 1, 5, 0), start=EIGHT, end=EIGHT_PM) == utc(2026, 7, 1, 7, 0)


def test_the_night_the_clocks_go_forward():
    # 29 March 2026: London moves from GMT to BST at 01:00 UTC.
    assert window_next_opening(at=utc(2026, 3, 28, 22, 0), start=EIGHT, end=EIGHT_PM) == utc(2026, 3, 29, 7, 0)


def test_urgent_templates_send_at_any_time():
    assert window_next_opening(at=utc(2026, 12, 1, 3, 0), start=EIGHT, end=EIGHT_PM, any_time=True) is None
