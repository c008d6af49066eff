"""Audited reads of a patient's message history: viewing it and exporting it for a subject
access request are each recorded with the reason given when the patient was found."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction

from audit.services import audit_record
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.sending.history_content import message_content
from notifyadmin.sending.selectors import MessageView, message_history_all


def history_view_record(*, actor: Actor, patient: Any, reason: str, page: int, filters: dict[str, str]) -> None:
    """Record that the actor read one page of the patient's message history, and why."""
    actor.require(Permission.PATIENT_VIEW)
    actor.require_organisation(patient)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="message.history.viewed",
            target_type="patient",
            target_id=str(patient.id),
            patient_ref=str(patient.id),
            reason=reason,
            details={"page": page, "filters": {k: v for k, v in filters.items() if v}},
        )


EXPORT_COLUMNS = [
    "created_at",
    "template",
    "version",
    "source",
    "channels_in_order",
    "status",
    "reason_not_sent",
    "subject",
    "content",
    "timeline",
]


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ would run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _row(view: MessageView) -> list[str]:
    message = view.message
    content = message_content(message)
    timeline = "; ".join(f"{event.occurred_at.isoformat()} {line}" for event, line in view.timeline_lines)
    return [
        message.created_at.isoformat(),
        message.template.name,
        view.version_number,
        message.get_source_display(),
        ", ".join(view.channels_tried),
        view.status_label,
        view.reason_label,
        content.subject,
        content.body if content.body else content.note,
        timeline,
    ]


def history_export(*, actor: Actor, patient: Any, reason: str) -> str:
    """Every message to the patient as CSV (subject access request), recorded in the audit trail."""
    views = message_history_all(actor=actor, patient=patient)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for view in views:
        writer.writerow([_cell(value) for value in _row(view)])
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="message.history.exported",
            target_type="patient",
            target_id=str(patient.id),
            patient_ref=str(patient.id),
            reason=reason,
            details={"messages": len(views)},
        )
    return buffer.getvalue()
