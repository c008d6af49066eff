"""The contact decision: may we contact this patient about this category, on which of these
channels, in which order, and if not, why. The one answer used by the patient page, and by the
send pipeline at dispatch time.

The rules, for each channel asked about, the first that applies decides:
1. `no_non_essential`: the patient asked for no non-essential messages and the category is not
   critical (the organisation's category policy says which are critical);
2. `opted_out`: the patient's preference for this category by this channel is off (a cell
   never stored reads as the policy's default);
3. the contact point for the channel (mobile for SMS, email for email, the NHS App for NHS App
   messages, a postal address for letters): `no_contact_point` when there is none, `bounced`
   or `invalid` when every one has that status, `unverified` when `require_verified` is asked
   for and none is verified. A channel is usable when one of its contact points is usable.
Usable channels are ordered by the patient's channel order (NHS Notify's default order when
they have none); channels the order does not name come last, in the order asked.

`contact_decisions` answers for many patients at once in a constant number of queries (category
policies, preferences and contact points: three), so the send pipeline can ask for thousands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from notifyadmin.core.channels import DEFAULT_CHANNEL_ORDER, Channel
from notifyadmin.core.errors import InvalidInput
from preferences.models import Category, ContactPoint, Patient, Preference
from preferences.policies import Policy, category_policies_for


class RefusalCode(StrEnum):
    """Why a channel may not be used, as a code a program can act on."""

    NO_NON_ESSENTIAL = "no_non_essential"
    OPTED_OUT = "opted_out"
    NO_CONTACT_POINT = "no_contact_point"
    BOUNCED = "bounced"
    INVALID = "invalid"
    UNVERIFIED = "unverified"


# The contact point each channel needs.
CHANNEL_CONTACT_KIND: dict[str, str] = {
    Channel.NHSAPP: ContactPoint.Kind.NHSAPP,
    Channel.SMS: ContactPoint.Kind.MOBILE,
    Channel.EMAIL: ContactPoint.Kind.EMAIL,
    Channel.LETTER: ContactPoint.Kind.POSTAL_ADDRESS,
}
# How messages by each channel and each contact point are named in a sentence.
_MESSAGES_BY: dict[str, str] = {
    Channel.NHSAPP: "NHS App messages",
    Channel.SMS: "text messages",
    Channel.EMAIL: "emails",
    Channel.LETTER: "letters",
}
_CONTACT_NAME: dict[str, str] = {
    ContactPoint.Kind.NHSAPP: "NHS App",
    ContactPoint.Kind.MOBILE: "mobile number",
    ContactPoint.Kind.EMAIL: "email",
    ContactPoint.Kind.POSTAL_ADDRESS: "postal address",
}
_NO_CONTACT: dict[str, str] = {
    ContactPoint.Kind.NHSAPP: "does not use the NHS App",
    ContactPoint.Kind.MOBILE: "no mobile number",
    ContactPoint.Kind.EMAIL: "no email address",
    ContactPoint.Kind.POSTAL_ADDRESS: "no postal address",
}
_UNUSABLE = {ContactPoint.Status.BOUNCED, ContactPoint.Status.INVALID}


@dataclass(frozen=True)
class ChannelRefusal:
    """A channel that may not be used: the code and the plain words ("email bounced")."""

    channel: str
    code: RefusalCode
    reason: str


@dataclass(frozen=True)
class ContactDecision:
    patient_id: Any
    category: str
    # The usable channels, in the order to try them.
    channels: tuple[str, ...]
    # Every channel asked about that may not be used, in the order asked.
    refusals: tuple[ChannelRefusal, ...]

    @property
    def may_contact(self) -> bool:
        return bool(self.channels)

    def refusal(self, channel: str) -> ChannelRefusal | None:
        return next((refusal for refusal in self.refusals if refusal.channel == channel), None)

    @property
    def reasons(self) -> list[str]:
        return [refusal.reason for refusal in self.refusals]


def _check(category: str, channels: Sequence[str]) -> None:
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = ["Choose a message category from the list"]
    if not channels or any(channel not in Channel.values for channel in channels):
        errors["channels"] = ["Choose one or more channels from the list"]
    if errors:
        raise InvalidInput(errors)


class _Point(Protocol):
    """What a decision reads of a contact point: a ContactPoint, or a row of its status alone."""

    @property
    def status(self) -> str: ...


def _contact_refusal(channel: str, points: Sequence[_Point], require_verified: bool) -> ChannelRefusal | None:
    kind = CHANNEL_CONTACT_KIND[channel]
    name = _CONTACT_NAME[kind]
    if not points:
        return ChannelRefusal(channel, RefusalCode.NO_CONTACT_POINT, _NO_CONTACT[kind])
    usable = [point for point in points if point.status not in _UNUSABLE]
    if require_verified:
        if any(point.status == ContactPoint.Status.VERIFIED for point in usable):
            return None
        if usable:
            return ChannelRefusal(channel, RefusalCode.UNVERIFIED, f"{name} not verified")
    elif usable:
        return None
    if any(point.status == ContactPoint.Status.BOUNCED for point in points):
        return ChannelRefusal(channel, RefusalCode.BOUNCED, f"{name} bounced")
    return ChannelRefusal(channel, RefusalCode.INVALID, f"{name} marked invalid")


def _decide(
    *,
    patient: Patient,
    policy: Policy,
    channels: Sequence[str],
    stored: dict[tuple[str, str], bool],
    points: dict[str, list[_Point]],
    require_verified: bool,
) -> ContactDecision:
    category_words = policy.label.lower()
    refusals: list[ChannelRefusal] = []
    usable: list[str] = []
    for channel in channels:
        refusal: ChannelRefusal | None
        if patient.no_non_essential and not policy.is_critical:
            refusal = ChannelRefusal(
                channel, RefusalCode.NO_NON_ESSENTIAL, f"asked for no non-essential messages ({category_words})"
            )
        elif not stored.get((policy.category, channel), policy.default_for(channel)):
            refusal = ChannelRefusal(
                channel, RefusalCode.OPTED_OUT, f"opted out of {_MESSAGES_BY[channel]} about {category_words}"
            )
        else:
            refusal = _contact_refusal(channel, points.get(CHANNEL_CONTACT_KIND[channel], []), require_verified)
        if refusal is None:
            usable.append(channel)
        else:
            refusals.append(refusal)
    order = [channel for channel in (patient.channel_order or DEFAULT_CHANNEL_ORDER) if channel in usable]
    order += [channel for channel in usable if channel not in order]
    return ContactDecision(patient.pk, policy.category, tuple(order), tuple(refusals))


def decisions_for_loaded(
    *,
    patient: Patient,
    policies: dict[str, Policy],
    stored: dict[tuple[str, str], bool],
    contact_points: Iterable[ContactPoint],
    channels: Sequence[str] = tuple(Channel.values),
    require_verified: bool = False,
) -> list[ContactDecision]:
    """Every category's decision for one patient whose policies, cells and contact points the
    caller has already read (the patient page reads each once for the grid and this)."""
    points: dict[str, list[_Point]] = defaultdict(list)
    for point in contact_points:
        points[point.kind].append(point)
    return [
        _decide(
            patient=patient,
            policy=policy,
            channels=channels,
            stored=stored,
            points=points,
            require_verified=require_verified,
        )
        for policy in policies.values()
    ]


def contact_decisions_by_category(
    *,
    patients: Iterable[Patient],
    categories: Sequence[str],
    channels: Sequence[str] = tuple(Channel.values),
    require_verified: bool = False,
) -> dict[Any, dict[str, ContactDecision]]:
    """{patient id: {category: decision}} for several categories at once, in three queries."""
    for category in categories:
        _check(category, channels)
    patients = list(patients)
    ids = [patient.pk for patient in patients]
    policies = category_policies_for(organisation_ids={patient.organisation_id for patient in patients})
    stored: dict[Any, dict[tuple[str, str], bool]] = defaultdict(dict)
    for patient_id, category, channel, allowed in Preference.objects.filter(
        patient_id__any_of=ids, category__in=list(categories), channel__in=list(channels)
    ).values_list("patient_id", "category", "channel", "allowed"):
        stored[patient_id][(category, channel)] = allowed
    points: dict[Any, dict[str, list[_Point]]] = defaultdict(lambda: defaultdict(list))
    kinds = [CHANNEL_CONTACT_KIND[channel] for channel in channels]
    # Rows, not model instances: a batch of thousands of patients reads only each point's status.
    for point in ContactPoint.objects.filter(patient_id__any_of=ids, kind__in=kinds).values_list(
        "patient_id", "kind", "status", named=True
    ):
        points[point.patient_id][point.kind].append(point)
    return {
        patient.pk: {
            category: _decide(
                patient=patient,
                policy=policies[patient.organisation_id][category],
                channels=list(dict.fromkeys(channels)),
                stored=stored[patient.pk],
                points=points[patient.pk],
                require_verified=require_verified,
            )
            for category in categories
        }
        for patient in patients
    }


def contact_decisions(
    *,
    patients: Iterable[Patient],
    category: str,
    channels: Sequence[str] = tuple(Channel.values),
    require_verified: bool = False,
) -> dict[Any, ContactDecision]:
    """{patient id: decision} for many patients about one category, in three queries whatever
    the number of patients (the send pipeline's batch question)."""
    by_category = contact_decisions_by_category(
        patients=patients, categories=[category], channels=channels, require_verified=require_verified
    )
    return {patient_id: decisions[category] for patient_id, decisions in by_category.items()}


def contact_decision(
    *,
    patient: Patient,
    category: str,
    channels: Sequence[str] = tuple(Channel.values),
    require_verified: bool = False,
) -> ContactDecision:
    """May we contact this patient about `category`; on which of `channels`, in which order;
    and for each channel we may not use, why. See the module docstring for the rules."""
    return contact_decisions(
        patients=[patient], category=category, channels=channels, require_verified=require_verified
    )[patient.pk]
