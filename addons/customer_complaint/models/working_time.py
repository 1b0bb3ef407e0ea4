"""Deadlines in working time for many complaints at once."""

from bisect import bisect_left, bisect_right
from datetime import timedelta

from odoo.addons.resource.models.utils import make_aware

# how far around the given datetimes the work intervals are read
MARGIN = timedelta(days=28)


class WorkingTimePlanner:
    """``calendar.plan_hours(hours, dt, compute_leaves=True)`` for many
    datetimes: the calendar's work intervals (its global leaves deducted)
    are read once, over the span of ``datetimes`` widened by ``MARGIN`` on
    each side, and walked for each datetime. A datetime outside that span,
    or whose hours reach past it, is planned by ``plan_hours`` itself.

    ``plan_hours`` reads the intervals of two weeks, and searches the
    leaves, at each call: a few milliseconds for each complaint of an
    escalation batch or of a recomputation of due dates.
    """

    def __init__(self, calendar, datetimes):
        self.calendar = calendar
        moments = [make_aware(dt)[0] for dt in datetimes if dt]
        if not moments:
            self.start = self.stop = None
            self.intervals = []
        else:
            self.start, self.stop = min(moments) - MARGIN, max(moments) + MARGIN
            work = calendar._work_intervals_batch(self.start, self.stop)[False]
            self.intervals = [(start, stop) for start, stop, _meta in work]
        self.starts = [start for start, _stop in self.intervals]
        self.stops = [stop for _start, stop in self.intervals]

    def plan_hours(self, hours, dt):
        moment, revert = make_aware(dt)
        if self.start is not None and self.start <= moment <= self.stop:
            planned = self._forward(hours, moment) if hours >= 0 else self._backward(-hours, moment)
            if planned is not None:
                return revert(planned)
        return self.calendar.plan_hours(hours, dt, compute_leaves=True)

    def _forward(self, hours, moment):
        for start, stop in self.intervals[bisect_right(self.stops, moment) :]:
            start = max(start, moment)
            span = (stop - start).total_seconds() / 3600
            if hours <= span:
                return start + timedelta(hours=hours)
            hours -= span
        return None

    def _backward(self, hours, moment):
        for start, stop in reversed(self.intervals[: bisect_left(self.starts, moment)]):
            stop = min(stop, moment)
            span = (stop - start).total_seconds() / 3600
            if hours <= span:
                return stop - timedelta(hours=hours)
            hours -= span
        return None
