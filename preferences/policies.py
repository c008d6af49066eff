"""Category policies: lawful basis, whether the category is critical, and default channels.

An organisation may override a category with a CategoryPolicy row; otherwise DEFAULT_POLICIES
apply. Critical categories must keep at least one channel open and are not affected by the
patient's "no non-essential messages" switch; every other category is non-essential.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from notifyadmin.core.channels import DEFAULT_CHANNEL_ORDER as _KERNEL_ORDER
from notifyadmin.core.channels import Channel
from preferences.models import Category, CategoryPolicy, LawfulBasis

if TYPE_CHECKING:
    from notifyadmin.accounts.models import Organisation

ALL_ON = {channel.value: True for channel in Channel}
ALL_OFF = {channel.value: False for channel in Channel}
DEFAULT_CHANNEL_ORDER = list(_KERNEL_ORDER)


@dataclass(frozen=True)
class Policy:
    category: str
    label: str
    lawful_basis: str
    is_critical: bool
    defaults: dict[str, bool]

    def default_for(self, channel: str) -> bool:
        # Explicit consent means off until the patient gives it, whatever the defaults say.
        if self.lawful_basis == LawfulBasis.EXPLICIT_CONSENT:
            return False
        return bool(self.defaults.get(channel, True))


def _policy(category: Category, basis: LawfulBasis, *, critical: bool, defaults: dict[str, bool]) -> Policy:
    return Policy(category.value, str(category.label), basis.value, critical, defaults)


DEFAULT_POLICIES: dict[str, Policy] = {
    policy.category: policy
    for policy in (
        _policy(Category.APPOINTMENTS, LawfulBasis.LEGITIMATE_INTEREST, critical=True, defaults=ALL_ON),
        _policy(Category.TEST_RESULTS, LawfulBasis.LEGITIMATE_INTEREST, critical=True, defaults=ALL_ON),
        _policy(Category.SCREENING, LawfulBasis.LEGITIMATE_INTEREST, critical=True, defaults=ALL_ON),
        _policy(Category.PRESCRIPTIONS, LawfulBasis.LEGITIMATE_INTEREST, critical=False, defaults=ALL_ON),
        _policy(
            Category.SERVICE_UPDATES,
            LawfulBasis.LEGITIMATE_INTEREST,
            critical=False,
            defaults={**ALL_ON, Channel.LETTER.value: False},
        ),
        _policy(Category.CAMPAIGNS_SURVEYS, LawfulBasis.EXPLICIT_CONSENT, critical=False, defaults=ALL_OFF),
    )
}


def category_policies(*, organisation: Organisation) -> dict[str, Policy]:
    """Every category's policy for the organisation, in display order."""
    overrides = {row.category: row for row in CategoryPolicy.objects.filter(organisation=organisation)}
    return _with_overrides(overrides)


def category_policies_for(*, organisation_ids: Iterable[Any]) -> dict[Any, dict[str, Policy]]:
    """{organisation id: every category's policy} for several organisations, in one query."""
    ids = set(organisation_ids)
    overrides: dict[Any, dict[str, CategoryPolicy]] = {pk: {} for pk in ids}
    for row in CategoryPolicy.objects.filter(organisation_id__in=ids):
        overrides[row.organisation_id][row.category] = row
    return {pk: _with_overrides(rows) for pk, rows in overrides.items()}


def _with_overrides(overrides: dict[str, CategoryPolicy]) -> dict[str, Policy]:
    policies = {}
    for category in Category:
        row = overrides.get(category.value)
        if row is None:
            policies[category.value] = DEFAULT_POLICIES[category.value]
        else:
            policies[category.value] = Policy(
                category.value,
                str(category.label),
                row.lawful_basis,
                row.is_critical,
                {**ALL_ON, **row.channel_defaults},
            )
    return policies
