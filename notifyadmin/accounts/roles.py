"""Which role may do what: the one place that says so.

Every page and API endpoint names a `Permission` from here (see `access.py`); a test walks the
URL configuration and fails for any route without a declaration. To let a role do something
new, add the permission and its roles below, nowhere else.
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    CONTENT_DESIGNER = "content_designer", "Content designer"
    CLINICAL_SAFETY_OFFICER = "clinical_safety_officer", "Clinical safety officer"
    SERVICE_DESK = "service_desk", "Service desk"
    OPERATIONS = "operations", "Operations"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class Permission(StrEnum):
    # Foundation
    HOME_VIEW = "home.view"
    AUDIT_VIEW = "audit.view"
    AUDIT_EXPORT = "audit.export"
    AUDIT_VERIFY = "audit.verify"
    ORGANISATION_VIEW = "organisation.view"
    STAFF_MANAGE = "staff.manage"
    # Message templates
    TEMPLATE_VIEW = "template.view"
    TEMPLATE_EDIT = "template.edit"
    TEMPLATE_CONTENT_REVIEW = "template.content_review"
    TEMPLATE_CLINICAL_SIGNOFF = "template.clinical_signoff"
    TEMPLATE_PUBLISH = "template.publish"
    # Patients and preferences
    PATIENT_FIND = "patient.find"
    PATIENT_VIEW = "patient.view"
    PATIENT_CONTACT_REVEAL = "patient.contact_reveal"
    PREFERENCE_CHANGE = "preference.change"
    # Held by API client systems (preferences.ApiClient), never by a staff role.
    PREFERENCE_API = "preference.api"
    # Sending
    MESSAGE_SEND = "message.send"
    MESSAGE_SEND_TEST = "message.send_test"
    KILL_SWITCH_MANAGE = "kill_switch.manage"
    SEND_PIPELINE_VIEW = "send_pipeline.view"
    # Held by the system's own dispatcher and by client systems, never by a staff role.
    MESSAGE_DISPATCH = "message.dispatch"
    EVENT_SUBMIT = "event.submit"
    # Event intake pages
    EVENT_MAPPING_MANAGE = "event_mapping.manage"
    EVENT_LOG_VIEW = "event_log.view"
    # Held by API client systems (integrations.ApiClient): read published templates.
    TEMPLATE_API = "template.api"
    # Integration and access configuration
    ROLE_MAPPING_MANAGE = "role_mapping.manage"
    API_CLIENT_MANAGE = "api_client.manage"
    # Clinical safety case
    SAFETY_CASE_VIEW = "safety_case.view"
    HAZARD_MANAGE = "hazard.manage"


_ALL = frozenset(Role)

PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.HOME_VIEW: _ALL,
    Permission.AUDIT_VIEW: frozenset({Role.AUDITOR}),
    Permission.AUDIT_EXPORT: frozenset({Role.AUDITOR}),
    Permission.AUDIT_VERIFY: frozenset({Role.AUDITOR}),
    Permission.ORGANISATION_VIEW: frozenset({Role.ADMINISTRATOR}),
    Permission.STAFF_MANAGE: frozenset({Role.ADMINISTRATOR}),
    Permission.TEMPLATE_VIEW: frozenset(
        {Role.CONTENT_DESIGNER, Role.CLINICAL_SAFETY_OFFICER, Role.OPERATIONS, Role.AUDITOR}
    ),
    Permission.TEMPLATE_EDIT: frozenset({Role.CONTENT_DESIGNER}),
    Permission.TEMPLATE_CONTENT_REVIEW: frozenset({Role.CONTENT_DESIGNER}),
    Permission.TEMPLATE_CLINICAL_SIGNOFF: frozenset({Role.CLINICAL_SAFETY_OFFICER}),
    Permission.TEMPLATE_PUBLISH: frozenset({Role.CONTENT_DESIGNER}),
    Permission.PATIENT_FIND: frozenset({Role.SERVICE_DESK}),
    Permission.PATIENT_VIEW: frozenset({Role.SERVICE_DESK}),
    Permission.PATIENT_CONTACT_REVEAL: frozenset({Role.SERVICE_DESK}),
    Permission.PREFERENCE_CHANGE: frozenset({Role.SERVICE_DESK}),
    Permission.PREFERENCE_API: frozenset(),  # API clients only: see preferences.api_auth
    Permission.MESSAGE_SEND: frozenset({Role.SERVICE_DESK}),
    Permission.MESSAGE_SEND_TEST: frozenset({Role.CONTENT_DESIGNER, Role.CLINICAL_SAFETY_OFFICER}),
    Permission.KILL_SWITCH_MANAGE: frozenset({Role.OPERATIONS}),
    Permission.SEND_PIPELINE_VIEW: frozenset({Role.OPERATIONS}),
    Permission.MESSAGE_DISPATCH: frozenset(),
    Permission.EVENT_SUBMIT: frozenset(),
    Permission.EVENT_MAPPING_MANAGE: frozenset({Role.OPERATIONS, Role.ADMINISTRATOR}),
    Permission.EVENT_LOG_VIEW: frozenset({Role.OPERATIONS, Role.SERVICE_DESK}),
    Permission.TEMPLATE_API: frozenset(),  # API clients only: see notifyadmin.integrations
    Permission.ROLE_MAPPING_MANAGE: frozenset({Role.ADMINISTRATOR}),
    Permission.API_CLIENT_MANAGE: frozenset({Role.ADMINISTRATOR}),
    Permission.SAFETY_CASE_VIEW: frozenset({Role.CLINICAL_SAFETY_OFFICER, Role.AUDITOR}),
    Permission.HAZARD_MANAGE: frozenset({Role.CLINICAL_SAFETY_OFFICER}),
}


def role_can(role: str | None, permission: Permission) -> bool:
    """True when `role` (the role a person is working in now) grants `permission`."""
    if role is None:
        return False
    return role in PERMISSIONS[permission]


def roles_for(permission: Permission) -> frozenset[Role]:
    return PERMISSIONS[permission]


# What a permission granted to a client system lets the services do on its behalf: the
# preferences API works through the same services as the pages, which check these.
CLIENT_IMPLIES: dict[Permission, frozenset[Permission]] = {
    Permission.PREFERENCE_API: frozenset({Permission.PREFERENCE_CHANGE, Permission.PATIENT_VIEW}),
    # messages_create checks EVENT_SUBMIT itself for the event source (SOURCE_PERMISSIONS).
    Permission.EVENT_SUBMIT: frozenset(),
}


def client_permissions(granted: frozenset[Permission]) -> frozenset[Permission]:
    """The granted permissions with what each implies (CLIENT_IMPLIES)."""
    implied = [CLIENT_IMPLIES.get(permission, frozenset()) for permission in granted]
    return frozenset(granted).union(*implied)
