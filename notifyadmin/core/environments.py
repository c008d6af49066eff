"""The NHS Notify environments (settings.NOTIFY_ENVIRONMENT) in the words staff read."""

ENVIRONMENT_LABELS = {
    "local": "the local sandbox on this machine (nothing reaches patients)",
    "sandbox": "the NHS Notify sandbox (nothing reaches patients)",
    "int": "NHS Notify's integration environment, INT (only test recipients)",
    "production": "NHS Notify's live service (messages reach patients)",
}


def environment_label(code: str, *, sentence_start: bool = False) -> str:
    """'local' -> 'the local sandbox on this machine (nothing reaches patients)'; with
    `sentence_start`, its first letter a capital."""
    label = ENVIRONMENT_LABELS.get(code, code)
    return label[:1].upper() + label[1:] if sentence_start else label
