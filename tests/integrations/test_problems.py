"""Every API error is an RFC 9457 problem document with the correlation id: the app's own
refusals and the framework's (authentication, permission, method, media type, parse), and any
unmatched path under /api/v1/."""

import pytest
from django.test import Client

from notifyadmin.core.api import MAX_JSON_DEPTH, json_depth
from tests.integrations.helpers import PROBLEM, issue_key

pytestmark = pytest.mark.django_db
LOOKUP = "/api/v1/preferences/patients/lookup/"
FIELDS = {"type", "title", "status", "detail", "instance", "correlation_id"}


@pytest.fixture
def api(organisation):
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_key(organisation)}")


def _problem(response, status):
    assert (response.status_code, response["Content-Type"]) == (status, PROBLEM)
    body = response.json()
    assert set(body) >= FIELDS
    assert body["status"] == status
    assert body["correlation_id"] == response["X-Correlation-ID"]
    return body


def test_an_unmatched_api_path_is_a_404_problem_not_a_page():
    body = _problem(Client().get("/api/v1/no-such-thing/9990000018"), 404)
    assert (body["detail"], body["instance"]) == (
        "No API endpoint at this address.",
        "/api/v1/no-such-thing/9990000018",
    )
    assert body["type"] == "urn:notifyadmin:problem:not-found"


def test_validation_problems_name_each_field(api):
    body = _problem(api.post(LOOKUP, {"nhs_number": "12", "patient_id": "x"}, content_type="application/json"), 400)
    assert body["type"] == "urn:notifyadmin:problem:validation-error"
    assert body["errors"] == {
        "nhs_number": ["Enter an NHS number of 10 digits (0 to 9)."],
        "patient_id": ["Send a valid patient_id."],
    }


def test_nested_validation_problems_are_named_by_path(api, organisation):
    from tests.preferences.factories import make_patient

    patient = make_patient(organisation=organisation)
    response = api.post(
        f"/api/v1/preferences/patients/{patient.id}/changes/",
        {"reason": "r", "preferences": [{"category": "nope", "channel": "sms", "allowed": True}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert _problem(response, 400)["errors"] == {"preferences[0].category": ["Choose a valid category."]}


def test_exactly_one_of_nhs_number_or_patient_id(api):
    body = _problem(api.post(LOOKUP, {}, content_type="application/json"), 400)
    assert body["errors"] == {"": ["Send either nhs_number or patient_id, not both."]}


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", "reason=x&no_non_essential="),
        (
            "multipart/form-data; boundary=B",
            '--B\r\nContent-Disposition: form-data; name="reason"\r\n\r\nx\r\n--B--\r\n',
        ),
        ("text/plain", "{}"),
    ],
)
def test_only_json_bodies_are_accepted(api, content_type, data):
    body = _problem(api.post(LOOKUP, data, content_type=content_type), 415)
    assert body["type"] == "urn:notifyadmin:problem:unsupported-media-type"


def test_json_nested_fifty_thousand_deep_is_a_400_problem(api):
    body = _problem(api.post(LOOKUP, "[" * 50_000 + "]" * 50_000, content_type="application/json"), 400)
    assert body["detail"] == f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert json_depth('{"a": "[[[[{{{{", "b": [1, {"c": "\\"]]]"}]}') == 3


@pytest.mark.parametrize("data", ["{", "NaN", '{"nhs_number": Infinity}', b"\xff\xfe"])
def test_malformed_json_is_a_400_problem(api, data):
    assert _problem(api.post(LOOKUP, data, content_type="application/json"), 400)["type"] == (
        "urn:notifyadmin:problem:bad-request"
    )


def test_a_body_over_the_limit_is_a_413_problem(api):
    _problem(api.post(LOOKUP, '{"nhs_number": "' + "9" * 1_000_001 + '"}', content_type="application/json"), 413)


def test_a_method_not_allowed_is_a_405_problem(api):
    _problem(api.delete(LOOKUP), 405)


def test_authentication_and_permission_problems(organisation):
    _problem(Client().post(LOOKUP, {}, content_type="application/json"), 401)
    key = issue_key(organisation, client_id="events", permissions=("template.api",))
    _problem(Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(LOOKUP, {}, content_type="application/json"), 403)


def test_an_unexpected_error_is_a_500_problem_without_the_request_in_the_log(api, monkeypatch, caplog):
    from preferences.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "_find", broken)
    body = _problem(
        api.post(LOOKUP + "?nhs_number=9990000018", {"nhs_number": "9990000018"}, content_type="application/json"), 500
    )
    assert body["detail"] == "The error has been logged. Try again later, quoting the correlation id."
    assert "9990000018" not in caplog.text


def test_a_post_to_an_unmatched_api_path_is_a_404_problem_not_a_csrf_page(organisation):
    # A patient id that is not a UUID does not match the route (found by schemathesis).
    api = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {issue_key(organisation)}")
    response = api.post("/api/v1/preferences/patients/null,null/changes/", {}, content_type="application/json")
    assert _problem(response, 404)["detail"] == "No API endpoint at this address."


def test_an_accept_header_the_api_cannot_meet_is_a_406_problem(api):
    response = api.post(LOOKUP, {"nhs_number": "9990000018"}, content_type="application/json", HTTP_ACCEPT="text/html")
    _problem(response, 406)


NUL_DETAIL = "The JSON body contains a NUL character (\\u0000), which cannot be stored."


@pytest.mark.parametrize(
    "body",
    ['{"reason": "a\\u0000b"}', '{"reason\\u0000": "x"}', '{"nested": [{"deep": ["ok", "\\u0000"]}]}'],
)
def test_a_nul_character_anywhere_in_a_json_body_is_a_400_problem(api, body):
    problem = _problem(api.post(LOOKUP, body, content_type="application/json"), 400)
    assert problem["detail"] == NUL_DETAIL


def test_an_escaped_backslash_before_u0000_is_not_a_nul_character(api):
    # The text \u0000 written as a backslash and five characters is ordinary text.
    problem = _problem(api.post(LOOKUP, '{"reason": "\\\\u0000"}', content_type="application/json"), 400)
    assert problem["detail"] != NUL_DETAIL
