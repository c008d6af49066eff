"""Audit actions of intake (registered in IntakeConfig.ready)."""

ACTIONS = {
    "event_mapping.changed": "Changed an event mapping (event type to template, reminders)",
    "event_mapping.removed": "Removed an event mapping",
    "event_log.viewed": "Viewed an event's details in the event log",
}
