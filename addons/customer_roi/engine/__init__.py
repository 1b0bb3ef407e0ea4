"""Plain-Python arithmetic of the ROI reports (no Odoo import)."""
