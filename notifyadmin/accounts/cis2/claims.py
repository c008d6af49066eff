"""CIS2-shaped claims: who the person is and which role they chose, checked for shape.

Everything CIS2-specific about claims lives here; the protocol is plain OpenID Connect.
"""

from dataclasses import dataclass

from notifyadmin.accounts.cis2.tokens import Cis2Refused

NO_ROLE_SELECTED = (
    "CIS2 did not tell us which of your roles you chose, or you chose a role you do not hold. "
    "Sign in again and choose your role."
)


@dataclass(frozen=True)
class SelectedRole:
    person_roleid: str
    org_code: str
    org_name: str
    role_code: str
    role_name: str
    activity_codes: tuple[str, ...]


@dataclass(frozen=True)
class Cis2Person:
    sub: str
    uid: str
    given_name: str
    family_name: str
    email: str
    sid: str
    auth_time: int
    role: SelectedRole


def _text(value: object, *, required: bool = False, limit: int = 200) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise Cis2Refused("malformed_claims")
    return value.strip()


def person_from_claims(*, id_token: dict, userinfo: dict) -> Cis2Person:
    """Build the person from the verified ID token and the userinfo answer. The selected role
    (`selected_roleid`, from the ID token) must be one of `nhsid_nrbac_roles` (userinfo)."""
    if userinfo.get("sub") != id_token.get("sub"):
        raise Cis2Refused("sub_mismatch")
    uid = _text(userinfo.get("nhsid_useruid", id_token.get("nhsid_useruid")), required=True, limit=64)
    if id_token.get("nhsid_useruid") not in (None, uid):
        raise Cis2Refused("malformed_claims")
    selected = id_token.get("selected_roleid")
    if selected is None:
        raise Cis2Refused("selected_role_missing", NO_ROLE_SELECTED, status=403)
    if not isinstance(selected, str) or not selected:
        raise Cis2Refused("malformed_claims")
    roles = userinfo.get("nhsid_nrbac_roles")
    if not isinstance(roles, list):
        raise Cis2Refused("malformed_claims")
    entry = next((r for r in roles if isinstance(r, dict) and r.get("person_roleid") == selected), None)
    if entry is None:
        raise Cis2Refused("selected_role_missing", NO_ROLE_SELECTED, status=403)
    org_code = _text(entry.get("org_code"), required=True, limit=10).upper()
    activity_codes = entry.get("activity_codes") or []
    if not isinstance(activity_codes, list) or not all(isinstance(c, str) for c in activity_codes):
        raise Cis2Refused("malformed_claims")
    orgs = userinfo.get("nhsid_user_orgs") or []
    if not isinstance(orgs, list):
        raise Cis2Refused("malformed_claims")
    org_name = next((o.get("org_name") for o in orgs if isinstance(o, dict) and o.get("org_code") == org_code), "")
    sid = id_token.get("sid") or ""
    if not isinstance(sid, str):
        raise Cis2Refused("malformed_claims")
    return Cis2Person(
        sub=id_token["sub"],
        uid=uid,
        given_name=_text(userinfo.get("given_name", id_token.get("given_name")), limit=150),
        family_name=_text(userinfo.get("family_name", id_token.get("family_name")), limit=150),
        email=_text(userinfo.get("email"), limit=254),
        sid=sid,
        auth_time=id_token["auth_time"],
        role=SelectedRole(
            person_roleid=selected,
            org_code=org_code,
            org_name=_text(org_name, limit=200) or org_code,
            role_code=_text(entry.get("role_code"), required=True, limit=100),
            role_name=_text(entry.get("role_name"), limit=200),
            activity_codes=tuple(activity_codes),
        ),
    )
