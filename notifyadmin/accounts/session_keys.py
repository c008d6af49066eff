"""Session keys set at sign-in (local sign-in sets the first; CIS2 sign-in sets both)."""

SIGN_IN_SESSION_KEY = "sign_in_session_id"
CIS2_ROLE_SESSION_KEY = "cis2_selected_role_id"
# Set when a signed-in person is sent to CIS2 to confirm their identity again (step-up).
CIS2_STEPUP_PENDING_SESSION_KEY = "cis2_stepup_pending"
