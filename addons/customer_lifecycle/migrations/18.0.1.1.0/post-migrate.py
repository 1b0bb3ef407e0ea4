"""RFM segments of lifecycle rules: from comma-separated keys to a many2many.

Rules stored their segments as text (``rfm_segments``, e.g. "champions,loyal");
they now choose them among the choices of ``customer.profile.rfm_segment``. The
old column is left in place, unused.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version or not column_exists(cr, "customer_lifecycle_rule", "rfm_segments"):
        return
    cr.execute(
        SQL(
            """
            WITH keys AS (
                SELECT r.id AS rule_id, btrim(k.key) AS key
                  FROM customer_lifecycle_rule r,
                       unnest(string_to_array(r.rfm_segments, ',')) AS k(key)
                 WHERE btrim(k.key) != ''
            ),
            choices AS (
                SELECT s.id, s.value
                  FROM ir_model_fields_selection s
                  JOIN ir_model_fields f ON f.id = s.field_id
                 WHERE f.model = 'customer.profile' AND f.name = 'rfm_segment'
            ),
            added AS (
                INSERT INTO customer_lifecycle_rule_rfm_segment_rel (rule_id, selection_id)
                SELECT keys.rule_id, choices.id
                  FROM keys JOIN choices ON choices.value = keys.key
                ON CONFLICT DO NOTHING
                RETURNING rule_id
            )
            SELECT keys.rule_id, keys.key
              FROM keys LEFT JOIN choices ON choices.value = keys.key
             WHERE choices.id IS NULL
             ORDER BY keys.rule_id, keys.key
            """
        )
    )
    for rule_id, key in cr.fetchall():
        _logger.warning("Lifecycle rule %s: unknown RFM segment %r dropped", rule_id, key)
