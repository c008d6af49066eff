"""GET /channels/nhsapp/accounts?ods-organisation-code=X&page=N: NHS App users at a GP practice.

As the published sandbox: the ODS code is required (400 CM_INVALID_REQUEST "Missing ODS Code")
and must look like one (letter + 5 digits, or letter-digit-letter-digit-letter, or X26;
otherwise "Invalid ODS Code"); T00404 has no report (404), T00429 is rate limited (429),
T00502 fails downstream (502); T00001 has several pages. Any other code has one page: the
catalogue's test patients who have an NHS App account. A page past the last, or one that is not
a positive integer, is 404.

The published sandbox says "Report not found" in its 404s (and answers 400 for a bad page
number), but the endpoint's 404 in the specification refers to the generic NotFound schema,
whose only allowed detail is "The resource at the requested URI was not found.": this sandbox
follows the specification, which is what clients validate against.
"""

import re

from notifyadmin.core.safe_recipients import SAFE_PATIENTS, Outcome
from notifyadmin.sandboxes.nhs_notify import errors
from notifyadmin.sandboxes.nhs_notify.errors import ApiFailure

ODS_CODE = re.compile(r"^[A-Za-z]\d{5}$|^[A-Za-z]\d[A-Za-z]\d[A-Za-z]$")
PAGINATED_ODS_CODE = "T00001"
PAGINATED_PAGES = 3
PAGE_SIZE = 3


def _accounts() -> list[dict]:
    return [
        {"nhsNumber": patient.nhs_number, "notificationsEnabled": patient.nhsapp != Outcome.UNREAD}
        for patient in SAFE_PATIENTS
        if patient.nhsapp != Outcome.NO_NHSAPP_ACCOUNT and patient.pds is None
    ]


def accounts_page(query: dict[str, str], url: str) -> dict:
    ods_code = (query.get("ods-organisation-code") or "").strip().upper()
    if not ods_code:
        raise ApiFailure(errors.invalid_request("Missing ODS Code"))
    if ods_code == "T00502":
        raise ApiFailure(errors.bad_gateway())
    if ods_code == "T00404":
        raise ApiFailure(errors.not_found())
    if ods_code == "T00429":
        raise errors.failure_with_retry_after(
            errors.quota("This endpoint is currently receiving a high volume of requests and is being rate limited.")
        )
    if not ODS_CODE.match(ods_code) and ods_code != "X26":
        raise ApiFailure(errors.invalid_request("Invalid ODS Code"))
    raw_page = query.get("page") or "1"
    page = int(raw_page) if raw_page.isascii() and raw_page.isdigit() else 0
    accounts = _accounts()
    last = PAGINATED_PAGES if ods_code == PAGINATED_ODS_CODE else 1
    if not 1 <= page <= last:
        raise ApiFailure(errors.not_found())
    if ods_code == PAGINATED_ODS_CODE:
        accounts = accounts[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    links = {
        "last": f"{url}?ods-organisation-code={ods_code}&page={last}",
        "self": f"{url}?ods-organisation-code={ods_code}&page={page}",
    }
    if page < last:
        links["next"] = f"{url}?ods-organisation-code={ods_code}&page={page + 1}"
    return {"data": {"type": "NhsAppAccounts", "id": ods_code, "attributes": {"accounts": accounts}}, "links": links}
