"""What operations see of the send pipeline, read-only: kill switches in force, messages by
status today, the oldest queued message, batches waiting to be sent again, and the circuit
breaker of each provider (registered as a home panel from SendingConfig.ready).

Rules: counts are the acting organisation's only; "today" is the UK day (Europe/London);
the circuit breaker is shared by every organisation, so it is shown as it is.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from notifyadmin.accounts.access import requires
from notifyadmin.accounts.actors import actor_of
from notifyadmin.accounts.roles import Permission
from notifyadmin.core.actor import Actor
from notifyadmin.core.jinja import LONDON, london_time
from notifyadmin.core.registry import HomeItem
from notifyadmin.sending.models import KillSwitch, Message, OutboundBatch, ProviderState
from notifyadmin.sending.status import MessageStatus

PROVIDER_LABELS = {"nhs_notify": "NHS Notify"}


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class Breaker:
    provider: str
    label: str
    state: str  # "closed", "open" or "probing"
    description: str


@dataclass(frozen=True)
class PipelineState:
    kill_switches: list[KillSwitch]
    today: list[StatusCount]
    today_total: int
    oldest_queued_at: dt.datetime | None
    oldest_queued_age: str
    batches_waiting: int
    breakers: list[Breaker]


def duration_text(seconds: float) -> str:
    """'less than a minute', '1 minute', '3 hours 5 minutes', '2 days 4 hours'."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    days, hours, minutes = minutes // 1440, (minutes // 60) % 24, minutes % 60

    def unit(value: int, name: str) -> str:
        return f"{value} {name}" + ("" if value == 1 else "s")

    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    return unit(minutes, "minute")


def _start_of_uk_day(now: dt.datetime) -> dt.datetime:
    local = now.astimezone(LONDON)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def breaker_of(state: ProviderState | None, provider: str, *, now: dt.datetime) -> Breaker:
    """Closed: sending as usual. Open: no sending until the cool-off passes. Probing: the
    cool-off has passed and the next request is a probe; a failure opens it again."""
    label = PROVIDER_LABELS.get(provider, provider)
    if state is None or state.opened_at is None:
        failures = 0 if state is None else state.consecutive_failures
        note = f" {failures} failed request{'s' if failures != 1 else ''} in a row so far." if failures else ""
        return Breaker(provider, label, "closed", "Closed: messages are being sent as usual." + note)
    cool_off = dt.timedelta(seconds=settings.CIRCUIT_COOL_OFF_SECONDS)
    opened = london_time(state.opened_at, "%-d %B %Y at %H:%M:%S")
    why = f"after {state.consecutive_failures} failed requests in a row"
    if now - state.opened_at < cool_off:
        return Breaker(
            provider,
            label,
            "open",
            f"Open since {opened}, {why}. Nothing is sent to {label} until "
            f"{london_time(state.opened_at + cool_off, '%H:%M:%S')}; then one request is tried.",
        )
    return Breaker(
        provider,
        label,
        "probing",
        f"Opened at {opened}, {why}. The wait is over: the next request is a trial, and "
        "it closes again if that request succeeds.",
    )


def pipeline_state(*, actor: Actor, now: dt.datetime | None = None) -> PipelineState:
    actor.require(Permission.SEND_PIPELINE_VIEW)
    now = now or timezone.now()
    organisation = actor.acting_organisation
    messages = Message.objects.filter(organisation=organisation)
    counts = dict(
        messages.filter(created_at__gte=_start_of_uk_day(now))
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    today = [StatusCount(status.value, status.label, counts.get(status.value, 0)) for status in MessageStatus]
    oldest = messages.filter(status=MessageStatus.QUEUED).aggregate(oldest=Min("status_changed_at"))["oldest"]
    batches_waiting = OutboundBatch.objects.filter(
        organisation=organisation, status=OutboundBatch.Status.UNKNOWN
    ).count()
    states = {state.provider: state for state in ProviderState.objects.all()}
    providers = sorted(set(PROVIDER_LABELS) | set(states))
    return PipelineState(
        kill_switches=list(
            KillSwitch.objects.filter(organisation=organisation, cleared_at__isnull=True)
            .select_related("template", "set_by")
            .order_by("-set_at")
        ),
        today=today,
        today_total=sum(item.count for item in today),
        oldest_queued_at=oldest,
        oldest_queued_age=duration_text((now - oldest).total_seconds()) if oldest else "",
        batches_waiting=batches_waiting,
        breakers=[breaker_of(states.get(provider), provider, now=now) for provider in providers],
    )


def operations_home_items(actor: Actor) -> list[HomeItem]:
    """The home panel: what is stopped, what is stuck and the breaker, each linking to where it
    is handled. Empty (the panel says so) when everything is running as usual."""
    state = pipeline_state(actor=actor)
    overview = reverse("sending:operations")
    items = [
        HomeItem(
            text=f"Sending stopped for {'‘' + switch.template.name + '’' if switch.template else 'your organisation'}",
            href=reverse("sending:kill-switch-list"),
            note=f"by {switch.set_by.display_name}, {london_time(switch.set_at)}: {switch.reason}",
        )
        for switch in state.kill_switches
    ]
    items += [
        HomeItem(
            text=f"Sending to {breaker.label} is paused after failed requests", href=overview, note=breaker.description
        )
        for breaker in state.breakers
        if breaker.state != "closed"
    ]
    if state.batches_waiting:
        plural = "es" if state.batches_waiting != 1 else ""
        items.append(HomeItem(text=f"{state.batches_waiting} batch{plural} waiting to be sent again", href=overview))
    if state.oldest_queued_at is not None:
        items.append(HomeItem(text="Messages queued", href=overview, note=f"oldest {state.oldest_queued_age} ago"))
    return items


@requires(Permission.SEND_PIPELINE_VIEW)
@require_GET
def operations_view(request: HttpRequest) -> HttpResponse:
    context = {
        "state": pipeline_state(actor=actor_of(request)),
        "failure_threshold": settings.CIRCUIT_FAILURE_THRESHOLD,
        "cool_off": duration_text(settings.CIRCUIT_COOL_OFF_SECONDS)
        if settings.CIRCUIT_COOL_OFF_SECONDS >= 60
        else f"{int(settings.CIRCUIT_COOL_OFF_SECONDS)} seconds",
    }
    return render(request, "sending/operations.jinja", context)
