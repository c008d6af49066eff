"""Audit actions of patients, preferences and API clients (registered in PreferencesConfig.ready)."""

ACTIONS = {
    # Patients and preferences (preferences app)
    "patient.created": "Created a patient's record",
    "patient.searched": "Searched for a patient",
    "patient.viewed": "Viewed a patient's page",
    "patient.contact.revealed": "Revealed a patient's masked contact detail",
    "patient.identity.revealed": "Revealed a patient's date of birth and postcode to check a caller",
    "patient.details.changed": "Changed a patient's details",
    "patient.reverted": "Reverted a patient's preferences to an earlier point",
    "preference.changed": "Changed a patient's contact preferences",
    "preference.api.changed": "Another system changed a patient's contact preferences",
    "preference.api.read": "Another system read a patient's contact preferences",
    "preference.opt_out.recorded": "Recorded a patient's opt-out (STOP)",
    "contact_point.changed": "Changed a patient's contact detail",
    "api_client.created": "API client created",
}
