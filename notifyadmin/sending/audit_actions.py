"""Audit actions of sending (registered in SendingConfig.ready)."""

ACTIONS = {
    "message.sent_manually": "Sent a message to a patient by hand",
    "message.test_sent": "Sent a test message to themselves",
    "message.test_contact.changed": "Changed their own test contact details",
    "message.history.viewed": "Viewed a patient's message history",
    "message.history.exported": "Exported a patient's message history (subject access request)",
    "kill_switch.set": "Set a kill switch: sending stopped",
    "kill_switch.cleared": "Cleared a kill switch: sending resumed",
}
