"""The handover's rights, checked on the server: each test calls the public
methods as an RPC client would (``odoo.api.call_kw`` as the user), with
values the form would never send."""

from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_handover import HandoverCommon


@tagged("post_install", "-at_install")
class TestHandoverRpc(HandoverCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Handover Other Co"})

    def _new_user(self, login, groups="base.group_user", company=None):
        company = company or self.company
        return new_test_user(
            self.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def _rpc(self, user, model, method, *args, **kwargs):
        env = self.env(user=user, context={"allowed_company_ids": user.company_ids.ids})
        return call_kw(env[model], method, list(args), kwargs)

    def _confirm(self, user, **vals):
        """Create the wizard and confirm it, over RPC, as ``user``."""
        wizard_id = self._rpc(
            user,
            "customer.handover.wizard",
            "create",
            {
                "user_id": self.leaver.id,
                "successor_ids": [Command.set(self.succ_a.ids)],
                **vals,
            },
        )
        return self._rpc(user, "customer.handover.wizard", "action_confirm", [wizard_id])

    def _assert_refused(self, exception, user, **vals):
        before = self._snapshot()
        with self.assertRaises(exception):
            self._confirm(user, **vals)
        self.assertEqual(self._snapshot(), before)
        self.assertFalse(self._handovers())

    def test_customer_manager_must_be_sales_administrator(self):
        crm_only = self._new_user(
            "ho_crm_only",
            "base.group_user,sales_team.group_sale_salesman,"
            "customer_relationship.group_customer_manager",
        )
        self._assert_refused(AccessError, crm_only)
        action = self._confirm(self.user_manager)
        handover = self._handovers()
        self.assertEqual(action["res_id"], handover.id)
        self.assertEqual(handover.state, "done")
        self.assertEqual(self.customers.user_id, self.succ_a)
        self._assert_untouched()

    def test_successor_must_be_active_internal_user_of_the_company(self):
        portal = self._new_user("ho_portal", "base.group_portal")
        archived = self._new_user("ho_archived")
        archived.active = False
        elsewhere = self._new_user(
            "ho_elsewhere",
            "base.group_user,sales_team.group_sale_salesman",
            company=self.other_company,
        )
        for successor in (portal, archived, elsewhere):
            with self.subTest(successor=successor.login):
                self._assert_refused(
                    UserError,
                    self.user_manager,
                    successor_ids=[Command.set((self.succ_a | successor).ids)],
                )

    def test_company_must_be_one_of_the_users(self):
        """A manager of one company cannot move a leaver's quotations of a
        company they do not work in by naming it in the wizard."""
        foreign_quote = (
            self.env["sale.order"]
            .with_company(self.other_company)
            .create(
                {
                    "partner_id": self.c2.id,
                    "company_id": self.other_company.id,
                    "user_id": self.leaver.id,
                }
            )
        )
        self.untouched = [*self.untouched, (foreign_quote, self.leaver)]
        self._assert_refused(AccessError, self.user_manager, company_id=self.other_company.id)
        self._assert_untouched()

    def test_moves_only_records_of_the_company(self):
        foreign_contact = self._customer(
            "Anhui branch abroad",
            parent_id=self.c1.id,
            user_id=self.leaver.id,
            company_id=self.other_company.id,
        )
        self._confirm(self.user_manager)
        self.assertEqual(self.c1_contact.user_id, self.succ_a)
        self.assertEqual(foreign_contact.user_id, self.leaver)
        self._assert_untouched()

    def test_handovers_are_append_only(self):
        self._confirm(self.user_manager)
        handover = self._handovers()
        line = handover.line_ids[0]
        for model, record_id, values in (
            ("customer.handover", handover.id, {"state": "draft"}),
            ("customer.handover.line", line.id, {"to_user_id": self.succ_b.id}),
        ):
            with self.subTest(model=model):
                with self.assertRaises(AccessError):
                    self._rpc(self.user_manager, model, "write", [record_id], values)
                with self.assertRaises(AccessError):
                    self._rpc(self.user_manager, model, "unlink", [record_id])
        with self.assertRaises(AccessError):
            self._rpc(
                self.user_manager,
                "customer.handover",
                "create",
                {"user_id": self.leaver.id, "company_id": self.company.id, "state": "done"},
            )
        self.assertRecordValues(handover, [{"state": "done", "customer_count": 4}])
        self.assertEqual(line.to_user_id, self.succ_a)
        # a comment is not a change of the record
        self._rpc(
            self.user_manager,
            "customer.handover",
            "message_post",
            [handover.id],
            body="Checked with the team",
            message_type="comment",
        )
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= self.company
        self._rpc(admin, "customer.handover.line", "write", [line.id], {"quotation_count": 7})
        self.assertEqual(line.quotation_count, 7)
