"""Demo data for `make run`: one organisation and a member of staff for every role.

Apps register their seeders (functions taking a DemoContext) in notifyadmin.core.registry.SEEDERS
from AppConfig.ready, with an order that runs them after what they depend on.
Every seeder must be safe to run twice.
"""

from dataclasses import dataclass, field

from django.apps import apps
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


DEMO_ADMINISTRATOR = "admin"


@dataclass
class DemoContext:
    organisation: Organisation
    people: dict[str, StaffUser] = field(default_factory=dict)
    # Lines seed_demo prints after the staff list (for example the demo patients' test NHS numbers).
    notes: list[str] = field(default_factory=list)

    def actor_for(self, username: str, role: Role) -> Actor:
        """The demo person acting in one of their roles, so the demo's history names who did it."""
        return Actor.staff(user=self.people[username], role=role, organisation=self.organisation)


def seed_foundation(*, password: str) -> DemoContext:
    organisation = organisation_ensure(ods_code=DEMO_ODS_CODE, name=DEMO_ORGANISATION_NAME)
    context = DemoContext(organisation=organisation)
    # Roles are given by the demo administrator, as in a real organisation; only the
    # administrator's own role comes from the seeding system itself.
    seed_actor = Actor.system(name="seed_demo", organisation=organisation)
    for person in sorted(DEMO_PEOPLE, key=lambda person: person.username != DEMO_ADMINISTRATOR):
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
        context.people[person.username] = user
        actor = (
            seed_actor
            if person.username == DEMO_ADMINISTRATOR
            else context.actor_for(DEMO_ADMINISTRATOR, Role.ADMINISTRATOR)
        )
        for role in person.roles:
            role_assign(user=user, organisation=organisation, role=role, actor=actor)
    return context


def seed_demo(*, password: str) -> DemoContext:
    if settings.NOTIFY_ENVIRONMENT == "production":
        raise RuntimeError("Demo data is never seeded in production.")
    context = seed_foundation(password=password)
    for seeder in SEEDERS:
        seeder.seed(context)
    return context


def note_demo_patients(context: DemoContext) -> None:
    """After every app's seeders: the demo patients' test NHS numbers, for finding them. Read by
    model name, not imported: the core sits below the preferences app (docs: DESIGN.md)."""
    if not apps.is_installed("preferences"):
        return
    patient_model = apps.get_model("preferences", "Patient")
    patients = patient_model.objects.filter(organisation=context.organisation).order_by("nhs_number")
    if not patients:
        return
    context.notes.append("Demo patients (test NHS numbers, for Find a patient):")
    for patient in patients:
        number = patient.nhs_number
        spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
        context.notes.append(f"  {spaced}  {patient.given_name} {patient.family_name}")
