"""Send windows: when a template's messages may reach a patient, in UK local time.

A message due outside its template's window is deferred to the window's next opening, never
dropped. Urgent templates may be sent at any time. Windows are wall-clock times in
Europe/London, so they stay right across the clock changes.
"""

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def window_next_opening(*, at: dt.datetime, start: dt.time, end: dt.time, any_time: bool = False) -> dt.datetime | None:
    """None when `at` is inside the window (send now); otherwise the next opening, in UTC."""
    if any_time:
        return None
    local = at.astimezone(LONDON)
    if start <= local.time() < end:
        return None
    day = local.date() if local.time() < start else local.date() + dt.timedelta(days=1)
    opening = dt.datetime.combine(day, start, tzinfo=LONDON)
    return opening.astimezone(dt.UTC)
