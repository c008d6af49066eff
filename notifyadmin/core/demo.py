"""Demo data for `make run`: one organisation and a member of staff for every role.

Apps register their seeders (functions taking a DemoContext) in notifyadmin.core.registry.SEEDERS
from AppConfig.ready, with an order that runs them after what they depend on.
Every seeder must be safe to run twice.
"""

from dataclasses import dataclass, field

from django.conf import settings

from notifyadmin.accounts.models import Organisation, StaffUser
from notifyadmin.accounts.roles import Role
from notifyadmin.accounts.services import organisation_ensure, role_assign
from notifyadmin.core.actor import Actor
from notifyadmin.core.registry import SEEDERS

DEMO_ODS_CODE = "RX1"
DEMO_ORGANISATION_NAME = "Northfield Teaching Hospitals NHS Foundation Trust"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    roles: tuple[Role, ...]


DEMO_PEOPLE = (
    DemoPerson("designer", "Priya", "Shah", (Role.CONTENT_DESIGNER,)),
    DemoPerson("designer2", "Tom", "Okafor", (Role.CONTENT_DESIGNER,)),
    DemoPerson("cso", "Helen", "Marsh", (Role.CLINICAL_SAFETY_OFFICER,)),
    DemoPerson("servicedesk", "Gareth", "Lloyd", (Role.SERVICE_DESK,)),
    DemoPerson("operations", "Aisha", "Begum", (Role.OPERATIONS,)),
    DemoPerson("auditor", "Michael", "Green", (Role.AUDITOR,)),
    DemoPerson("admin", "Sarah", "Whitfield", (Role.ADMINISTRATOR,)),
    DemoPerson("multi", "Jordan", "Reyes", (Role.CONTENT_DESIGNER, Role.OPERATIONS, Role.AUDITOR)),
)


@dataclass
class DemoContext:
    organisation: Organisation
    people: dict[str, StaffUser] = field(default_factory=dict)


def seed_foundation(*, password: str) -> DemoContext:
    organisation = organisation_ensure(ods_code=DEMO_ODS_CODE, name=DEMO_ORGANISATION_NAME)
    context = DemoContext(organisation=organisation)
    seed_actor = Actor.system(name="seed_demo", organisation=organisation)
    for person in DEMO_PEOPLE:
        user, created = StaffUser.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@northfield.example.nhs.uk",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        for role in person.roles:
            role_assign(user=user, organisation=organisation, role=role, actor=seed_actor)
        context.people[person.username] = user
    return context


def seed_demo(*, password: str) -> DemoContext:
    if settings.NOTIFY_ENVIRONMENT == "production":
        raise RuntimeError("Demo data is never seeded in production.")
    context = seed_foundation(password=password)
    for seeder in SEEDERS:
        seeder.seed(context)
    return context
