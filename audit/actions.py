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
}


def is_registered(action: str) -> bool:
    return action in ACTIONS


def choices() -> list[tuple[str, str]]:
    return sorted(ACTIONS.items())
