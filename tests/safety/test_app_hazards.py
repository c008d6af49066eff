"""Hazards in the app: status changes (an overlay on the YAML log), raised hazards, the CSO's
pages, and the rendered safety case showing both."""

import html
import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, NotFound, PermissionRefused
from notifyadmin.safety.case import safety_case_build
from notifyadmin.safety.hazard_log import hazard_log_load
from notifyadmin.safety.models import HazardStatusChange
from notifyadmin.safety.render import safety_case_html
from notifyadmin.safety.selectors import app_overlay, hazard_rows
from notifyadmin.safety.services import RaisedHazardInput, hazard_raise, hazard_status_change

pytestmark = pytest.mark.django_db

RAISED = RaisedHazardInput("Clinic moved", "The template names the old site", "The patient goes to the wrong site")


def text_of(page: str) -> str:
    spaced = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).strip()
    return html.unescape(re.sub(r" ([:;,.])", r"\1", spaced))


@pytest.fixture
def cso(make_staff):
    return make_staff(Role.CLINICAL_SAFETY_OFFICER, first_name="Helen", last_name="Marsh")


@pytest.fixture
def as_cso(cso, organisation):
    return Actor.staff(user=cso, role=Role.CLINICAL_SAFETY_OFFICER, organisation=organisation)


def test_a_cso_changes_a_status_with_a_reason_and_it_is_audited(as_cso, cso):
    # Given HAZ-002, open in the log; When a CSO records it as accepted with a reason
    change = hazard_status_change(actor=as_cso, hazard_id="HAZ-002", status="accepted", reason="Risk 2, agreed.")
    # Then the change is recorded, and audited with the old and new status and the reason
    assert (change.hazard_id, change.status, change.reason, change.changed_by) == (
        "HAZ-002",
        "accepted",
        "Risk 2, agreed.",
        cso,
    )
    event = AuditEvent.objects.get(action="safety.hazard.status_changed")
    assert (event.target_id, event.reason, event.details) == (
        "HAZ-002",
        "Risk 2, agreed.",
        {"from": "open", "to": "accepted"},
    )


def test_the_app_status_is_an_overlay_that_keeps_its_history(as_cso):
    hazard_status_change(actor=as_cso, hazard_id="HAZ-002", status="accepted", reason="First")
    hazard_status_change(actor=as_cso, hazard_id="HAZ-002", status="open", reason="Reopened after an incident")
    rows = {row.id: row for row in hazard_rows(actor=as_cso)}
    assert (rows["HAZ-002"].status, rows["HAZ-002"].log_status) == ("open", "open")
    assert [(c.status, c.reason) for c in rows["HAZ-002"].history] == [
        ("accepted", "First"),
        ("open", "Reopened after an incident"),
    ]
    assert HazardStatusChange.objects.count() == 2


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CONTENT_DESIGNER, Role.ADMINISTRATOR])
def test_other_roles_cannot_change_a_status(make_staff, organisation, role):
    actor = Actor.staff(user=make_staff(role), role=role, organisation=organisation)
    with pytest.raises(PermissionRefused):
        hazard_status_change(actor=actor, hazard_id="HAZ-002", status="accepted", reason="Because")
    assert not HazardStatusChange.objects.exists()


def test_a_status_change_without_a_reason_is_refused(as_cso):
    with pytest.raises(InvalidInput) as refused:
        hazard_status_change(actor=as_cso, hazard_id="HAZ-002", status="accepted", reason="   ")
    assert refused.value.errors == {"reason": ["Enter the reason for the change of status"]}
    assert not HazardStatusChange.objects.exists()


def test_mitigated_is_refused_while_a_control_lacks_tests(as_cso):
    # HAZ-001's controls C3 and C4 are planned: the traceability rule holds in the app too
    with pytest.raises(InvalidInput) as refused:
        hazard_status_change(actor=as_cso, hazard_id="HAZ-001", status="mitigated", reason="We think so")
    assert refused.value.errors == {
        "status": [
            "HAZ-001 cannot be marked mitigated or closed: controls C3, C4 are planned or name no test. "
            "Implement and test every control first, or record it as accepted"
        ]
    }
    assert not HazardStatusChange.objects.exists()


def test_mitigated_is_allowed_when_every_control_is_implemented_and_tested(as_cso):
    hazard_status_change(actor=as_cso, hazard_id="HAZ-006", status="open", reason="Reviewing")
    change = hazard_status_change(actor=as_cso, hazard_id="HAZ-006", status="mitigated", reason="Reviewed")
    assert change.status == "mitigated"


def test_a_raised_hazard_is_open_and_cannot_be_marked_mitigated(as_cso):
    raised = hazard_raise(actor=as_cso, raised=RAISED)
    rows = {row.id: row for row in hazard_rows(actor=as_cso)}
    assert (rows["APP-001"].status, rows["APP-001"].title, rows["APP-001"].residual) == ("open", "Clinic moved", None)
    with pytest.raises(InvalidInput) as refused:
        hazard_status_change(actor=as_cso, hazard_id=raised.reference, status="mitigated", reason="Fixed")
    assert refused.value.errors["status"][0].startswith("APP-001 was raised in the app and has no controls yet")


def test_an_unknown_hazard_is_not_found(as_cso):
    with pytest.raises(NotFound):
        hazard_status_change(actor=as_cso, hazard_id="HAZ-999", status="accepted", reason="x")


def test_open_hazards_come_first(as_cso):
    hazard_raise(actor=as_cso, raised=RAISED)
    rows = hazard_rows(actor=as_cso)
    statuses = [row.status for row in rows]
    open_count = statuses.count("open")
    assert set(statuses[:open_count]) == {"open"} and "open" not in statuses[open_count:]
    assert [row.id for row in rows][:open_count][-1] == "APP-001"  # raised hazards after the log's open ones


def test_the_rendered_case_shows_app_statuses_and_raised_hazards(as_cso):
    hazard_status_change(actor=as_cso, hazard_id="HAZ-002", status="accepted", reason="Risk agreed by the board")
    hazard_raise(actor=as_cso, raised=RAISED)
    case = safety_case_build(overlay=app_overlay())
    entry = next(e for e in case.entries if e.hazard.id == "HAZ-002")
    assert (entry.hazard.status, entry.log_status) == ("accepted", "open")
    text = text_of(safety_case_html(case=case))
    assert "Status in the log open (the status above was recorded in the app)" in text
    assert "Helen Marsh (in the app): status accepted. Risk agreed by the board" in text
    assert "Hazards raised in the app" in text
    assert "APP-001: Clinic moved" in text
    assert "Hazards raised in the app and not yet triaged: APP-001: Clinic moved" in text


def test_the_in_app_case_shows_the_app_status(client_for, as_cso, cso):
    hazard_status_change(actor=as_cso, hazard_id="HAZ-002", status="accepted", reason="Risk agreed")
    page = text_of(client_for(Role.AUDITOR).get(reverse("safety:case")).content.decode())
    assert "(in the app): status accepted. Risk agreed" in page


def test_the_hazards_page_lists_every_hazard_for_auditors_without_the_change_form(client_for):
    response = client_for(Role.AUDITOR).get(reverse("safety:hazards"))
    assert response.status_code == 200
    page = response.content.decode()
    for hazard in hazard_log_load():
        assert f'href="/safety-case/hazards/{hazard.id}/"' in page
    assert "Raise a hazard" not in page
    assert "Only a clinical safety officer can change a status or raise a hazard." in text_of(page)
    detail = client_for(Role.AUDITOR).get(reverse("safety:hazard", kwargs={"hazard_id": "HAZ-002"}))
    assert detail.status_code == 200 and "Change the status" not in detail.content.decode()


def test_the_status_page_refuses_an_auditor(client_for):
    url = reverse("safety:hazard-status", kwargs={"hazard_id": "HAZ-002"})
    response = client_for(Role.AUDITOR).post(url, {"status": "accepted", "reason": "No"})
    assert response.status_code == 403
    assert not HazardStatusChange.objects.exists()


def test_a_cso_changes_a_status_on_the_page(client_for, cso):
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    url = reverse("safety:hazard-status", kwargs={"hazard_id": "HAZ-002"})
    missing = client.post(url, {"status": "accepted", "reason": ""})
    assert missing.status_code == 400
    assert 'href="#id_reason"' in missing.content.decode()
    assert "Enter the reason for the change of status" in missing.content.decode()
    done = client.post(url, {"status": "accepted", "reason": "Agreed at the safety board"})
    assert done.status_code == 302 and done.url == reverse("safety:hazard", kwargs={"hazard_id": "HAZ-002"})
    page = text_of(client.get(done.url).content.decode())
    assert "HAZ-002 is now accepted. The reason is recorded." in page
    assert "Accepted, " in page and "by Helen Marsh: Agreed at the safety board" in page


def test_a_refused_mitigation_is_shown_at_the_status_field(client_for, cso):
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    url = reverse("safety:hazard-status", kwargs={"hazard_id": "HAZ-001"})
    response = client.post(url, {"status": "mitigated", "reason": "Done"})
    assert response.status_code == 400
    assert 'href="#id_status"' in response.content.decode()
    assert "controls C3, C4 are planned or name no test" in response.content.decode()


def test_a_cso_raises_a_hazard_on_the_page(client_for, cso):
    client = client_for(Role.CLINICAL_SAFETY_OFFICER, user=cso)
    url = reverse("safety:hazard-raise")
    missing = client.post(url, {"title": "Clinic moved", "cause": "", "effect": ""})
    assert missing.status_code == 400
    assert "Enter the cause of the hazard you are raising" in missing.content.decode()
    done = client.post(url, {"title": "Clinic moved", "cause": "Old site", "effect": "Wrong site"})
    assert done.url == reverse("safety:hazard", kwargs={"hazard_id": "APP-001"})
    assert AuditEvent.objects.filter(action="safety.hazard.raised", target_id="APP-001").count() == 1


def test_an_unknown_hazard_page_is_not_found(client_for):
    assert client_for(Role.AUDITOR).get(reverse("safety:hazard", kwargs={"hazard_id": "HAZ-999"})).status_code == 404


def test_make_safety_case_renders_the_app_records(as_cso, tmp_path, capsys):
    from notifyadmin.safety.__main__ import main

    hazard_status_change(actor=as_cso, hazard_id="HAZ-002", status="accepted", reason="Risk agreed by the board")
    hazard_raise(actor=as_cso, raised=RAISED)
    assert main(["render", "--out", str(tmp_path), "--no-pdf", "--results", str(tmp_path / "none.json")]) == 0
    assert "With the app's records: 1 hazards with a status set in the app, 1 raised." in capsys.readouterr().out
    text = text_of((tmp_path / "safety-case.html").read_text(encoding="utf-8"))
    assert "Helen Marsh (in the app): status accepted. Risk agreed by the board" in text
    assert "APP-001: Clinic moved" in text


def test_make_safety_case_without_app_records_says_so(tmp_path, capsys):
    from notifyadmin.safety.__main__ import main

    assert main(["render", "--out", str(tmp_path), "--no-pdf", "--no-app-records"]) == 0
    assert "Statuses recorded in the app not shown: --no-app-records." in capsys.readouterr().out
