"""Helpers the template pages share."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from notifyadmin.accounts.actors import actor_of
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import InvalidInput, TransitionRefused
from templates_app import selectors
from templates_app.models import TemplateVersion


def act_on_version(
    request: HttpRequest,
    template_id: Any,
    version_id: Any,
    act: Callable[[Actor, TemplateVersion], object],
    success: Callable[[TemplateVersion], str],
) -> HttpResponse:
    """A one-button transition: do it, say what happened (or why not), back to the version."""
    actor = actor_of(request)
    version = selectors.version_get(actor=actor, template_id=template_id, version_id=version_id)
    try:
        act(actor, version)
    except TransitionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success(version))
    return redirect("templates_app:version-detail", version.template_id, version.id)


def errors_onto(form: Any, error: InvalidInput) -> None:
    """Put a service's field-by-field refusal onto the form (unknown fields onto the form itself)."""
    for name, problems in error.errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


def page_links(request: HttpRequest, page: Any, *, label: str, param: str = "page") -> dict[str, str]:
    """Previous/next links for the NHS.UK pagination component, keeping the other parameters."""

    def url(number: int) -> str:
        query = {key: request.GET[key] for key in request.GET}
        query[param] = str(number)
        return "?" + urlencode(sorted(query.items()))

    links: dict[str, str] = {"ariaLabel": label}
    if page.has_previous():
        links["previousUrl"] = url(page.previous_page_number())
        links["previousPage"] = f"Page {page.previous_page_number()} of {page.paginator.num_pages}"
    if page.has_next():
        links["nextUrl"] = url(page.next_page_number())
        links["nextPage"] = f"Page {page.next_page_number()} of {page.paginator.num_pages}"
    return links
