"""NHS Notify's JSON:API error bodies, word for word.

Codes, titles, details and sources are those of the published API gateway (its Apigee
RaiseFault policies and validation scripts), checked against the OpenAPI response schemas.
Where the two disagree the schema wins, because clients validate against it:
- a missing routing plan points at /data/attributes/routingPlan (the gateway says routingPlanId);
- CM_ROUTING_PLAN_DUPLICATE_TEMPLATES has no `meta.duplicateTemplates` (the schema forbids it).

`status` is a string, as the specification requires. Each error's `id` is the request's
gateway message id with the error's index appended, as the real gateway does.
"""

from dataclasses import dataclass, field

ABOUT = "https://digital.nhs.uk/developer/api-catalogue/nhs-notify"
NHS_NUMBER_ABOUT = "https://www.datadictionary.nhs.uk/attributes/nhs_number.html"
MAX_VALIDATION_ERRORS = 100

# Retry-After values of the real service: the sandbox's 429 says 5, a spike arrest 1, a quota 60;
# 425 always 300; 503 at least 5.
RETRY_AFTER_429 = 5
RETRY_AFTER_425 = 300
RETRY_AFTER_503 = 5
QUOTA_DETAIL = (
    "You have made too many requests. Re-send the request after the time (in seconds) specified `Retry-After` header."
)


@dataclass
class ApiError:
    """One JSON:API error; `source` is {"pointer": ...} or {"header": ...} or absent."""

    http_status: int
    code: str
    title: str
    detail: str
    source: dict[str, str] | None = None
    links: dict[str, str] = field(default_factory=dict)

    def as_json(self, request_id: str, index: int) -> dict:
        body: dict = {
            "id": f"{request_id}.{index}",
            "code": self.code,
            "links": {"about": ABOUT, **self.links},
            "status": str(self.http_status),
            "title": self.title,
            "detail": self.detail,
        }
        if self.source is not None:
            body["source"] = self.source
        return body


class ApiFailure(Exception):
    """Raised inside a handler to answer with these errors (the first one's status) and headers."""

    def __init__(self, *errors: ApiError, headers: dict[str, str] | None = None) -> None:
        super().__init__(errors[0].code)
        self.errors = list(errors)[:MAX_VALIDATION_ERRORS]
        self.headers = headers or {}

    @property
    def status(self) -> int:
        return self.errors[0].http_status


def _pointer(pointer: str) -> dict[str, str]:
    return {"pointer": pointer}


# Validation (400), as the gateway's validation scripts build them.
def missing(pointer: str) -> ApiError:
    return ApiError(
        400,
        "CM_MISSING_VALUE",
        "Missing property",
        "The property at the specified location is required, but was not present in the request.",
        _pointer(pointer),
    )


def null(pointer: str) -> ApiError:
    return ApiError(
        400,
        "CM_NULL_VALUE",
        "Property cannot be null",
        "The property at the specified location is required, but a null value was passed in the request.",
        _pointer(pointer),
    )


def invalid(pointer: str) -> ApiError:
    return ApiError(
        400,
        "CM_INVALID_VALUE",
        "Invalid value",
        "The property at the specified location does not allow this value.",
        _pointer(pointer),
    )


def duplicate_value(pointer: str) -> ApiError:
    return ApiError(
        400,
        "CM_DUPLICATE_VALUE",
        "Duplicate value",
        "The property at the specified location is a duplicate, duplicated values are not allowed.",
        _pointer(pointer),
    )


def too_few_items(pointer: str) -> ApiError:
    return ApiError(
        400,
        "CM_TOO_FEW_ITEMS",
        "Too few items",
        "The property at the specified location contains too few items.",
        _pointer(pointer),
    )


def too_many_items(pointer: str) -> ApiError:
    return ApiError(
        413,
        "CM_TOO_MANY_ITEMS",
        "Too many items",
        "The property at the specified location contains too many items.",
        _pointer(pointer),
    )


def invalid_nhs_number(pointer: str) -> ApiError:
    return ApiError(
        400,
        "CM_INVALID_NHS_NUMBER",
        "Invalid nhs number",
        "The value provided in this nhsNumber field is not a valid NHS number.",
        _pointer(pointer),
        {"nhsNumbers": NHS_NUMBER_ABOUT},
    )


def ods_code_required(pointer: str) -> ApiError:
    return ApiError(
        400,
        "CM_ODS_CODE_REQUIRED",
        "Originator odsCode must be provided",
        "An originator with odsCode must be provided, as your account does not have a default ODS code.",
        _pointer(pointer),
    )


def cannot_set_ods_code(pointer: str) -> ApiError:
    return ApiError(
        400,
        "CM_CANNOT_SET_ODS_CODE",
        "Cannot set ODS code",
        "Your account is not permitted to set originator ODS codes.",
        _pointer(pointer),
    )


def cannot_set_contact_details(pointer: str) -> ApiError:
    # Documented in the 400 descriptions but missing from the ErrorCode enum of the schema.
    return ApiError(
        400,
        "CM_CANNOT_SET_CONTACT_DETAILS",
        "Cannot set contact details",
        "Client is not allowed to provide alternative contact details.",
        _pointer(pointer),
    )


# Gateway and service errors, one per status.
def denied() -> ApiError:
    return ApiError(
        401,
        "CM_DENIED",
        "Access denied",
        "Access token missing, invalid or expired, or calling application not configured for this operation.",
        {"header": "Authorization"},
    )


def forbidden() -> ApiError:
    return ApiError(
        403, "CM_FORBIDDEN", "Forbidden", "Client not recognised or not yet onboarded.", {"header": "Authorization"}
    )


def service_ban() -> ApiError:
    return ApiError(
        403,
        "CM_SERVICE_BAN",
        "Service ban in effect",
        "A service ban is in effect on your account.",
        {"header": "Authorization"},
    )


def not_found(detail: str = "The resource at the requested URI was not found.") -> ApiError:
    return ApiError(404, "CM_NOT_FOUND", "Resource not found", detail)


def no_such_routing_plan() -> ApiError:
    return ApiError(
        404,
        "CM_NO_SUCH_ROUTING_PLAN",
        "No such routing plan",
        "The routing plan specified either does not exist or is not in a usable state.",
        _pointer("/data/attributes/routingPlan"),
    )


def not_allowed() -> ApiError:
    return ApiError(405, "CM_NOT_ALLOWED", "Method not allowed", "The method at the requested URI was not allowed.")


def not_acceptable() -> ApiError:
    return ApiError(
        406,
        "CM_NOT_ACCEPTABLE",
        "Not acceptable",
        "This service can only generate application/vnd.api+json or application/json.",
        {"header": "Accept"},
    )


def request_timeout() -> ApiError:
    return ApiError(
        408,
        "CM_TIMEOUT",
        "Request timeout",
        "The service was unable to receive your request within the timeout period.",
    )


def too_large() -> ApiError:
    return ApiError(
        413, "CM_TOO_LARGE", "Request too large", "Request message was larger than the service limit", _pointer("/")
    )


def unsupported_media() -> ApiError:
    return ApiError(
        415,
        "CM_UNSUPPORTED_MEDIA",
        "Unsupported media",
        "Invalid content-type, this API only supports application/vnd.api+json or application/json.",
        {"header": "Content-Type"},
    )


def duplicate_message_request(pointer: str = "/data/attributes/messageReference") -> ApiError:
    return ApiError(
        422,
        "CM_DUPLICATE_REQUEST",
        "Duplicate message request",
        "Request exists with identical messageReference",
        _pointer(pointer),
    )


def duplicate_batch_request() -> ApiError:
    return ApiError(
        422,
        "CM_DUPLICATE_REQUEST",
        "Duplicate batch request",
        "Request exists with identical messageBatchReference",
        _pointer("/data/attributes/messageBatchReference"),
    )


def retry_too_early() -> ApiError:
    return ApiError(
        425,
        "CM_RETRY_TOO_EARLY",
        "Retried too early",
        "You have retried this request too early, the previous request is still being processed. "
        "Re-send the request after the time (in seconds) specified `Retry-After` header.",
    )


def quota(detail: str | None = None) -> ApiError:
    return ApiError(
        429,
        "CM_QUOTA",
        "Too many requests",
        detail or QUOTA_DETAIL,
    )


def internal_error() -> ApiError:
    return ApiError(
        500,
        "CM_INTERNAL_SERVER_ERROR",
        "Error processing request",
        "There was an internal error whilst processing this request.",
    )


def missing_templates() -> ApiError:
    return ApiError(
        500,
        "CM_MISSING_ROUTING_PLAN_TEMPLATE",
        "Templates missing",
        "The templates required to use the routing plan were not found.",
        _pointer("/data/attributes/routingPlanId"),
    )


def duplicate_templates() -> ApiError:
    return ApiError(
        500,
        "CM_ROUTING_PLAN_DUPLICATE_TEMPLATES",
        "Duplicate templates",
        "The routing plan specified contains duplicate templates.",
        _pointer("/data/attributes/routingPlanId"),
    )


def bad_gateway() -> ApiError:
    return ApiError(502, "CM_BAD_GATEWAY", "Unable to call service", "A downstream service is not responding.")


def service_unavailable() -> ApiError:
    return ApiError(
        503,
        "CM_SERVICE_UNAVAILABLE",
        "The service is currently unavailable",
        "The service is currently not able to process this request, try again later.",
    )


def gateway_timeout() -> ApiError:
    return ApiError(
        504,
        "CM_TIMEOUT",
        "Unable to call service",
        "The downstream service has not responded within the configured timeout period.",
    )


def invalid_request(detail: str) -> ApiError:
    """GET /channels/nhsapp/accounts: `Missing ODS Code` or `Invalid ODS Code`."""
    return ApiError(400, "CM_INVALID_REQUEST", "Invalid Request", detail)


def failure_with_retry_after(error: ApiError) -> ApiFailure:
    """The error with the Retry-After header the real service sends with it, if any."""
    retry_after = {425: RETRY_AFTER_425, 429: RETRY_AFTER_429, 503: RETRY_AFTER_503}.get(error.http_status)
    return ApiFailure(error, headers={"Retry-After": str(retry_after)} if retry_after else None)


# `Prefer: code=...` values the published sandbox honours, in the order its gateway checks them
# (before content negotiation), and 429 (checked after it).
PREFER_BEFORE_NEGOTIATION = {
    "code=408": request_timeout,
    "code=504": gateway_timeout,
    "code=503": service_unavailable,
    "code=500": internal_error,
    "code=401": denied,
    "code=403": forbidden,
    "code=403.1": service_ban,
    "code=425": retry_too_early,
    "code=422_batch": duplicate_batch_request,
    "code=422_message": duplicate_message_request,
    "code=422": duplicate_message_request,
    # Documented for the sandbox in the specification's 404 and 502 descriptions.
    "code=404": not_found,
    "code=502": bad_gateway,
}
PREFER_AFTER_NEGOTIATION = {"code=429": quota}
