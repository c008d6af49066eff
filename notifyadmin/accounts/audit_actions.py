"""Audit actions of sign-in, sessions, staff, organisations and CIS2 (registered in AccountsConfig.ready)."""

ACTIONS = {
    # Sign-in and sessions
    "auth.sign_in.succeeded": "Signed in",
    "auth.sign_in.failed": "Sign-in failed",
    "auth.sign_in.locked_out": "Sign-in refused: account locked after repeated failures",
    "auth.signed_out": "Signed out",
    "auth.role.switched": "Switched role",
    "auth.session.expired": "Session ended for inactivity",
    # Organisations and staff
    "organisation.created": "Organisation created",
    "staff.role.assigned": "Role assigned to a member of staff",
    "staff.role.removed": "Role removed from a member of staff",
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
    "auth.stepup.different_person": "Step-up refused: identity confirmed at CIS2 as a different person",
    "staff.cis2.created": "Member of staff created at first CIS2 sign-in",
    "staff.cis2.updated": "Member of staff's name or email updated from CIS2",
    "role_mapping.created": "CIS2 role mapping created",
    "role_mapping.changed": "CIS2 role mapping changed",
    "role_mapping.deleted": "CIS2 role mapping deleted",
}
