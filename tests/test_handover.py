from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CustomerCommon


class HandoverCommon(CustomerCommon):
    """A leaver with four customers and their open work, two successors and
    a colleague whose records never move."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # handing over moves other salespeople's records: sales administrators only
        cls.user_manager.groups_id |= cls.env.ref("sales_team.group_sale_manager")
        company_vals = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        salesman = "base.group_user,sales_team.group_sale_salesman"
        cls.leaver = new_test_user(cls.env, login="ho_leaver", groups=salesman, **company_vals)
        cls.succ_a = new_test_user(cls.env, login="ho_succ_a", groups=salesman, **company_vals)
        cls.succ_b = new_test_user(cls.env, login="ho_succ_b", groups=salesman, **company_vals)
        cls.other_rep = new_test_user(cls.env, login="ho_other", groups=salesman, **company_vals)

        leaver = {"user_id": cls.leaver.id}
        cls.c1 = cls._customer("Anhui Tea House", is_company=True, **leaver)
        cls.c1_contact = cls._customer("Anhui buyer", parent_id=cls.c1.id, **leaver)
        cls.c1_contact_other = cls._customer(
            "Anhui accountant", parent_id=cls.c1.id, user_id=cls.other_rep.id
        )
        cls.c2 = cls._customer("Bai Lu", **leaver)
        cls.c3 = cls._customer("Cao Ming", **leaver)
        cls.c4 = cls._customer("Deng Hui", **leaver)
        cls.other_customer = cls._customer("Other Rep's Customer", user_id=cls.other_rep.id)
        cls.customers = cls.c1 | cls.c2 | cls.c3 | cls.c4

        def lead(name, partner, user, **vals):
            return cls.env["crm.lead"].create(
                {
                    "name": name,
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "company_id": cls.company.id,
                    **vals,
                }
            )

        cls.lead_open = lead("Open deal", cls.c1_contact, cls.leaver)
        cls.lead_c3 = lead("Cao's deal", cls.c3, cls.leaver)
        cls.lead_won = lead("Won deal", cls.c1, cls.leaver)
        cls.lead_won.action_set_won()
        cls.lead_lost = lead("Lost deal", cls.c2, cls.leaver)
        cls.lead_lost.action_set_lost()
        cls.lead_other_user = lead("Colleague's deal", cls.c1, cls.other_rep)
        cls.lead_other_customer = lead("Elsewhere", cls.other_customer, cls.leaver)

        def order(partner, confirm=False):
            sale = cls._order(partner, 100, confirm=confirm)
            sale.user_id = cls.leaver
            return sale

        cls.quote_draft = order(cls.c1_contact)
        cls.quote_sent = order(cls.c2)
        cls.quote_sent.state = "sent"
        cls.order_confirmed = order(cls.c1, confirm=True)
        cls.quote_other_customer = order(cls.other_customer)

        def activity(record, user):
            return record.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id, summary="Call"
            )

        cls.act_partner = activity(cls.c1, cls.leaver)
        cls.act_contact = activity(cls.c1_contact, cls.leaver)
        cls.act_lead = activity(cls.lead_open, cls.leaver)
        cls.act_quote = activity(cls.quote_draft, cls.leaver)
        cls.act_other_user = activity(cls.c1, cls.other_rep)
        cls.act_won_lead = activity(cls.lead_won, cls.leaver)
        cls.act_confirmed = activity(cls.order_confirmed, cls.leaver)
        cls.act_other_customer = activity(cls.other_customer, cls.leaver)

        cls.moved_with_c1 = [
            cls.c1_contact,
            cls.lead_open,
            cls.quote_draft,
            *(cls.act_partner | cls.act_contact | cls.act_lead | cls.act_quote),
        ]
        cls.untouched = [
            (cls.c1_contact_other, cls.other_rep),
            (cls.other_customer, cls.other_rep),
            (cls.lead_won, cls.leaver),
            (cls.lead_lost, cls.leaver),
            (cls.lead_other_user, cls.other_rep),
            (cls.lead_other_customer, cls.leaver),
            (cls.order_confirmed, cls.leaver),
            (cls.quote_other_customer, cls.leaver),
            (cls.act_other_user, cls.other_rep),
            (cls.act_won_lead, cls.leaver),
            (cls.act_confirmed, cls.leaver),
            (cls.act_other_customer, cls.leaver),
        ]

    def _wizard(self, successors, user=None, **vals):
        return (
            self.env["customer.handover.wizard"]
            .with_user(user or self.user_manager)
            .create(
                {
                    "user_id": self.leaver.id,
                    "successor_ids": [Command.set(successors.ids)],
                    **vals,
                }
            )
        )

    def _selection(self, field_name, value):
        return self.env["ir.model.fields.selection"].search(
            [
                ("field_id.model", "=", "customer.profile"),
                ("field_id.name", "=", field_name),
                ("value", "=", value),
            ]
        )

    def _handovers(self):
        return self.env["customer.handover"].search([("user_id", "=", self.leaver.id)])

    def _assert_untouched(self):
        for record, user in self.untouched:
            self.assertEqual(record.with_context(active_test=False).user_id, user, record)

    def _snapshot(self):
        records = self.customers | self.c1_contact | self.c1_contact_other | self.other_customer
        everything = [
            records,
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("company_id", "=", self.company.id)]),
            self.env["sale.order"].search([("company_id", "=", self.company.id)]),
            self.env["mail.activity"].search([("summary", "=", "Call")]),
        ]
        return {
            (record._name, record.id): record.with_context(active_test=False).user_id
            for recordset in everything
            for record in recordset
        }


@tagged("post_install", "-at_install")
class TestHandover(HandoverCommon):
    def test_moves_exactly_the_leavers_open_work(self):
        wizard = self._wizard(self.succ_a)
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        preview = {
            "customer_count": wizard.customer_count,
            "opportunity_count": wizard.opportunity_count,
            "quotation_count": wizard.quotation_count,
            "activity_count": wizard.activity_count,
        }
        self.assertEqual(
            preview,
            {
                "customer_count": 4,
                "opportunity_count": 2,
                "quotation_count": 2,
                "activity_count": 4,
            },
        )
        self.assertEqual(self.c1.user_id, self.leaver, "preview changes nothing")

        action = wizard.action_confirm()
        handover = self._handovers()
        self.assertEqual(action["res_id"], handover.id)
        self.assertRecordValues(
            handover,
            [
                {
                    "state": "done",
                    "company_id": self.company.id,
                    "done_by_id": self.user_manager.id,
                    "split_mode": "even",
                    **preview,
                }
            ],
        )
        self.assertTrue(handover.name.startswith("HO/"))
        self.assertEqual(handover.line_ids.partner_id, self.customers)
        self.assertEqual(handover.line_ids.from_user_id, self.leaver)
        self.assertEqual(handover.line_ids.to_user_id, self.succ_a)

        for record in [*self.customers, *self.moved_with_c1, self.lead_c3, self.quote_sent]:
            self.assertEqual(record.user_id, self.succ_a, record)
        self._assert_untouched()

    def test_preview_counts_equal_what_confirm_moves(self):
        before = self._snapshot()
        wizard = self._wizard(self.succ_a | self.succ_b)
        wizard.action_preview()
        counts = [
            wizard.customer_count,
            wizard.opportunity_count,
            wizard.quotation_count,
            wizard.activity_count,
        ]
        wizard.action_confirm()
        after = self._snapshot()
        changed = [key for key in before if before[key] != after[key]]
        customers = [
            key for key in changed if key[0] == "res.partner" and key[1] in self.customers.ids
        ]
        moved = [
            len(customers),
            len([key for key in changed if key[0] == "crm.lead"]),
            len([key for key in changed if key[0] == "sale.order"]),
            len([key for key in changed if key[0] == "mail.activity"]),
        ]
        self.assertEqual(moved, counts)
        handover = self._handovers()
        self.assertEqual(
            [
                handover.customer_count,
                handover.opportunity_count,
                handover.quotation_count,
                handover.activity_count,
            ],
            counts,
        )

    def test_even_split_over_two_successors(self):
        self._wizard(self.succ_a | self.succ_b).action_confirm()
        lines = self._handovers().line_ids
        per_successor = {
            user: lines.filtered(lambda line, user=user: line.to_user_id == user).partner_id
            for user in self.succ_a | self.succ_b
        }
        self.assertEqual([len(customers) for customers in per_successor.values()], [2, 2])
        for user, customers in per_successor.items():
            for customer in customers:
                self.assertEqual(customer.user_id, user)
        successor_c1 = self.c1.user_id
        for record in self.moved_with_c1:
            self.assertEqual(record.user_id, successor_c1, "follows its customer")
        self.assertEqual(self.lead_c3.user_id, self.c3.user_id)
        self.assertEqual(self.quote_sent.user_id, self.c2.user_id)
        self._assert_untouched()

    def test_mapping_mode(self):
        wizard = self._wizard(self.succ_a | self.succ_b, split_mode="mapping")
        self.assertEqual(wizard.line_ids.partner_id, self.customers, "pre-filled")
        self.assertEqual(
            len(wizard.line_ids.filtered(lambda line: line.to_user_id == self.succ_a)),
            2,
            "pre-filled evenly",
        )
        lines = {line.partner_id: line for line in wizard.line_ids}
        lines[self.c1].to_user_id = self.succ_b
        for customer in self.c2 | self.c3:
            lines[customer].to_user_id = self.succ_a
        lines[self.c4].unlink()  # stays with the leaver
        wizard.action_preview()
        self.assertEqual(wizard.customer_count, 3)
        self.assertEqual(lines[self.c1].to_user_id, self.succ_b, "preview keeps the mapping")
        wizard.action_confirm()
        self.assertEqual(self.c1.user_id, self.succ_b)
        self.assertEqual(self.lead_open.user_id, self.succ_b)
        self.assertEqual(self.act_quote.user_id, self.succ_b)
        self.assertEqual((self.c2 | self.c3).user_id, self.succ_a)
        self.assertEqual(self.lead_c3.user_id, self.succ_a)
        self.assertEqual(self.c4.user_id, self.leaver)
        self.assertEqual(self._handovers().line_ids.partner_id, self.c1 | self.c2 | self.c3)
        self._assert_untouched()

    def test_select_by_tag(self):
        tag = self.env["res.partner.category"].create({"name": "North"})
        (self.c2 | self.c3 | self.other_customer).category_id = tag
        wizard = self._wizard(
            self.succ_a, customer_scope="tags", category_ids=[Command.set(tag.ids)]
        )
        wizard.action_preview()
        self.assertEqual(wizard.line_ids.partner_id, self.c2 | self.c3)
        wizard.action_confirm()
        self.assertEqual((self.c2 | self.c3).user_id, self.succ_a)
        self.assertEqual((self.c1 | self.c4).user_id, self.leaver)
        self.assertEqual(self.lead_c3.user_id, self.succ_a)
        self.assertEqual(self.quote_sent.user_id, self.succ_a)
        self.assertEqual(self.lead_open.user_id, self.leaver)
        self.assertEqual(self.quote_draft.user_id, self.leaver)
        self._assert_untouched()

    def test_select_by_segment_and_value_class(self):
        for customer, segment, value_class in (
            (self.c1, "champions", "a"),  # has a confirmed order, so a profile
            (self.c2, "lost", "c"),
            (self.c3, "champions", "c"),
        ):
            values = {"rfm_segment": segment, "value_class": value_class}
            profile = self._profile(customer)
            if profile:
                profile.write(values)
            else:
                profile.create({"partner_id": customer.id, "company_id": self.company.id, **values})
        champions = self._selection("rfm_segment", "champions")
        class_c = self._selection("value_class", "c")
        wizard = self._wizard(
            self.succ_a,
            customer_scope="profile",
            rfm_segment_ids=[Command.set(champions.ids)],
        )
        self.assertEqual(wizard.line_ids.partner_id, self.c1 | self.c3)
        wizard.value_class_ids = class_c
        self.assertEqual(wizard.line_ids.partner_id, self.c3, "segment and class")
        wizard.rfm_segment_ids = False
        self.assertEqual(wizard.line_ids.partner_id, self.c2 | self.c3)
        wizard.action_confirm()
        self.assertEqual((self.c2 | self.c3).user_id, self.succ_a)
        self.assertEqual((self.c1 | self.c4).user_id, self.leaver)

    def test_timeline_and_chatter_per_customer(self):
        self._wizard(self.succ_a | self.succ_b).action_confirm()
        handover = self._handovers()
        events = self.env["customer.event"].search(
            [
                ("event_type", "=", "handover"),
                ("res_model", "=", "customer.handover"),
                ("company_id", "=", self.company.id),
            ]
        )
        self.assertEqual(events.partner_id, self.customers)
        self.assertEqual(set(events.mapped("res_id")), {handover.id})
        self.assertEqual(events.company_id, self.company)
        self.assertEqual(events.user_id, self.user_manager)
        for event in events:
            successor = event.partner_id.user_id
            self.assertEqual(event.name, f"{handover.name}: {self.leaver.name} to {successor.name}")
        self.assertEqual({event.source_ref for event in events}, {handover})
        for customer in self.customers:
            messages = self.env["mail.message"].search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", customer.id),
                    ("body", "ilike", "Customer handed over from"),
                ]
            )
            self.assertEqual(len(messages), 1, customer.name)
            self.assertIn(
                f"Customer handed over from {self.leaver.name} to {customer.user_id.name}",
                messages.body,
            )
            self.assertEqual(messages.author_id, self.user_manager.partner_id)
            self.assertEqual(messages.subtype_id, self.env.ref("mail.mt_note"))
        action = handover.action_open_events()
        self.assertEqual(self.env["customer.event"].search(action["domain"]), events)

    def test_only_managers(self):
        for user in (self.user_customer, self.user_plain):
            with self.assertRaises(AccessError):
                self._wizard(self.succ_a, user=user)
        wizard = self._wizard(self.succ_a)
        before = self._snapshot()
        with self.assertRaises(AccessError):
            wizard.with_user(self.user_customer).action_confirm()
        self.assertEqual(self._snapshot(), before)
        self.assertFalse(self._handovers())
        wizard.action_confirm()
        with self.assertRaises(AccessError):
            self._handovers().with_user(self.user_customer).read(["name"])

    def test_handovers_per_company(self):
        self._wizard(self.succ_a).action_confirm()
        other_company = self.env["res.company"].create({"name": "Handover Elsewhere Co"})
        other_manager = new_test_user(
            self.env,
            login="ho_other_manager",
            groups="base.group_user,customer_relationship.group_customer_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        handovers = (
            self.env["customer.handover"]
            .with_user(other_manager)
            .with_context(allowed_company_ids=other_company.ids)
        )
        self.assertFalse(handovers.search([("user_id", "=", self.leaver.id)]))
        self.assertEqual(
            self.env["customer.handover"]
            .with_user(self.user_manager)
            .search([("user_id", "=", self.leaver.id)]),
            self._handovers(),
        )

    def test_bad_input_changes_nothing(self):
        before = self._snapshot()
        lonely = new_test_user(
            self.env,
            login="ho_lonely",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        mapped = self._wizard(self.succ_a | self.succ_b, split_mode="mapping")
        mapped.line_ids[0].to_user_id = self.other_rep
        tag = self.env["res.partner.category"].create({"name": "Nobody"})
        cases = {
            "no successor": self._wizard(self.env["res.users"]),
            "leaver among successors": self._wizard(self.succ_a | self.leaver),
            "nothing to hand over": self._wizard(self.succ_a, user_id=lonely.id),
            "no customer with the tag": self._wizard(
                self.succ_a, customer_scope="tags", category_ids=[Command.set(tag.ids)]
            ),
            "tags scope without tags": self._wizard(self.succ_a, customer_scope="tags"),
            "mapping to a non-successor": mapped,
        }
        for case, wizard in cases.items():
            for action in (wizard.action_preview, wizard.action_confirm):
                with self.subTest(case=case, action=action.__name__):
                    with self.assertRaises(UserError):
                        action()
                    self.assertEqual(wizard.state, "select")
        self.assertEqual(self._snapshot(), before)
        company = [("company_id", "=", self.company.id)]
        self.assertFalse(self.env["customer.handover"].search(company))
        self.assertFalse(
            self.env["customer.event"].search([("event_type", "=", "handover"), *company])
        )

    def test_open_from_user(self):
        wizard = (
            self.env["customer.handover.wizard"]
            .with_user(self.user_manager)
            .with_context(active_model="res.users", active_id=self.leaver.id)
            .create({"successor_ids": [Command.set(self.succ_a.ids)]})
        )
        self.assertEqual(wizard.user_id, self.leaver)
        self.assertEqual(wizard.customer_count, 4)
