"""Constants shared by the complaint models (no ORM import)."""

SEVERITIES = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
    ("critical", "Critical"),
]
# rank of each severity, the highest open one is a customer fact
SEVERITY_RANK = {key: rank for rank, (key, _label) in enumerate(SEVERITIES, start=1)}

SLA_STATES = [
    ("on_time", "On Time"),
    ("close", "Close to Deadline"),
    ("breached", "Breached"),
]
