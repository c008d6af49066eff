"""Helpers the template pages share."""

from typing import Any

from django.http import HttpRequest
from django.utils.http import urlencode

from notifyadmin.core.errors import InvalidInput


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
