"""Reads about patients, split by sub-domain: patients (one patient for an actor, masks, the
grid), history (timeline, state at a point, comparison; read once per page) and contact (the
contact decision)."""

from preferences.selectors.contact import (
    ChannelRefusal,
    ContactDecision,
    RefusalCode,
    contact_decision,
    contact_decisions,
    contact_decisions_by_category,
    decisions_for_loaded,
)
from preferences.selectors.history import (
    Difference,
    PatientHistory,
    PatientState,
    TimelineEntry,
    parse_change_id,
    patient_compare,
    patient_history,
    patient_state_at,
    patient_timeline,
    timeline_point,
)
from preferences.selectors.patients import (
    GridRow,
    PatientOverview,
    contact_mask,
    contact_point_get,
    grid_rows,
    patient_get,
    patient_overview,
    patients_of,
    preference_grid,
)

__all__ = [
    "ChannelRefusal",
    "ContactDecision",
    "Difference",
    "GridRow",
    "PatientHistory",
    "PatientOverview",
    "PatientState",
    "RefusalCode",
    "TimelineEntry",
    "contact_decision",
    "contact_decisions",
    "contact_decisions_by_category",
    "contact_mask",
    "contact_point_get",
    "decisions_for_loaded",
    "grid_rows",
    "parse_change_id",
    "patient_compare",
    "patient_get",
    "patient_history",
    "patient_overview",
    "patient_state_at",
    "patient_timeline",
    "patients_of",
    "preference_grid",
    "timeline_point",
]
