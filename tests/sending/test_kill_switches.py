"""Kill switches: operations only, step-up and a reason, audited, one at a time, and the
dispatcher's last check before the provider call honours them."""

import time

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, PermissionRefused, TransitionRefused
from notifyadmin.sending import kill_switches
from notifyadmin.sending.kill_switches import stopped_by_kill_switch
from notifyadmin.sending.models import KillSwitch

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(make_staff, organisation):
    return Actor.staff(user=make_staff(Role.OPERATIONS), role=Role.OPERATIONS, organisation=organisation)


def test_operations_stop_and_restart_sending_with_reasons_audited(ops, make_messages):
    messages = make_messages(2)
    switch = kill_switches.kill_switch_set(actor=ops, reason="Wrong clinic address", authenticated_at=timezone.now())
    assert stopped_by_kill_switch(messages) == messages
    event = AuditEvent.objects.get(action="kill_switch.set")
    assert (event.reason, event.actor_id, event.target_id) == ("Wrong clinic address", ops.user_id, str(switch.id))
    kill_switches.kill_switch_clear(actor=ops, switch_id=switch.id, reason="Fixed", authenticated_at=timezone.now())
    assert stopped_by_kill_switch(messages) == []
    assert AuditEvent.objects.get(action="kill_switch.cleared").reason == "Fixed"


def test_a_template_switch_stops_only_that_template(ops, make_messages, published_version):
    messages = make_messages(1)
    kill_switches.kill_switch_set(
        actor=ops, template=published_version.template, reason="Typo", authenticated_at=timezone.now()
    )
    assert stopped_by_kill_switch(messages) == messages


def test_other_roles_are_refused(make_staff, organisation):
    desk = Actor.staff(user=make_staff(Role.SERVICE_DESK), role=Role.SERVICE_DESK, organisation=organisation)
    with pytest.raises(PermissionRefused):
        kill_switches.kill_switch_set(actor=desk, reason="x", authenticated_at=timezone.now())
    assert KillSwitch.objects.count() == 0


def test_a_reason_and_a_recent_step_up_are_required(ops):
    with pytest.raises(InvalidInput) as refused:
        kill_switches.kill_switch_set(actor=ops, reason="  ", authenticated_at=timezone.now())
    assert refused.value.errors == {"reason": ["Enter why sending must stop"]}
    stale = timezone.now() - timezone.timedelta(hours=1)
    with pytest.raises(TransitionRefused) as refused_stale:
        kill_switches.kill_switch_set(actor=ops, reason="Outage", authenticated_at=stale)
    assert str(refused_stale.value) == "Confirm your identity again before changing a kill switch."
    assert KillSwitch.objects.count() == 0


def test_one_active_switch_per_scope(ops):
    kill_switches.kill_switch_set(actor=ops, reason="Outage", authenticated_at=timezone.now())
    with pytest.raises(TransitionRefused) as refused:
        kill_switches.kill_switch_set(actor=ops, reason="Again", authenticated_at=timezone.now())
    assert str(refused.value) == "Sending is already stopped for your organisation."


def test_the_pages_stop_and_restart_sending(client_for):
    client = client_for(Role.OPERATIONS)
    session = client.session
    session["reauthenticated_at"] = int(time.time())
    session.save()
    page = client.get("/sending/kill-switches/")
    assert "Nothing is stopped." in page.content.decode()
    refused = client.post("/sending/kill-switches/stop/", {"template": "", "reason": ""})
    assert refused.status_code == 400
    assert "Enter why sending must stop" in refused.content.decode()
    response = client.post("/sending/kill-switches/stop/", {"template": "", "reason": "NHS Notify <incident>"})
    assert response.status_code == 302
    page = client.get("/sending/kill-switches/").content.decode()
    switch = KillSwitch.objects.get()
    assert "Sending is stopped for your organisation" in page
    # The box is HTML, its link can be followed, and the reason typed is shown as text
    assert "<p>Reason: NHS Notify &lt;incident&gt;</p>" in page
    assert f'<a href="/sending/kill-switches/{switch.id}/clear/">Start sending again' in page
    assert "&lt;p&gt;" not in page
    clear = client.get(f"/sending/kill-switches/{switch.id}/clear/").content.decode()
    assert ": NHS Notify &lt;incident&gt;</p><p>Messages that fall due from now on will be sent." in clear


def test_the_stop_page_asks_for_step_up_first(client_for):
    response = client_for(Role.OPERATIONS).get("/sending/kill-switches/stop/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-it-is-you/?next=%2Fsending%2Fkill-switches%2Fstop%2F"
