"""The service desk's pages, split by sub-domain: find (search with a reason), patient (the
patient page, reveal, change preferences), history (timeline, compare, revert) and contacts
(contact points and personal settings). Every patient page is declared with `patient_page`
(views/_page.py): access, methods, the patient of the actor's organisation, the search reason
and, for pages that show patient data, the audited view."""

from preferences.views.contacts import contact_point_add_view, contact_point_status_view, patient_details_view
from preferences.views.find import patient_find_view
from preferences.views.history import patient_compare_view, patient_revert_view, patient_timeline_view
from preferences.views.patient import (
    contact_reveal_view,
    identity_reveal_view,
    patient_detail,
    preferences_change_view,
)

__all__ = [
    "contact_point_add_view",
    "contact_point_status_view",
    "contact_reveal_view",
    "identity_reveal_view",
    "patient_compare_view",
    "patient_detail",
    "patient_details_view",
    "patient_find_view",
    "patient_revert_view",
    "patient_timeline_view",
    "preferences_change_view",
]
