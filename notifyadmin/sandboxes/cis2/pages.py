"""The stand-in's HTML pages: identity and role pickers, errors, signed out, live sessions.

Plain, accessible HTML: one h1 per page, radios inside a fieldset with a legend, every input
labelled, errors announced. Every value is escaped.
"""

from collections.abc import Iterable, Mapping
from html import escape

from notifyadmin.sandboxes.cis2.identities import (
    TEST_IDENTITIES,
    TestIdentity,
    identity_get,
)
from notifyadmin.sandboxes.cis2.store import Delivery, Session

STYLE = """
body { font-family: Arial, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #212b32; }
.banner { background: #ffeb3b; padding: .5em 1em; border-left: 6px solid #212b32; }
.error { border: 4px solid #d5281b; padding: .5em 1em; }
fieldset { border: 0; padding: 0; margin: 1em 0; }
legend { font-weight: bold; font-size: 1.2em; margin-bottom: .5em; }
.option { margin: .6em 0; }
.hint { display: block; color: #4c6272; margin-left: 1.8em; }
button { font-size: 1em; padding: .5em 1em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4em; border-bottom: 1px solid #d8dde0; }
"""


BUTTONS = (
    '<button type="submit" name="action" value="continue">Continue</button>\n'
    '<button type="submit" name="action" value="cancel">Cancel sign-in</button>\n'
)


def layout(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} - CIS2 stand-in</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        '<p class="banner"><strong>Local CIS2 stand-in.</strong> '
        "Test identities only: this is not NHS Care Identity Service 2.</p>\n"
        f"<main>\n<h1>{escape(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _error_summary(error: str | None) -> str:
    if not error:
        return ""
    return f'<div class="error" role="alert"><h2>There is a problem</h2><p>{escape(error)}</p></div>'


def _radio(name: str, value: str, label: str, hint: str, checked: bool = False) -> str:
    element_id = f"{name}-{value}"
    return (
        f'<div class="option"><input type="radio" id="{escape(element_id)}" name="{escape(name)}" '
        f'value="{escape(value)}" aria-describedby="{escape(element_id)}-hint"{" checked" if checked else ""}> '
        f'<label for="{escape(element_id)}">{escape(label)}</label>'
        f'<span class="hint" id="{escape(element_id)}-hint">{escape(hint)}</span></div>'
    )


def _identity_hint(identity: TestIdentity) -> str:
    roles = ", ".join(role.role_name for role in identity.roles) or "no roles"
    return (
        f"{identity.summary}. Roles: {roles}. UID {identity.uid}. "
        f"Assurance: identity {identity.id_assurance_level}, authentication {identity.authentication_assurance_level}."
    )


def identity_picker(*, action: str, request_id: str, client_id: str, error: str | None = None) -> str:
    options = "\n".join(
        _radio("uid", identity.uid, identity.name, _identity_hint(identity)) for identity in TEST_IDENTITIES
    )
    body = (
        f"{_error_summary(error)}<p>The service <strong>{escape(client_id)}</strong> asks you to sign in.</p>\n"
        f'<form method="post" action="{escape(action)}" novalidate>\n'
        f'<input type="hidden" name="request_id" value="{escape(request_id)}">\n'
        f"<fieldset><legend>Choose a test identity</legend>\n{options}\n</fieldset>\n"
        f"{BUTTONS}</form>"
    )
    return layout("Sign in with a test identity", body)


def role_picker(*, action: str, request_id: str, identity: TestIdentity, error: str | None = None) -> str:
    options = "\n".join(
        _radio(
            "person_roleid",
            role.person_roleid,
            role.role_name,
            f"{role.role_code} at {role.org_code}",
        )
        for role in identity.roles
    )
    body = (
        f"{_error_summary(error)}<p>Signed in as {escape(identity.name)}.</p>\n"
        f'<form method="post" action="{escape(action)}" novalidate>\n'
        f'<input type="hidden" name="request_id" value="{escape(request_id)}">\n'
        f'<input type="hidden" name="uid" value="{escape(identity.uid)}">\n'
        '<input type="hidden" name="step" value="role">\n'
        f"<fieldset><legend>Which role are you working in?</legend>\n{options}\n</fieldset>\n"
        f"{BUTTONS}</form>"
    )
    return layout("Choose your role", body)


def error_page(title: str, message: str) -> str:
    return layout(title, f'<div class="error" role="alert"><p>{escape(message)}</p></div>')


def signed_out_page() -> str:
    return layout("You have signed out", "<p>Your session at the CIS2 stand-in has ended.</p>")


def _session_row(session: Session, action: str, variants: Mapping[str, str]) -> str:
    identity = identity_get(session.uid)
    who = identity.name if identity else session.uid
    role = identity.role(session.selected_roleid) if identity and session.selected_roleid else None
    options = '<option value="genuine">Genuine logout token</option>' + "".join(
        f'<option value="{escape(name)}">{escape(name)}: {escape(description)}</option>'
        for name, description in variants.items()
    )
    select_id = f"variant-{session.sid}"
    return (
        f"<tr><td>{escape(who)}</td><td>{escape(role.role_name if role else 'none')}</td>"
        f"<td>{escape(', '.join(sorted(session.client_ids)))}</td><td><code>{escape(session.sid)}</code></td><td>"
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="sid" value="{escape(session.sid)}">'
        f'<label for="{escape(select_id)}">Token to send</label> '
        f'<select id="{escape(select_id)}" name="variant">{options}</select> '
        '<button type="submit">Sign out (back-channel)</button></form></td></tr>'
    )


def sessions_page(
    *,
    sessions: Iterable[Session],
    deliveries: Iterable[Delivery],
    action: str,
    variants: Mapping[str, str],
    issuer: str,
) -> str:
    rows = "\n".join(_session_row(session, action, variants) for session in sessions)
    sessions_html = (
        '<table><caption>Live sessions</caption><thead><tr><th scope="col">Person</th>'
        '<th scope="col">Selected role</th><th scope="col">Signed in to</th><th scope="col">sid</th>'
        f'<th scope="col">Action</th></tr></thead><tbody>\n{rows}\n</tbody></table>'
        if rows
        else "<p>No one is signed in.</p>"
    )
    delivery_rows = "\n".join(
        f"<tr><td>{escape(d.client_id)}</td><td><code>{escape(d.sid)}</code></td><td>{escape(d.variant)}</td>"
        f"<td>{escape(str(d.status) if d.status is not None else d.error)}</td></tr>"
        for d in reversed(list(deliveries))
    )
    deliveries_html = (
        '<h2>Back-channel logouts sent</h2><table><thead><tr><th scope="col">Client</th><th scope="col">sid</th>'
        f'<th scope="col">Token</th><th scope="col">Client answered</th></tr></thead><tbody>\n{delivery_rows}\n'
        "</tbody></table>"
        if delivery_rows
        else ""
    )
    discovery = f"{issuer}/.well-known/openid-configuration"
    body = (
        f'<p>Issuer: <code>{escape(issuer)}</code> (<a href="{escape(discovery)}">discovery document</a>)</p>\n'
        f"{sessions_html}\n{deliveries_html}"
    )
    return layout("CIS2 stand-in sessions", body)
