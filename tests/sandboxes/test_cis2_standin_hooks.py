"""The CIS2 stand-in's test hooks issue exactly the bad tokens a client's negative tests need."""

import jwt
import pytest
import requests

from .cis2_flow import SECRET_CLIENT_ID, sign_in, verify_with_jwks


def queue_next_id_token(standin, *mutations: str) -> None:
    response = requests.post(
        f"{standin.base_url}/_testing/next-id-token",
        json={"mutations": list(mutations)},
        timeout=5,
    )
    assert response.status_code == 200, response.text


def published_kids(standin) -> list[str]:
    jwks = requests.get(f"{standin.issuer}/connect/jwk_uri", timeout=5).json()
    return [key["kid"] for key in jwks["keys"]]


def test_next_id_token_hook_is_one_shot(standin, http, client_key):
    # Given
    queue_next_id_token(standin, "wrong_nonce")

    # When
    request, mutated = sign_in(http, standin, client_key)
    request_after, normal = sign_in(http, standin, client_key, prompt="login")

    # Then
    claims = verify_with_jwks(standin, mutated["id_token"], SECRET_CLIENT_ID)
    assert claims["nonce"] != request.nonce
    claims = verify_with_jwks(standin, normal["id_token"], SECRET_CLIENT_ID)
    assert claims["nonce"] == request_after.nonce


def test_unknown_kid_hook_signs_with_a_key_missing_from_the_jwks(standin, http, client_key):
    queue_next_id_token(standin, "unknown_kid")

    _, tokens = sign_in(http, standin, client_key)

    assert jwt.get_unverified_header(tokens["id_token"])["kid"] not in published_kids(standin)


def test_forged_signature_hook_uses_the_real_kid_with_another_key(standin, http, client_key):
    queue_next_id_token(standin, "forged_signature")

    _, tokens = sign_in(http, standin, client_key)

    assert jwt.get_unverified_header(tokens["id_token"])["kid"] in published_kids(standin)
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_jwks(standin, tokens["id_token"], SECRET_CLIENT_ID)


def test_alg_none_hook_issues_an_unsigned_token(standin, http, client_key):
    queue_next_id_token(standin, "alg_none")

    _, tokens = sign_in(http, standin, client_key)

    signature = tokens["id_token"].split(".")[2]
    assert jwt.get_unverified_header(tokens["id_token"])["alg"] == "none"
    assert signature == ""


@pytest.mark.parametrize(
    ("mutation", "error"),
    [
        ("wrong_issuer", jwt.InvalidIssuerError),
        ("wrong_audience", jwt.InvalidAudienceError),
        ("expired", jwt.ExpiredSignatureError),
    ],
)
def test_hooks_that_a_standard_jwt_check_must_catch(standin, http, client_key, mutation, error):
    queue_next_id_token(standin, mutation)

    _, tokens = sign_in(http, standin, client_key)

    with pytest.raises(error):
        verify_with_jwks(standin, tokens["id_token"], SECRET_CLIENT_ID)


@pytest.mark.parametrize(
    ("mutation", "claim", "expected"),
    [
        ("selected_role_not_held", "selected_roleid", "555199999999"),
        ("malformed_claims", "id_assurance_level", "three"),
        ("malformed_claims", "amr", "SCARD"),
    ],
)
def test_hooks_that_only_the_client_can_catch(standin, http, client_key, mutation, claim, expected):
    queue_next_id_token(standin, mutation)

    _, tokens = sign_in(http, standin, client_key)

    claims = verify_with_jwks(standin, tokens["id_token"], SECRET_CLIENT_ID)
    assert claims[claim] == expected


def test_stale_auth_time_hook(standin, http, client_key):
    queue_next_id_token(standin, "stale_auth_time")

    _, tokens = sign_in(http, standin, client_key)

    claims = verify_with_jwks(standin, tokens["id_token"], SECRET_CLIENT_ID)
    assert claims["iat"] - claims["auth_time"] >= 3600


def test_raw_claim_edits_are_applied(standin, http, client_key):
    standin.next_id_token(set_claims={"acr": "AAL1_USERPASS"}, remove_claims=["sid"])

    _, tokens = sign_in(http, standin, client_key)

    claims = verify_with_jwks(standin, tokens["id_token"], SECRET_CLIENT_ID)
    assert claims["acr"] == "AAL1_USERPASS"
    assert "sid" not in claims


def test_next_userinfo_hook_changes_sub_and_breaks_roles(standin, http, client_key):
    # Given
    _, tokens = sign_in(http, standin, client_key)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}

    # When
    standin.next_userinfo("sub_mismatch", "roles_not_a_list")
    mutated = http.get(f"{standin.issuer}/userinfo", headers=headers, timeout=5).json()
    normal = http.get(f"{standin.issuer}/userinfo", headers=headers, timeout=5).json()

    # Then
    assert mutated["sub"] != normal["sub"] == "555012345601"
    assert not isinstance(mutated["nhsid_nrbac_roles"], list)
    assert isinstance(normal["nhsid_nrbac_roles"], list)


def test_unknown_hook_mutation_is_refused_with_the_known_names(standin):
    response = requests.post(
        f"{standin.base_url}/_testing/next-id-token",
        json={"mutations": ["nonsense"]},
        timeout=5,
    )

    assert response.status_code == 400
    assert response.json()["error"].startswith("Unknown mutation(s) nonsense; known: alg_none, expired,")
