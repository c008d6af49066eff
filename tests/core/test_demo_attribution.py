"""The demo's history is attributed to the demo people who would have made it (issue 12, item
9): the demo staff's roles and the CIS2 role mappings are given by the demo administrator."""

import pytest

from audit.models import AuditEvent
from notifyadmin.core.demo import DEMO_ADMINISTRATOR, DEMO_PEOPLE, seed_demo

pytestmark = pytest.mark.django_db


def test_demo_roles_and_mappings_are_given_by_the_demo_administrator():
    context = seed_demo(password="attribution")

    assigned = AuditEvent.objects.filter(action="staff.role.assigned")
    by_person = {str(user.id): username for username, user in context.people.items()}
    actors = {}
    for event in assigned:
        username = by_person.get(event.details["staff_user_id"])
        if username is not None:
            actors.setdefault(username, set()).add(event.actor_name or event.system_client)
    assert set(actors) == {person.username for person in DEMO_PEOPLE}
    # Only the administrator's own role comes from the seeding system itself.
    assert actors.pop(DEMO_ADMINISTRATOR) != {"Sarah Whitfield"}
    assert {name for names in actors.values() for name in names} == {"Sarah Whitfield"}
    mappings = AuditEvent.objects.filter(action="role_mapping.created")
    assert mappings.count() == 8
    assert set(mappings.values_list("actor_name", flat=True)) == {"Sarah Whitfield"}


def test_nothing_on_the_demo_trail_is_by_the_seeding_system_but_the_first_role():
    # Given the whole demo seeded (every app's seeder, including the extra service desk staff)
    seed_demo(password="attribution")

    # Then the only events no person made are the organisation's creation, the demo
    # administrator's own role, and what the GP record feed (a system, as in life) changed
    by_systems = AuditEvent.objects.filter(actor__isnull=True)
    assert set(by_systems.values_list("system_client", "action").distinct()) == {
        ("notifyadmin", "organisation.created"),
        ("seed_demo", "staff.role.assigned"),
        ("gp-sms-gateway", "patient.created"),
        ("gp-sms-gateway", "contact_point.changed"),
        ("gp-sms-gateway", "preference.changed"),
    }
    assert by_systems.filter(system_client="seed_demo").count() == 1
    extra_desk = AuditEvent.objects.filter(action="staff.role.assigned", details__role="service_desk").values_list(
        "actor_name", flat=True
    )
    assert set(extra_desk) == {"Sarah Whitfield"}
    assert len(extra_desk) == 3
