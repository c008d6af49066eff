"""Routing plans the sandbox knows: the published sandbox's own, and the global free-text plans.

NHS Notify issues routing plan ids at onboarding and has no endpoint to list them. The
published sandbox accepts five plan ids, seven global free-text plans and a few ids that
trigger errors; any other UUID is 404 CM_NO_SUCH_ROUTING_PLAN. Versions are the published
sandbox's. The published sandbox does not say which channels its five plans use, so this one
gives each a cascade (documented in README.md) so that every channel can be exercised.
"""

from dataclasses import dataclass

from notifyadmin.sandboxes.nhs_notify import errors

NHSAPP, EMAIL, SMS, LETTER = "nhsapp", "email", "sms", "letter"
CREATED_DATE = "2022-01-01T00:00:00.000Z"
PLAN_NAME = "routing-plan-name"


# Longest content NHS Notify sends per channel (characters): an SMS is at most 6 fragments of 153.
CONTENT_LIMITS = {NHSAPP: 5_000, SMS: 918, EMAIL: 100_000, LETTER: 15_000}
_FIELD_CHANNELS = {"body": NHSAPP, "nhsapp_body": NHSAPP, "sms_body": SMS, "email_body": EMAIL}


@dataclass(frozen=True)
class RoutingPlan:
    id: str
    version: str
    channels: tuple[str, ...]  # cascade order: primary channel first
    personalisation: tuple[str, ...] = ()  # keys a free-text plan needs
    name: str = PLAN_NAME

    def personalisation_problem(self, personalisation: dict | None) -> str | None:
        """Why a free-text message cannot be sent (NHS Notify accepts it, then fails it), or None."""
        values = personalisation or {}
        for key in self.personalisation:
            value = values.get(key)
            if not isinstance(value, str) or not value.strip():
                return f"Failed reason: Personalisation field '{key}' is missing"
            channel = _FIELD_CHANNELS.get(key)
            if channel and len(value) > CONTENT_LIMITS[channel]:
                return (
                    f"Failed reason: Personalisation field '{key}' is longer than {CONTENT_LIMITS[channel]} characters"
                )
        return None

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "version": self.version, "createdDate": CREATED_DATE}


_PLANS = (
    RoutingPlan(
        "b838b13c-f98c-4def-93f0-515d4e4f4ee1", "ztoe2qRAM8M8vS0bqajhyEBcvXacrGPp", (NHSAPP, EMAIL, SMS, LETTER)
    ),
    RoutingPlan("49e43b98-70cb-47a9-a55e-fe70c9a6f77c", "G.uwELAFAGMsKEBk2iIeRCBOB6kj6OkE", (NHSAPP, SMS)),
    RoutingPlan("b402cd20-b62a-4357-8e02-2952959531c8", "J7ZPQIf1yyUB4CiBpUBoy.1ahfOTCCQ7", (NHSAPP, EMAIL)),
    RoutingPlan("936e9d45-15de-4a95-bb36-ae163c33ae53", "riOAKoN4ajoVyUf9U2xwHVNRHc5V52A.", (SMS,)),
    RoutingPlan("9ba00d23-cd6f-4aca-8688-00abc85a7980", "nkz2osS_oc8IZ5GqeN_1yXKSXe9VEUjV", (LETTER,)),
    # Global free-text plans: the whole content is in the personalisation fields.
    RoutingPlan("00000000-0000-0000-0000-000000000001", "odbGpMQvYRM7sp7jueU2lRHQiueKujVO", (NHSAPP,), ("body",)),
    RoutingPlan(
        "00000000-0000-0000-0000-000000000002",
        "HXdzlIX2Rv2qy7j9MR3FxbPHhJM7Jjzt",
        (EMAIL,),
        ("email_subject", "email_body"),
    ),
    RoutingPlan("00000000-0000-0000-0000-000000000003", "xoERWoahq12cq8WMXya4yed9hZtZbMxJ", (SMS,), ("sms_body",)),
    RoutingPlan(
        "00000000-0000-0000-0000-000000000004",
        "1",
        (NHSAPP, EMAIL),
        ("nhsapp_body", "email_subject", "email_body"),
    ),
    RoutingPlan(
        "00000000-0000-0000-0000-000000000005",
        "1",
        (NHSAPP, EMAIL),
        ("nhsapp_body", "email_subject", "email_body"),
    ),
    RoutingPlan("00000000-0000-0000-0000-000000000006", "1", (NHSAPP, SMS), ("nhsapp_body", "sms_body")),
    RoutingPlan("00000000-0000-0000-0000-000000000007", "1", (NHSAPP, SMS), ("nhsapp_body", "sms_body")),
)
PLANS: dict[str, RoutingPlan] = {plan.id: plan for plan in _PLANS}

# Plan ids that make the published sandbox fail, and how.
ERROR_PLANS = {
    "c8857ccf-06ec-483f-9b3a-7fc732d9ad48": errors.missing_templates,
    "aeb16ab8-cb9c-4d23-92e9-87c78119175c": errors.missing_templates,
    "a3a4e55d-7a21-45a6-9286-8eb595c872a8": errors.duplicate_templates,
    "3bb82e6a-9873-4683-b2b9-fdf33c9ba86f": errors.internal_error,
    "d895ade5-0029-4fc3-9fb5-86e1e5370854": errors.retry_too_early,
    "4ead415a-c033-4b39-9b05-326ac237a3be": lambda: errors.invalid("/data/attributes/routingPlanId"),
}


def plan_resolve(plan_id: str) -> RoutingPlan:
    """The plan, or raise ApiFailure as the published sandbox does for this id."""
    key = plan_id.lower()
    if key in ERROR_PLANS:
        raise errors.failure_with_retry_after(ERROR_PLANS[key]())
    plan = PLANS.get(key)
    if plan is None:
        raise errors.ApiFailure(errors.no_such_routing_plan())
    return plan
