from .models.survey_survey import NPS_TEMPLATE_XMLID


def uninstall_hook(env):
    """Delete the NPS mailings (their recipients go with them), then the
    companies' segments of the customers due that no other mailing holds,
    before Odoo deletes the module's records: the mailings hold the
    invitation template and their segment with ``ondelete="restrict"``, so
    that the uninstallation would log an error for each, and the segments'
    condition names a field that leaves with the module."""
    segments = (
        env["res.company"].sudo().with_context(active_test=False).search([]).insight_nps_segment_id
    )
    template_id = env["ir.model.data"]._xmlid_to_res_id(
        NPS_TEMPLATE_XMLID, raise_if_not_found=False
    )
    env.flush_all()
    env.execute_query(
        env["customer.profile"]._sql_over_tables(
            {"m": "customer.segment.mailing"},
            """
            DELETE FROM %(m)s m
             WHERE %(m.insight_nps_survey_id)s IS NOT NULL
                OR %(m.template_id)s = %(template)s
            """,
            template=template_id or 0,
        )
    )
    env.invalidate_all()
    segments.with_context(active_test=False).filtered(lambda s: not s.mailing_ids).unlink()
