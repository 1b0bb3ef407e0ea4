import datetime

from dateutil.relativedelta import relativedelta

from odoo import fields

from .common import LoyaltyCommon, membership_program_values


class TestMemberTierReport(LoyaltyCommon):
    """Members by tier at each month's end, from join dates and tier changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.month = fields.Date.context_today(cls.Member).replace(day=1)

    def _start(self, months_ago, day=1):
        return self.month - relativedelta(months=months_ago) + datetime.timedelta(days=day - 1)

    def _history(self, member, joined, changes):
        """Give ``member`` its join date and its tier changes [(date, tier)]
        in place of those of its enrolment today."""
        member.tier_history_ids.sudo().unlink()
        member.sudo().write({"join_date": joined, "tier_id": changes[-1][1].id})
        previous = self.env["customer.loyalty.tier"]
        for date, tier in changes:
            self.env["customer.loyalty.tier.history"].sudo().create(
                {
                    "member_id": member.id,
                    "from_tier_id": previous.id,
                    "to_tier_id": tier.id,
                    "date": date,
                    "reason": "upgrade",
                }
            )
            previous = tier

    def _counts(self, model, domain):
        groups = model._read_group(domain, ["date:month", "tier_id"], ["member_count:sum"])
        return {(month, tier.name or None): count for month, tier, count in groups}

    def test_members_by_tier_at_month_end(self):
        s, g, p = self.silver, self.gold, self.platinum
        ann = self._member("Tier Report Ann")
        self._history(ann, self._start(3, 5), [(self._start(3, 5), s), (self._start(2, 10), g)])
        # Platinum on the first day of this month
        ann.tier_history_ids.sudo().create(
            {
                "member_id": ann.id,
                "from_tier_id": g.id,
                "to_tier_id": p.id,
                "date": self.month,
                "reason": "upgrade",
            }
        )
        bo = self._member("Tier Report Bo")
        # Gold on the last day of last month counts in last month
        last_day = self.month - relativedelta(days=1)
        self._history(bo, self._start(2, 15), [(self._start(2, 15), s), (last_day, g)])
        cai = self._member("Tier Report Cai")
        # joined last month, no tier until this month
        self._history(cai, self._start(1), [(self.month, s)])
        dan = self._member("Tier Report Dan")
        # two changes on one day: the later one holds; down to Gold last month
        self._history(
            dan,
            self._start(3),
            [
                (self._start(3), s),
                (self._start(2, 20), g),
                (self._start(2, 20), p),
                (self._start(1, 3), g),
            ],
        )
        gone = self._member("Tier Report Gone")
        self._history(gone, self._start(3), [(self._start(3), s)])
        gone.active = False
        self.env.flush_all()
        Report = self.env["customer.loyalty.member.tier.report"]
        expected = {
            (self._start(3), "Silver"): 2,
            (self._start(2), "Silver"): 1,
            (self._start(2), "Gold"): 1,
            (self._start(2), "Platinum"): 1,
            (self._start(1), "Gold"): 3,
            (self._start(1), None): 1,
            (self.month, "Silver"): 1,
            (self.month, "Gold"): 2,
            (self.month, "Platinum"): 1,
        }
        self.assertEqual(self._counts(Report, [("program_id", "=", self.program.id)]), expected)
        # a member of another company's program: not seen from this company
        other = self._other_company("Tier Report Other Co")
        program = self.env["loyalty.program"].create(membership_program_values("Other Club", other))
        self.env["customer.loyalty.tier"].create(
            {"program_id": program.id, "name": "Bronze", "threshold": 0}
        )
        outsider = self._customer("Tier Report Outsider")
        self.Member.create({"program_id": program.id, "partner_id": outsider.id})
        self.env.flush_all()
        self.assertEqual(
            self._counts(Report, [("program_id", "=", program.id)]), {(self.month, "Bronze"): 1}
        )
        self.assertEqual(self._counts(Report.with_user(self.user_customer), []), expected)

    def test_twenty_four_months(self):
        member = self._member("Tier Report Old")
        joined = self.month - relativedelta(years=3)
        self._history(member, joined, [(joined, self.gold)])
        self.env.flush_all()
        counts = self._counts(
            self.env["customer.loyalty.member.tier.report"], [("program_id", "=", self.program.id)]
        )
        self.assertEqual(len(counts), 24)
        self.assertEqual(min(counts), (self.month - relativedelta(months=23), "Gold"))
        self.assertEqual(set(counts.values()), {1})
