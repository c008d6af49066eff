"""Changes to patients, their contact points and preferences. One function per change; each
checks the actor's permission and organisation, validates, writes, records history (who, role or
system, source, reason) and its audit event in one transaction. Reads live in selectors.

Split by sub-domain: patients (create, details, find, view, reveal), grid (preferences,
opt-outs, combined changes), contacts (contact points), revert."""

from preferences.services._common import (
    STALE_MESSAGE,
    CriticalCategoryClosed,
    NothingChanged,
    PreferenceError,
    ReasonRequired,
    StaleChange,
)
from preferences.services.contacts import contact_point_add, contact_point_status_change
from preferences.services.grid import (
    ContactChange,
    opt_out_by_mobile,
    opt_out_record,
    patient_change,
    preferences_change,
)
from preferences.services.patients import (
    SEARCH_KINDS,
    contact_reveal,
    patient_create,
    patient_details_change,
    patient_find,
    patient_view_record,
)
from preferences.services.revert import patient_revert

__all__ = [
    "SEARCH_KINDS",
    "STALE_MESSAGE",
    "ContactChange",
    "CriticalCategoryClosed",
    "NothingChanged",
    "PreferenceError",
    "ReasonRequired",
    "StaleChange",
    "contact_point_add",
    "contact_point_status_change",
    "contact_reveal",
    "opt_out_by_mobile",
    "opt_out_record",
    "patient_change",
    "patient_create",
    "patient_details_change",
    "patient_find",
    "patient_revert",
    "patient_view_record",
    "preferences_change",
]
