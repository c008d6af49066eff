"""The Jinja2 environment for the app's pages, with the NHS.UK frontend macros."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_info
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from notifyadmin.accounts.roles import Permission, role_can
from notifyadmin.core.navigation import nav_items_for

LONDON = ZoneInfo("Europe/London")


def london_time(value: datetime | None, fmt: str = "%-d %b %Y, %H:%M") -> str:
    """Times are stored in UTC and shown in Europe/London."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value.astimezone(LONDON).strftime(fmt)


def may(request: Any, permission: str) -> bool:
    """Whether the role the person works in now grants `permission` (a Permission value), so
    a page shows a link only to those the page behind it admits. An unknown name is an error."""
    return role_can(getattr(request, "active_role", None), Permission(permission))


def language_name(code: str) -> str:
    """'cy' → 'Welsh'; a tag Django does not know is shown as it is."""
    try:
        return str(get_language_info(code)["name"])
    except KeyError:
        return code


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: Any) -> Environment:
    options["loader"] = ChoiceLoader([options["loader"], PackageLoader("nhsuk_frontend_jinja")])
    # The NHS.UK macros read optional nested parameters, which needs ChainableUndefined.
    options["undefined"] = ChainableUndefined
    options.setdefault("autoescape", True)
    env = Environment(**options)  # noqa: S701 - autoescape is on, set just above
    env.globals.update(
        static=static,
        url=url,
        nav_items_for=nav_items_for,
        may=may,
        get_messages=messages.get_messages,
        settings={"NOTIFY_ENVIRONMENT": settings.NOTIFY_ENVIRONMENT},
        # A folder, not a file: the manifest storage has no entry for it, so no static() here.
        asset_path=f"{settings.STATIC_URL}nhsuk/assets",
        nhsuk_css_path=f"nhsuk/nhsuk-frontend-{settings.NHSUK_FRONTEND_VERSION}.min.css",
    )
    env.filters["london"] = london_time
    env.filters["language_name"] = language_name
    env.filters["uk_phone"] = uk_phone
    return env


def uk_phone(value: str) -> str:
    """A UK mobile number as it is read out on the phone: +447400100111 -> 07400 100111."""
    digits = "0" + value[3:] if value.startswith("+44") else value
    return f"{digits[:5]} {digits[5:]}" if len(digits) == 11 and digits.isdigit() else value
