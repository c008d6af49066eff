"""CIS2 sign-in: the relying-party side of OpenID Connect with NHS Care Identity Service 2.

mozilla-django-oidc does the protocol (state, nonce, PKCE, code exchange); this package extends
it: endpoints from discovery (`provider.py`), private_key_jwt client authentication and strict
token checks (`tokens.py`), CIS2 claims (`claims.py`), people, roles and sessions (`services.py`),
back-channel logout and step-up (`views.py`).
"""
