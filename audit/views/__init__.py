"""The auditor's pages: the trail and its patient lookup, the CSV export, verification."""

from audit.views.export import event_export
from audit.views.trail import event_list, patient_lookup
from audit.views.verification import verification_detail, verify

__all__ = ["event_export", "event_list", "patient_lookup", "verification_detail", "verify"]
