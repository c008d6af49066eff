"""Who, why and how on every historical row.

Services call `set_change_meta` on an instance before saving it; the receiver below, connected
in PreferencesConfig.ready, copies the values onto the historical row simple_history creates.
This is record-keeping plumbing, not business logic: it decides nothing.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models


@dataclass(frozen=True)
class ChangeMeta:
    """Who made a change (a member of staff in a role, or a client system), how it reached us
    and why."""

    source: str
    reason: str
    change_id: uuid.UUID = field(default_factory=uuid.uuid4)
    user: Any = None
    role: str = ""
    system_client: str = ""
    at: datetime | None = None


def set_change_meta(instance: models.Model, meta: ChangeMeta) -> None:
    instance._change_meta = meta  # type: ignore[attr-defined]
    instance._change_reason = meta.reason  # type: ignore[attr-defined]
    instance._history_user = meta.user  # type: ignore[attr-defined]
    if meta.at is not None:
        instance._history_date = meta.at  # type: ignore[attr-defined]
    elif hasattr(instance, "_history_date"):
        del instance._history_date


def copy_change_meta(sender: Any, instance: models.Model, history_instance: Any, **kwargs: Any) -> None:
    meta: ChangeMeta | None = getattr(instance, "_change_meta", None)
    if meta is None or not hasattr(history_instance, "change_source"):
        return
    history_instance.change_id = meta.change_id
    history_instance.change_source = meta.source
    history_instance.changed_by_role = meta.role
    history_instance.changed_by_system = meta.system_client
