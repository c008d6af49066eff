"""The registry of audit actions: every event's action is a dotted name registered here.

Each app registers its own actions, with a readable label, from its AppConfig.ready
(`register_actions`); `audit_record` refuses a name nobody registered, so the auditor's action
filter always shows the complete vocabulary.
"""

from collections.abc import Mapping

ACTIONS: dict[str, str] = {}


def register_actions(actions: Mapping[str, str]) -> None:
    """Add actions (dotted name -> label). A name may be registered again only with the same label."""
    for action, label in actions.items():
        if ACTIONS.get(action, label) != label:
            raise ValueError(f"Audit action {action!r} is already registered with another label.")
        ACTIONS[action] = label


AUDIT_ACTIONS = {
    # Audit trail itself
    "audit.exported": "Exported audit events as CSV",
    "audit.chain.verified": "Verified the audit hash chain",
    "audit.chain.verification_failed": "Audit hash chain verification found problems",
    "audit.patient_looked_up": "Found a patient's audit events by NHS number",
}


def is_registered(action: str) -> bool:
    return action in ACTIONS


def label_of(action: str) -> str:
    """The readable label of an action; the code itself when unknown."""
    return ACTIONS.get(action, action)


def choices() -> list[tuple[str, str]]:
    return sorted(ACTIONS.items(), key=lambda item: item[1])
