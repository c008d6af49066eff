"""Test hooks: deliberately wrong tokens, so the client's negative tests meet real bad input.

A hook is a one-shot "mutation": a list of named changes plus optional raw claim edits
(`set_claims`, `remove_claims`). The next ID token (or userinfo answer) the stand-in issues
carries it, then it is gone. Back-channel logout mutations are given per trigger instead.
Names and what they do are listed below; the README shows the HTTP calls.
"""

import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

ClaimChange = Callable[[dict, int], dict]

IMPOSTOR_ISSUER = "https://impostor.invalid/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare"
ROLE_NOT_HELD = "555199999999"

# Changes to the signature rather than the claims.
SIGNING_VARIANTS = {
    "unknown_kid": "signed with a fresh key whose kid is not in the JWKS",
    "forged_signature": "signed with a fresh key but labelled with the real signing kid",
    "alg_none": "not signed at all: header alg none, empty signature",
}

ID_TOKEN_MUTATIONS: dict[str, str] = {
    **SIGNING_VARIANTS,
    "wrong_issuer": "iss is another issuer",
    "wrong_audience": "aud is another client",
    "expired": "exp one hour ago, iat one token lifetime before that",
    "wrong_nonce": "nonce differs from the one sent to /authorize",
    "stale_auth_time": "auth_time one hour before the token was issued",
    "selected_role_not_held": "selected_roleid names a role the person does not hold",
    "malformed_claims": "assurance levels are strings, amr is not a list, selected_roleid a number",
}

USERINFO_MUTATIONS: dict[str, str] = {
    "sub_mismatch": "sub differs from the ID token's sub",
    "roles_not_a_list": "nhsid_nrbac_roles is an object, not a list",
    "roles_malformed": "each nhsid_nrbac_roles entry lacks role_code and person_roleid",
}

LOGOUT_MUTATIONS: dict[str, str] = {
    **SIGNING_VARIANTS,
    "replay": "a genuine logout token, POSTed twice",
    "with_nonce": "the logout token carries a nonce (forbidden)",
    "wrong_audience": "aud is another client",
    "expired": "exp one hour ago, iat one token lifetime before that",
    "missing_events": "no events claim",
}

# Claim changes shared by every token type that lists the name; each returns claims to set.
CLAIM_CHANGES: dict[str, ClaimChange] = {
    "wrong_issuer": lambda claims, now: {"iss": IMPOSTOR_ISSUER},
    "wrong_audience": lambda claims, now: {"aud": "some-other-client"},
    "wrong_nonce": lambda claims, now: {"nonce": secrets.token_urlsafe(16)},
    "stale_auth_time": lambda claims, now: {"auth_time": now - 3600},
    "selected_role_not_held": lambda claims, now: {"selected_roleid": ROLE_NOT_HELD},
    "malformed_claims": lambda claims, now: {
        "id_assurance_level": "three",
        "authentication_assurance_level": "three",
        "amr": "SCARD",
        "selected_roleid": 555134560101,
    },
    "sub_mismatch": lambda claims, now: {"sub": "555099999999"},
    "roles_not_a_list": lambda claims, now: {"nhsid_nrbac_roles": {"role_code": "S8001:G8005:R5001"}},
    "roles_malformed": lambda claims, now: {
        "nhsid_nrbac_roles": [
            {k: v for k, v in role.items() if k not in ("role_code", "person_roleid")}
            for role in claims.get("nhsid_nrbac_roles", [{"role_name": "Unknown"}])
        ]
    },
    "with_nonce": lambda claims, now: {"nonce": secrets.token_urlsafe(16)},
}


def _expired(claims: dict, now: int) -> dict:
    lifetime = claims.get("exp", now) - claims.get("iat", now)
    expired_at = now - 3600
    return {"iat": expired_at - lifetime, "exp": expired_at}


CLAIM_CHANGES["expired"] = _expired


class HookError(ValueError):
    """A hook request names something the stand-in does not know."""


@dataclass(frozen=True)
class Mutation:
    names: tuple[str, ...] = ()
    set_claims: Mapping = field(default_factory=dict)
    remove_claims: tuple[str, ...] = ()

    @property
    def signing(self) -> str:
        """Which signature to apply: one of SIGNING_VARIANTS, or 'genuine'."""
        return next((name for name in self.names if name in SIGNING_VARIANTS), "genuine")

    def apply(self, claims: dict, now: int) -> dict:
        changed = dict(claims)
        for name in self.names:
            change = CLAIM_CHANGES.get(name)
            if change:
                changed.update(change(changed, now))
        if "missing_events" in self.names:
            changed.pop("events", None)
        changed.update(self.set_claims)
        for claim in self.remove_claims:
            changed.pop(claim, None)
        return changed


NO_MUTATION = Mutation()


def mutation_parse(data: object, allowed: Mapping[str, str]) -> Mutation:
    """Read `{"mutations": [...], "set_claims": {...}, "remove_claims": [...]}` ("mutation": "x" also works)."""
    if not isinstance(data, dict):
        raise HookError("Send a JSON object.")
    unexpected = set(data) - {"mutation", "mutations", "set_claims", "remove_claims"}
    if unexpected:
        raise HookError(
            f"Unexpected field(s) {', '.join(sorted(unexpected))}: send mutations, set_claims, remove_claims."
        )
    names = data.get("mutations", [])
    if "mutation" in data:
        names = [data["mutation"], *names]
    set_claims = data.get("set_claims", {})
    remove_claims = data.get("remove_claims", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise HookError('"mutations" must be a list of names.')
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise HookError(f"Unknown mutation(s) {', '.join(unknown)}; known: {', '.join(sorted(allowed))}.")
    if not isinstance(set_claims, dict):
        raise HookError('"set_claims" must be an object.')
    if not isinstance(remove_claims, list) or not all(isinstance(c, str) for c in remove_claims):
        raise HookError('"remove_claims" must be a list of claim names.')
    return Mutation(
        names=tuple(names),
        set_claims=dict(set_claims),
        remove_claims=tuple(remove_claims),
    )


class PendingMutations:
    """The one-shot mutations waiting for the next ID token and the next userinfo answer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, Mutation] = {}

    def queue(self, kind: str, mutation: Mutation) -> None:
        with self._lock:
            self._next[kind] = mutation

    def take(self, kind: str) -> Mutation:
        with self._lock:
            return self._next.pop(kind, NO_MUTATION)

    def clear(self) -> None:
        with self._lock:
            self._next.clear()
