"""Drive the stand-in's sign-in pages from code, as a tester's browser would (for integration tests).

    callback_url = sign_in_via_picker(http, authorize_url, uid="555012345601")

`authorize_url` is where the client sent the browser (its redirect to /authorize). The answer
is the client's redirect_uri with `code` and `state` (or `error`), not yet followed.
"""

import re
from urllib.parse import urljoin

import requests

REQUEST_ID = re.compile(r'name="request_id" value="([^"]+)"')
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')
TIMEOUT = 5


class PickerError(AssertionError):
    """The stand-in did not show the page the script expected."""


def sign_in_via_picker(
    http: requests.Session,
    authorize_url: str,
    *,
    uid: str,
    person_roleid: str | None = None,
) -> str:
    """Choose `uid` (and `person_roleid` when the person has several roles); return the redirect."""
    response = http.get(authorize_url, allow_redirects=False, timeout=TIMEOUT)
    if response.is_redirect:
        return urljoin(authorize_url, response.headers["Location"])  # an existing session signed straight in
    page = response.text
    form = {"request_id": _match(REQUEST_ID, page), "uid": uid, "action": "continue"}
    action = urljoin(authorize_url, _match(FORM_ACTION, page).replace("&amp;", "&"))
    response = http.post(action, data=form, allow_redirects=False, timeout=TIMEOUT)
    if not response.is_redirect and 'name="person_roleid"' in response.text:
        form.update(step="role", person_roleid=person_roleid or "")
        response = http.post(action, data=form, allow_redirects=False, timeout=TIMEOUT)
    if not response.is_redirect:
        raise PickerError(f"Expected a redirect back to the client, got HTTP {response.status_code}.")
    return urljoin(authorize_url, response.headers["Location"])


def _match(pattern: re.Pattern, page: str) -> str:
    found = pattern.search(page)
    if not found:
        raise PickerError(f"The stand-in page has no {pattern.pattern!r}; is this the sign-in page?")
    return found.group(1)
