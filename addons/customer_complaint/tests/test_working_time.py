import random
from datetime import datetime, timedelta

from odoo.tests import TransactionCase, tagged

from odoo.addons.customer_complaint.models.working_time import WorkingTimePlanner


@tagged("post_install", "-at_install")
class TestWorkingTimePlanner(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Complaint desk", "tz": "Asia/Shanghai"}
        )
        # a public holiday: a global leave of the calendar
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 3, 4, 0, 0),
                "date_to": datetime(2026, 3, 5, 23, 0),
            }
        )

    def _moments(self, count, seed):
        rng = random.Random(seed)
        start = datetime(2026, 2, 20)
        moments = [start + timedelta(minutes=rng.randrange(0, 30 * 24 * 60)) for _i in range(count)]
        # on a weekend, at the edges of a working day, in the holiday
        return [
            *moments,
            datetime(2026, 2, 28, 10, 0),
            datetime(2026, 3, 2, 0, 0),
            datetime(2026, 3, 2, 9, 0),
            datetime(2026, 3, 4, 3, 0),
        ]

    def test_same_as_plan_hours(self):
        for seed in range(3):
            moments = self._moments(40, seed)
            planner = WorkingTimePlanner(self.calendar, moments)
            for moment in moments:
                for hours in (0.5, 1, 4, 8, 9.25, 40, 100, -1, -4, -8, -30):
                    with self.subTest(seed=seed, moment=moment, hours=hours):
                        expected = self.calendar.plan_hours(hours, moment, compute_leaves=True)
                        planned = planner.plan_hours(hours, moment)
                        self.assertLessEqual(abs(planned - expected), timedelta(seconds=1))

    def test_outside_the_span_falls_back(self):
        planner = WorkingTimePlanner(self.calendar, [datetime(2026, 3, 2, 9, 0)])
        later = datetime(2026, 6, 1, 9, 0)
        self.assertEqual(
            planner.plan_hours(300, later),
            self.calendar.plan_hours(300, later, compute_leaves=True),
        )
        # hours reaching past the span
        moment = datetime(2026, 3, 2, 9, 0)
        self.assertEqual(
            planner.plan_hours(400, moment),
            self.calendar.plan_hours(400, moment, compute_leaves=True),
        )
        self.assertEqual(
            WorkingTimePlanner(self.calendar, []).plan_hours(2, moment),
            self.calendar.plan_hours(2, moment, compute_leaves=True),
        )
