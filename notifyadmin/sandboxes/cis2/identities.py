"""The stand-in's test staff: made-up people at a made-up trust, shaped like CIS2 data.

Everything here is data. The sign-in page lists `TEST_IDENTITIES` in order; the ID token and
userinfo are built from the chosen entry. Role codes follow CIS2's `S....:G....:R....` shape but
the R-codes are invented, so none can be mistaken for a real national RBAC role.

Email addresses use the reserved `.example` domain so nothing can ever reach a real inbox.
"""

from dataclasses import dataclass

ORG_CODE = "RX1"
ORG_NAME = "Northfield Teaching Hospitals NHS Foundation Trust"

# role_code -> the notifyadmin app role it is meant to grant.
SUGGESTED_ROLE_MAPPING: dict[str, str] = {
    "S8001:G8005:R5001": "content_designer",
    "S8000:G8000:R5002": "clinical_safety_officer",
    "S8001:G8004:R5003": "service_desk",
    "S8001:G8004:R5004": "operations",
    "S8001:G8006:R5005": "auditor",
    "S8001:G8004:R5006": "administrator",
}

# One job role that carries two app roles at once (a content designer who is also the
# clinical safety officer). It is kept apart because a role code -> single slug mapping cannot
# express it; the client decides whether to honour it (and must still enforce four eyes).
SUGGESTED_COMBINED_ROLE_MAPPING: dict[str, tuple[str, ...]] = {
    "S8001:G8005:R5007": ("content_designer", "clinical_safety_officer"),
}

# A real-looking job role that maps to no app role: signing in with it must be refused.
UNMAPPED_ROLE_CODE = "S8001:G8001:R5090"

ACTIVITIES: dict[str, str] = {
    "B0001": "Draft patient message content",
    "B0002": "Review patient message content",
    "B0003": "Clinically approve patient message content",
    "B0004": "View messages sent to a patient",
    "B0005": "Amend patient contact preferences",
    "B0006": "Manage message campaigns",
    "B0007": "Read audit records",
    "B0008": "Manage staff access and integrations",
    "B0009": "Book and amend appointments",
}


@dataclass(frozen=True)
class NrbacRole:
    """One entry of `nhsid_nrbac_roles`: a job role held at an organisation."""

    person_roleid: str
    role_code: str
    role_name: str
    activity_codes: tuple[str, ...]
    org_code: str = ORG_CODE
    person_orgid: str = ""

    def as_claim(self) -> dict:
        return {
            "person_orgid": self.person_orgid,
            "person_roleid": self.person_roleid,
            "org_code": self.org_code,
            "role_code": self.role_code,
            "role_name": self.role_name,
            "activity_codes": list(self.activity_codes),
            "activities": [ACTIVITIES[code] for code in self.activity_codes],
        }


@dataclass(frozen=True)
class TestIdentity:
    """A member of staff the tester can sign in as."""

    __test__ = False  # not a pytest test class, despite the name

    uid: str
    given_name: str
    family_name: str
    summary: str
    roles: tuple[NrbacRole, ...]
    id_assurance_level: int = 3
    authentication_assurance_level: int = 3
    acr: str = "AAL3_ANY"
    amr: tuple[str, ...] = ("SCARD",)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def email(self) -> str:
        return f"{self.given_name}.{self.family_name}@northfield-nhs.example".lower()

    def role(self, person_roleid: str) -> NrbacRole | None:
        return next((r for r in self.roles if r.person_roleid == person_roleid), None)


def _role(uid: str, number: int, role_code: str, role_name: str, *activities: str) -> NrbacRole:
    """A role entry with 12-digit ids derived from the person's uid, so they are stable."""
    return NrbacRole(
        person_roleid=f"5551{uid[6:]}{number:02d}",
        person_orgid=f"5552{uid[4:]}",
        role_code=role_code,
        role_name=role_name,
        activity_codes=activities,
    )


TEST_IDENTITIES: tuple[TestIdentity, ...] = (
    TestIdentity(
        uid="555012345601",
        given_name="Priya",
        family_name="Raman",
        summary="Content designer",
        roles=(
            _role(
                "555012345601",
                1,
                "S8001:G8005:R5001",
                "Content Designer",
                "B0001",
                "B0002",
            ),
        ),
    ),
    TestIdentity(
        uid="555012345602",
        given_name="Tomasz",
        family_name="Nowak",
        summary="Clinical safety officer",
        roles=(
            _role(
                "555012345602",
                1,
                "S8000:G8000:R5002",
                "Clinical Safety Officer",
                "B0002",
                "B0003",
            ),
        ),
    ),
    TestIdentity(
        uid="555012345603",
        given_name="Grace",
        family_name="Okafor",
        summary="Service desk",
        roles=(
            _role(
                "555012345603",
                1,
                "S8001:G8004:R5003",
                "Service Desk Analyst",
                "B0004",
                "B0005",
            ),
        ),
    ),
    TestIdentity(
        uid="555012345604",
        given_name="Callum",
        family_name="Reid",
        summary="Operations",
        roles=(
            _role(
                "555012345604",
                1,
                "S8001:G8004:R5004",
                "Digital Operations Manager",
                "B0006",
            ),
        ),
    ),
    TestIdentity(
        uid="555012345605",
        given_name="Helen",
        family_name="Marsh",
        summary="Auditor",
        roles=(
            _role(
                "555012345605",
                1,
                "S8001:G8006:R5005",
                "Information Governance Auditor",
                "B0007",
            ),
        ),
    ),
    TestIdentity(
        uid="555012345606",
        given_name="Owen",
        family_name="Pritchard",
        summary="Administrator",
        roles=(_role("555012345606", 1, "S8001:G8004:R5006", "System Administrator", "B0008"),),
    ),
    TestIdentity(
        uid="555012345607",
        given_name="Aisha",
        family_name="Bello",
        summary="Several roles: content designer, clinical safety officer, and both combined",
        roles=(
            _role(
                "555012345607",
                1,
                "S8001:G8005:R5001",
                "Content Designer",
                "B0001",
                "B0002",
            ),
            _role(
                "555012345607",
                2,
                "S8000:G8000:R5002",
                "Clinical Safety Officer",
                "B0002",
                "B0003",
            ),
            _role(
                "555012345607",
                3,
                "S8001:G8005:R5007",
                "Content Designer and Clinical Safety Officer",
                "B0001",
                "B0002",
                "B0003",
            ),
        ),
    ),
    TestIdentity(
        uid="555012345608",
        given_name="Sandra",
        family_name="Whitlock",
        summary="Receptionist: a role that maps to no app role",
        roles=(_role("555012345608", 1, UNMAPPED_ROLE_CODE, "Receptionist", "B0009"),),
    ),
    TestIdentity(
        uid="555012345609",
        given_name="Liam",
        family_name="Doherty",
        summary="Operations, but signed in at too low an assurance level (IAL 1, AAL 1)",
        roles=(
            _role(
                "555012345609",
                1,
                "S8001:G8004:R5004",
                "Digital Operations Manager",
                "B0006",
            ),
        ),
        id_assurance_level=1,
        authentication_assurance_level=1,
        acr="AAL1_USERPASS",
        amr=("PWD",),
    ),
    TestIdentity(
        uid="555012345610",
        given_name="Mei",
        family_name="Chen",
        summary="No roles at all",
        roles=(),
    ),
)

IDENTITIES_BY_UID: dict[str, TestIdentity] = {identity.uid: identity for identity in TEST_IDENTITIES}


def identity_get(uid: str) -> TestIdentity | None:
    return IDENTITIES_BY_UID.get(uid)
