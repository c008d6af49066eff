"""Event intake: events from client systems (our JSON or FHIR R4 Appointment) become messages
through the send pipeline, at most once per state, never contradicting a newer state (docs/intake.md)."""
