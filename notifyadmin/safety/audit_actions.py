"""Audit actions of the clinical safety case in the app (registered in SafetyConfig.ready)."""

ACTIONS = {
    "safety.hazards.considered": "Hazards considered at clinical sign-off recorded",
    "safety.hazard.raised": "Hazard raised in the app",
    "safety.hazard.status_changed": "Hazard status changed",
}
