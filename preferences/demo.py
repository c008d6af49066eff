"""Demo patients for `make run`: synthetic NHS numbers from the range reserved for testing
(999 000 0000 to 999 999 9999, valid check digits), contact points in every status, and months
of preference history by several members of staff and systems. Safe to run twice: a patient
already present is left alone.

Mobile numbers are in the 07400 range and emails on example.com; nothing is ever sent from here.
"""

import contextlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from notifyadmin.accounts.models import StaffUser
from notifyadmin.accounts.roles import Permission, Role
from notifyadmin.accounts.services import role_assign
from notifyadmin.core.actor import Actor
from notifyadmin.core.demo import DEMO_ADMINISTRATOR, DemoContext
from preferences.history import history_backdated
from preferences.identifiers import lookup_hash
from preferences.models import ChangeSource, ContactPoint, Patient
from preferences.nhs_number import synthetic_nhs_number
from preferences.services import (
    contact_point_add,
    contact_point_status_change,
    patient_create,
    preferences_change,
)

# given, family, preferred, language, formats
DEMO_PATIENTS = [
    ("Margaret", "Holloway", "Peggy", "en", ["large_print"]),
    ("Dafydd", "Rees", "", "cy", []),
    ("Amara", "Okonkwo", "", "en", []),
    ("Jonathan", "Pike", "Jon", "en", ["audio"]),
    ("Sofia", "Marinescu", "", "ro", []),
    ("Bilal", "Chaudhry", "", "ur", ["easy_read"]),
    ("Eleanor", "Fitzgerald", "Nell", "en", ["braille", "audio"]),
    ("Tomasz", "Nowak", "", "pl", []),
    ("Grace", "Adeyemi", "", "en", []),
    ("Harold", "Bennett", "Harry", "en", ["large_print", "easy_read"]),
    ("Yasmin", "Farah", "", "so", []),
    ("Liam", "O'Sullivan", "", "en", []),
]
STATUSES = [
    ContactPoint.Status.VERIFIED,
    ContactPoint.Status.UNVERIFIED,
    ContactPoint.Status.BOUNCED,
    ContactPoint.Status.INVALID,
]


def _extra_desk_staff(context: DemoContext) -> list[StaffUser]:
    """Two more service desk colleagues, so the history shows several people. They cannot sign in.
    Their roles are given by the demo administrator, as the foundation's are."""
    admin = context.actor_for(DEMO_ADMINISTRATOR, Role.ADMINISTRATOR)
    people = [context.people["servicedesk"]]
    for username, first, last in (("servicedesk-nadia", "Nadia", "Hussain"), ("servicedesk-owen", "Owen", "Price")):
        user, created = StaffUser.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        role_assign(user=user, organisation=context.organisation, role=Role.SERVICE_DESK, actor=admin)
        people.append(user)
    return people


@contextlib.contextmanager
def _as(actor: Actor, at: datetime, source: str, reason: str) -> Iterator[dict[str, object]]:
    """A change by `actor`, its history dated `at` (the audit events keep the real time)."""
    with history_backdated(at):
        yield {"actor": actor, "source": source, "reason": reason}


def seed(context: DemoContext) -> None:
    organisation = context.organisation
    # The patient administration system and GP record feed, as the history names them.
    gateway = Actor.system(
        name="gp-sms-gateway", organisation=organisation, permissions=frozenset({Permission.PREFERENCE_CHANGE})
    )
    staff = _extra_desk_staff(context)
    desk_actors = [Actor.staff(user=user, role=Role.SERVICE_DESK, organisation=organisation) for user in staff]
    now = timezone.now()
    for index, (given, family, preferred, language, formats) in enumerate(DEMO_PATIENTS):
        nhs_number = synthetic_nhs_number(index * 1000 + 1)
        if Patient.objects.filter(
            organisation=organisation, nhs_number_hash=lookup_hash(kind="nhs_number", normalised=nhs_number)
        ).exists():
            continue
        start = now - timedelta(days=200 - index * 3)

        def desk(
            days: int, reason: str, source: str = ChangeSource.PHONE_CALL, who: int = 0, start: datetime = start
        ) -> contextlib.AbstractContextManager[dict[str, object]]:
            return _as(desk_actors[who % len(desk_actors)], start + timedelta(days=days), source, reason)

        def system(
            days: int, reason: str, source: str = ChangeSource.OTHER_SYSTEM_API, start: datetime = start
        ) -> contextlib.AbstractContextManager[dict[str, object]]:
            return _as(gateway, start + timedelta(days=days), source, reason)

        with system(0, "Registered from the patient administration system") as who:
            patient = patient_create(
                **who,  # type: ignore[arg-type]
                nhs_number=nhs_number,
                given_name=given,
                family_name=family,
                preferred_name=preferred,
                language=language,
                accessible_formats=formats,
            )
        # What a caller is asked to confirm on the phone (synthetic, like every demo detail).
        Patient.objects.filter(pk=patient.pk).update(
            date_of_birth=date(1950 + (index * 7) % 55, 1 + index % 12, 1 + (index * 5) % 28),
            postcode=DEMO_POSTCODES[index % len(DEMO_POSTCODES)],
        )
        _contact_points(patient, index, given, family, desk, system)
        with desk(30, "Patient agreed to hear about surveys", ChangeSource.IN_PERSON, who=index + 2) as who:
            preferences_change(
                **who,  # type: ignore[arg-type]
                patient=patient,
                expected_lock_version=None,
                cells={("campaigns_surveys", "email"): True},
            )
        with desk(75, "Patient prefers fewer texts", ChangeSource.LETTER, who=index) as who:
            preferences_change(
                **who,  # type: ignore[arg-type]
                patient=patient,
                expected_lock_version=None,
                cells={("service_updates", "sms"): False, ("prescriptions", "letter"): False},
            )
        if index % 3 == 0:
            with system(120, "Patient replied STOP", ChangeSource.PATIENT_SMS_REPLY) as who:
                preferences_change(
                    **who,  # type: ignore[arg-type]
                    patient=patient,
                    expected_lock_version=None,
                    cells={("service_updates", "email"): False},
                    no_non_essential=True,
                )
        with desk(150, "Patient asked to try texts first", who=index + 1) as who:
            preferences_change(
                **who,  # type: ignore[arg-type]
                patient=patient,
                expected_lock_version=None,
                cells={("appointments", "letter"): index % 2 == 1},
                channel_order=["sms", "nhsapp", "email", "letter"],
            )


DEMO_POSTCODES = ["LS1 4AP", "M1 1AE", "B1 1BB", "NE1 4ST", "BS1 5TR", "L1 8JQ"]


def _contact_points(patient: Patient, index: int, given: str, family: str, desk: Any, system: Any) -> None:
    """Realistic contact points: a mobile for everyone (some bounced or invalid), an email for
    most (one in four has none), the NHS App for half, a postal address for everyone."""
    mobile_status = STATUSES[index % 4]
    with system(1, "Imported from the GP record") as who:
        mobile = contact_point_add(
            **who,
            patient=patient,
            kind=ContactPoint.Kind.MOBILE,
            value=f"07400 {100000 + index * 37:06d}",
            contact_source=ContactPoint.Source.OTHER_SYSTEM,
            status=mobile_status if mobile_status != ContactPoint.Status.BOUNCED else ContactPoint.Status.UNVERIFIED,
            verified_how="Code sent by text and read back",
        )
    if index % 4 != 3:
        with desk(5, "Patient gave their email", who=index) as who:
            contact_point_add(
                **who,
                patient=patient,
                kind=ContactPoint.Kind.EMAIL,
                value=f"{given.lower()}.{family.lower().replace(chr(39), '')}@example.com",
                contact_source=ContactPoint.Source.PATIENT,
                status=STATUSES[(index + 1) % 4],
                verified_how="Link in email clicked",
            )
    if index % 2 == 0:
        with system(2, "Patient uses the NHS App") as who:
            contact_point_add(
                **who,
                patient=patient,
                kind=ContactPoint.Kind.NHSAPP,
                value="",
                contact_source=ContactPoint.Source.OTHER_SYSTEM,
                status=ContactPoint.Status.VERIFIED,
                verified_how="NHS login",
            )
    with desk(6, "Confirmed address on the phone", who=index + 1) as who:
        contact_point_add(
            **who,
            patient=patient,
            kind=ContactPoint.Kind.POSTAL_ADDRESS,
            value=f"{index + 12} Orchard Lane\nNorthfield\nNF{index % 9 + 1} {index % 9 + 2}AB",
            contact_source=ContactPoint.Source.SERVICE_DESK,
        )
    if mobile_status == ContactPoint.Status.BOUNCED:
        with system(40, "Text message could not be delivered", ChangeSource.DELIVERY_BOUNCE) as who:
            contact_point_status_change(**who, contact_point=mobile, status=ContactPoint.Status.BOUNCED)
