"""The registry of audit actions: every event's action is a dotted name listed here.

Add an action here before recording it; `audit_record` refuses names that are not listed, so
the auditor's action filter always shows the complete vocabulary.
"""

ACTIONS: dict[str, str] = {
    # Sign-in and sessions
    "auth.sign_in.succeeded": "Signed in",
    "auth.sign_in.failed": "Sign-in failed",
    "auth.sign_in.locked_out": "Sign-in refused: account locked after repeated failures",
    "auth.signed_out": "Signed out",
    "auth.role.switched": "Switched role",
    "auth.session.expired": "Session ended for inactivity",
    # Audit trail itself
    "audit.exported": "Exported audit events as CSV",
    "audit.chain.verified": "Verified the audit hash chain",
    "audit.chain.verification_failed": "Audit hash chain verification found an altered event",
    # Organisations and staff
    "organisation.created": "Organisation created",
    "staff.role.assigned": "Role assigned to a member of staff",
    "staff.role.removed": "Role removed from a member of staff",
    # Message templates (templates_app)
    "template.created": "Template created",
    "template.version.created": "Template draft version created",
    "template.version.saved": "Template draft version saved",
    "template.version.submitted": "Template version submitted for content review",
    "template.version.withdrawn": "Template version withdrawn before review",
    "template.version.content_approved": "Template version content approved",
    "template.version.changes_requested": "Changes requested to a template version",
    "template.version.signed_off": "Template version clinically signed off",
    "template.version.published": "Template version published",
    "template.version.retired": "Template version retired",
    "template.lint.acknowledged": "Template lint warnings acknowledged",
    # Step-up authentication (notifyadmin/accounts/stepup.py)
    "auth.stepup.succeeded": "Confirmed identity again (step-up)",
    "auth.stepup.failed": "Step-up identity confirmation failed",
    # CIS2 sign-in, step-up, logout and role mappings (notifyadmin/accounts/cis2)
    "auth.cis2.sign_in.refused": "CIS2 sign-in refused",
    "auth.cis2.no_role": "CIS2 sign-in refused: the selected role maps to no app role",
    "auth.backchannel_logout": "Sessions ended by CIS2 back-channel logout",
    "auth.backchannel_logout.refused": "CIS2 back-channel logout token refused",
    "auth.session.absolute_expired": "Session ended at its absolute time limit",
    "auth.stepup.completed": "Re-authenticated for a high-risk action (step-up)",
    "staff.cis2.created": "Member of staff created at first CIS2 sign-in",
    "staff.cis2.updated": "Member of staff's name or email updated from CIS2",
    "role_mapping.created": "CIS2 role mapping created",
    "role_mapping.changed": "CIS2 role mapping changed",
    "role_mapping.deleted": "CIS2 role mapping deleted",
    # Patients and preferences (preferences app)
    "patient.searched": "Searched for a patient",
    "patient.viewed": "Viewed a patient's page",
    "patient.contact.revealed": "Revealed a patient's masked contact detail",
    "patient.details.changed": "Changed a patient's details",
    "patient.reverted": "Reverted a patient's preferences to an earlier point",
    "preference.changed": "Changed a patient's contact preferences",
    "preference.api.changed": "Another system changed a patient's contact preferences",
    "preference.api.read": "Another system read a patient's contact preferences",
    "preference.opt_out.recorded": "Recorded a patient's opt-out (STOP)",
    "contact_point.changed": "Changed a patient's contact detail",
    "api_client.created": "API client created",
}


def is_registered(action: str) -> bool:
    return action in ACTIONS


def choices() -> list[tuple[str, str]]:
    return sorted(ACTIONS.items())
