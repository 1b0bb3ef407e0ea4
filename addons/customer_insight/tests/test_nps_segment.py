"""NPS per segment: an answer counts once in each segment its customer
belongs to, and the total counts it once."""

from odoo import Command
from odoo.tests import tagged

from .common import InsightCommon


@tagged("post_install", "-at_install")
class TestNpsPerSegment(InsightCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.insight_nps_survey_id = cls.env.ref("customer_insight.survey_nps")
        tag_1, tag_2 = cls.env["res.partner.category"].create(
            [{"name": "NPS tag 1"}, {"name": "NPS tag 2"}]
        )

        def customer(name, *tags):
            return cls._customer(name, category_id=[Command.set([tag.id for tag in tags])])

        cls.a = customer("Segment A", tag_1)
        cls.b = customer("Segment B", tag_1, tag_2)
        cls.c = customer("Segment C", tag_2)
        cls.d = customer("Segment D")
        cls.e = customer("Segment E")
        # E is in segment 2 through one of its contacts
        cls.env["res.partner"].create(
            {"name": "Contact of E", "parent_id": cls.e.id, "category_id": [Command.set(tag_2.ids)]}
        )
        cls.segment_1, cls.segment_2 = (
            cls.env["customer.segment"].create(
                {
                    "name": name,
                    "company_id": cls.company.id,
                    "domain": f"[('category_id', 'in', {tag.ids})]",
                }
            )
            for name, tag in (("NPS segment one", tag_1), ("NPS segment two", tag_2))
        )

    def setUp(self):
        super().setUp()
        # A: promoter and detractor; B: promoter; C, E: detractors; D: passive
        self.answers = {
            name: self._nps_answer(partner, score)
            for name, partner, score in (
                ("a1", self.a, 10),
                ("a2", self.a, 6),
                ("b", self.b, 9),
                ("c", self.c, 3),
                ("d", self.d, 8),
                ("e", self.e, 0),
            )
        }
        self.env.flush_all()
        # the analysis as a user of the company reads it: its answers, its segments
        self.report = self.env["customer.nps.report"].with_user(self.user_customer)

    def test_nps_per_segment(self):
        groups = {
            segment: (nps, count)
            for segment, nps, count in self.report._read_group(
                [], ["segment_ids"], ["nps:avg", "__count"]
            )
        }
        # segment 1: A (10, 6) and B (9): 2 promoters, 1 detractor of 3
        # segment 2: B (9), C (3), E (0): 1 promoter, 2 detractors of 3
        # no segment: D (8): a passive
        self.assertEqual(
            set(groups), {self.segment_1, self.segment_2, self.env["customer.segment"]}
        )
        self.assertAlmostEqual(groups[self.segment_1][0], 100 * (2 - 1) / 3)
        self.assertEqual(groups[self.segment_1][1], 3)
        self.assertAlmostEqual(groups[self.segment_2][0], 100 * (1 - 2) / 3)
        self.assertEqual(groups[self.segment_2][1], 3)
        self.assertEqual(groups[self.env["customer.segment"]], (0.0, 1))
        # the total counts B's answer once: 2 promoters, 3 detractors of 6
        [(nps, count)] = self.report._read_group([], [], ["nps:avg", "__count"])
        self.assertAlmostEqual(nps, 100 * (2 - 3) / 6)
        self.assertEqual(count, 6)
        # by segment and month, as the pivot asks
        rows = self.report._read_group([], ["segment_ids", "date:month"], ["__count"])
        self.assertEqual(sum(count for _segment, _month, count in rows), 7)

    def test_filter_by_segment(self):
        answers = self.answers

        def found(domain):
            return set(self.report.search(domain).ids)

        self.assertEqual(
            found([("segment_ids", "in", self.segment_1.ids)]),
            {answers["a1"].id, answers["a2"].id, answers["b"].id},
        )
        self.assertEqual(
            found([("segment_ids", "=", self.segment_2.id)]),
            {answers["b"].id, answers["c"].id, answers["e"].id},
        )
        self.assertEqual(
            found([("segment_ids", "ilike", "segment two")]),
            found([("segment_ids", "=", self.segment_2.id)]),
        )
        self.assertEqual(found([("segment_ids", "=", False)]), {answers["d"].id})
        self.assertEqual(
            found([("segment_ids", "not in", self.segment_1.ids)]),
            {answers["c"].id, answers["d"].id, answers["e"].id},
        )
        self.assertEqual(len(found([("segment_ids", "!=", False)])), 5)
        self.assertEqual(
            self.report.browse(answers["b"].id).segment_ids, self.segment_1 | self.segment_2
        )
        self.assertFalse(self.report.browse(answers["d"].id).segment_ids)

    def test_web_groups_open_their_answers(self):
        """The groups of the pivot and the list open their own answers."""
        self.assertTrue(
            self.report.fields_get(["segment_ids"], ["groupable"])["segment_ids"]["groupable"]
        )
        groups = self.report.read_group([], ["nps:avg"], ["segment_ids"], lazy=False)
        self.assertEqual(len(groups), 3)
        for group in groups:
            self.assertEqual(self.report.search_count(group["__domain"]), group["__count"])
        empty = next(group for group in groups if not group["segment_ids"])
        self.assertEqual(empty["__count"], 1)

    def test_segment_of_another_company(self):
        """A segment of another company holds no answer of this one."""
        other = self._other_company("NPS Other Co")
        segment = self.env["customer.segment"].create(
            {"name": "Other company's", "company_id": other.id, "domain": "[]"}
        )
        self.env = self.env(
            context=dict(self.env.context, allowed_company_ids=[self.company.id, other.id])
        )
        self.assertFalse(self.env["customer.nps.report"].search([("segment_ids", "=", segment.id)]))
