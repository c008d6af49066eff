"""Every transition x every role x every state: allowed, or refused with the reason."""

import pytest
from django.utils import timezone

from notifyadmin.accounts.roles import PERMISSIONS, Permission, Role
from templates_app import services
from templates_app.models import TemplateVersion, VersionStatus
from tests.templates_app.conftest import SCHEMA, contents, ctx


def _submit(context, version):
    return services.version_submit(actor=context, version=version)


def _withdraw(context, version):
    return services.version_withdraw(actor=context, version=version)


def _edit(context, version):
    services.version_draft_save(
        actor=context,
        version=version,
        lock_version=version.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=contents(body="New wording for {{ appointment_date }}."),
    )
    return TemplateVersion.objects.get(pk=version.pk)


def _approve(context, version):
    return services.version_content_approve(actor=context, version=version, content_hash=version.content_hash)


def _request_changes(context, version):
    services.version_changes_request(
        actor=context, version=version, content_hash=version.content_hash, comments="Simpler"
    )
    return TemplateVersion.objects.get(pk=version.pk)


def _sign_off(context, version):
    return services.version_sign_off(
        actor=context,
        version=version,
        content_hash=version.content_hash,
        declaration_confirmed=True,
        hazards="HAZ-004",
        authenticated_at=timezone.now(),
    )


def _publish(context, version):
    return services.version_publish(actor=context, version=version)


def _retire(context, version):
    return services.version_retire(actor=context, version=version)


# name: (service, states it is allowed from, permission (or per-state), verb in the refusal, resulting state)
TRANSITIONS = {
    "edit": (_edit, {VersionStatus.DRAFT}, Permission.TEMPLATE_EDIT, "edit", VersionStatus.DRAFT),
    "submit": (_submit, {VersionStatus.DRAFT}, Permission.TEMPLATE_EDIT, "submit", VersionStatus.SUBMITTED),
    "withdraw": (_withdraw, {VersionStatus.SUBMITTED}, Permission.TEMPLATE_EDIT, "withdraw", VersionStatus.WITHDRAWN),
    "approve": (
        _approve,
        {VersionStatus.SUBMITTED},
        Permission.TEMPLATE_CONTENT_REVIEW,
        "approve the content of",
        VersionStatus.CONTENT_APPROVED,
    ),
    "request_changes": (
        _request_changes,
        {VersionStatus.SUBMITTED, VersionStatus.CONTENT_APPROVED},
        None,
        "request changes to",
        VersionStatus.CHANGES_REQUESTED,
    ),
    "sign_off": (
        _sign_off,
        {VersionStatus.CONTENT_APPROVED},
        Permission.TEMPLATE_CLINICAL_SIGNOFF,
        "sign off",
        VersionStatus.SIGNED_OFF,
    ),
    "publish": (_publish, {VersionStatus.SIGNED_OFF}, Permission.TEMPLATE_PUBLISH, "publish", VersionStatus.PUBLISHED),
    "retire": (_retire, {VersionStatus.PUBLISHED}, Permission.TEMPLATE_PUBLISH, "retire", VersionStatus.RETIRED),
}


def _permission(name: str, state: VersionStatus) -> Permission:
    permission = TRANSITIONS[name][2]
    if permission is None:  # request changes: content reviewers before approval, CSOs after
        if state == VersionStatus.CONTENT_APPROVED:
            return Permission.TEMPLATE_CLINICAL_SIGNOFF
        return Permission.TEMPLATE_CONTENT_REVIEW
    return permission


@pytest.mark.hazard("HAZ-006", "HAZ-015")
@pytest.mark.parametrize("state", list(VersionStatus))
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_by_role_from_state(name, role, state, version_in, make_staff, designer, organisation):
    # Given a version in `state` and someone (not the author, except for withdrawing) in `role`
    version = version_in(state)
    service, allowed_states, _, verb, result = TRANSITIONS[name]
    actor = designer if name in {"withdraw", "edit", "submit"} else make_staff(role)
    context = ctx(actor, role, organisation)
    permission = _permission(name, state)
    # When they try the transition
    if role not in PERMISSIONS[permission]:
        # Then a role without the permission is refused first, whatever the state
        with pytest.raises(services.TransitionRefused) as refused:
            service(context, version)
        assert str(refused.value) == f"Your current role cannot do this ({permission})."
    elif state not in allowed_states:
        # Then the wrong state is refused with the state named
        with pytest.raises(services.TransitionRefused) as refused:
            service(context, version)
        assert str(refused.value) == f"You cannot {verb} a version that is {state.label.lower()}."
    else:
        # Then the right role in the right state moves the version on
        assert service(context, version).status == result
    assert TemplateVersion.objects.get(pk=version.pk).status == (
        result if (role in PERMISSIONS[permission] and state in allowed_states) else state
    )
