"""The authorization response's issuer (RFC 9207), what is logged when CIS2 refuses a token
request, and the signed-out page."""

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from audit.models import AuditEvent
from notifyadmin.accounts.cis2 import provider
from notifyadmin.accounts.models import Cis2Session

from .conftest import DESIGNER_UID


def _with(callback: str, **changes: str | None) -> str:
    parts = urlsplit(callback)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return f"{parts.path}?{urlencode(query)}"


def test_the_standin_names_its_issuer_in_the_authorization_response(journey, cis2):
    callback = journey.at_standin(journey.start(), uid=DESIGNER_UID)
    assert parse_qs(urlsplit(callback).query)["iss"] == [cis2.issuer]
    assert journey.client.get(callback).status_code == 302


@pytest.mark.parametrize(
    ("iss", "reason"),
    [("https://impostor.invalid/realm", "issuer_mismatch"), (None, "issuer_missing")],
)
def test_an_authorization_response_from_another_issuer_is_refused(journey, cis2, iss, reason):
    callback = journey.at_standin(journey.start(), uid=DESIGNER_UID)

    response = journey.client.get(_with(callback, iss=iss))

    assert response.status_code == 400
    assert "_auth_user_id" not in journey.client.session
    assert not Cis2Session.objects.exists()
    assert AuditEvent.objects.get(action="auth.cis2.sign_in.refused").details == {"reason": reason}


def test_a_missing_issuer_is_accepted_when_the_provider_does_not_advertise_it(journey, cis2, monkeypatch):
    metadata = dict(provider.provider_metadata())
    metadata.pop("authorization_response_iss_parameter_supported")
    monkeypatch.setattr(provider, "provider_metadata", lambda: metadata)
    callback = journey.at_standin(journey.start(), uid=DESIGNER_UID)

    assert journey.client.get(_with(callback, iss=None)).status_code == 302


def test_a_refused_token_request_logs_the_oauth_error_and_status_only(journey, cis2, caplog):
    first = journey.at_standin(journey.start(), uid=DESIGNER_UID)
    journey.client.get(first)
    journey.client.post("/accounts/sign-out/")
    new_state = parse_qs(urlsplit(journey.start()).query)["state"][0]
    old_code = parse_qs(urlsplit(first).query)["code"][0]

    with caplog.at_level(logging.WARNING, logger="notifyadmin.accounts.cis2.backend"):
        response = journey.client.get(_with(first, state=new_state))

    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == "notifyadmin.accounts.cis2.backend"]
    assert [r.getMessage() for r in records] == [
        "CIS2 refused a request during sign-in: HTTP 400, OAuth error invalid_grant"
    ]
    assert old_code not in caplog.text
    assert DESIGNER_UID not in caplog.text


def test_after_local_sign_out_the_page_says_you_have_signed_out(client_for):
    client = client_for("auditor")
    response = client.post("/accounts/sign-out/", follow=True)
    assert response.redirect_chain == [("/accounts/signed-out/", 302)]
    assert "<h1>You have signed out</h1>" in response.content.decode()
    assert client.get("/").status_code == 302


def test_after_cis2_sign_out_the_provider_returns_to_the_signed_out_page(journey, cis2):
    journey.sign_in(uid=DESIGNER_UID)
    location = journey.client.post("/accounts/sign-out/")["Location"]
    back = journey.http.get(location, allow_redirects=False).headers["Location"]
    assert back == "http://testserver/accounts/signed-out/"
    page = Client().get(urlsplit(back).path)
    assert "<h1>You have signed out</h1>" in page.content.decode()
    assert "Sign in with NHS Care Identity (CIS2)" in page.content.decode()
