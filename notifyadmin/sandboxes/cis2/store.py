"""In-memory state of the stand-in: pending sign-ins, codes, access tokens, sessions, seen jtis.

Everything is lost on restart, as a tester would expect of a local stand-in. One lock guards it
all; the server is threaded.
"""

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

PENDING_LIFETIME = 600
CODE_LIFETIME = 60
ACCESS_TOKEN_LIFETIME = 3600
DELIVERY_LOG_SIZE = 50


class UnknownSession(LookupError):
    """No live stand-in session has that sid."""


class GrantError(Exception):
    """The authorization code cannot be redeemed (OAuth `invalid_grant`)."""


@dataclass
class PendingAuthorization:
    """A validated /authorize request waiting for the tester to pick an identity."""

    request_id: str
    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str
    scopes: tuple[str, ...]
    acr_values: str
    created_at: float


@dataclass
class Session:
    """A signed-in session at the stand-in (the `sid` in tokens). One browser, many clients."""

    sid: str
    browser_key: str
    uid: str
    selected_roleid: str | None
    auth_time: int
    client_ids: set[str] = field(default_factory=set)


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    scopes: tuple[str, ...]
    sid: str
    uid: str
    selected_roleid: str | None
    auth_time: int
    expires_at: float
    redeemed: bool = False
    access_tokens: list[str] = field(default_factory=list)


@dataclass
class AccessToken:
    client_id: str
    scopes: tuple[str, ...]
    sid: str
    uid: str
    selected_roleid: str | None
    expires_at: float


@dataclass(frozen=True)
class Delivery:
    """What a client answered to one back-channel logout POST."""

    client_id: str
    sid: str
    uri: str
    status: int | None
    error: str = ""
    variant: str = "genuine"


class Store:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: dict[str, PendingAuthorization] = {}
        self._codes: dict[str, AuthorizationCode] = {}
        self._access_tokens: dict[str, AccessToken] = {}
        self._sessions: dict[str, Session] = {}
        self._seen_jtis: dict[str, float] = {}
        self._deliveries: list[Delivery] = []

    # Pending authorizations -------------------------------------------------------------
    def pending_add(self, **values) -> PendingAuthorization:
        pending = PendingAuthorization(request_id=secrets.token_urlsafe(16), created_at=self.clock(), **values)
        with self._lock:
            self._pending[pending.request_id] = pending
        return pending

    def pending_get(self, request_id: str) -> PendingAuthorization | None:
        with self._lock:
            pending = self._pending.get(request_id)
        if pending and self.clock() - pending.created_at > PENDING_LIFETIME:
            return None
        return pending

    def pending_finish(self, request_id: str) -> None:
        with self._lock:
            self._pending.pop(request_id, None)

    # Sessions ---------------------------------------------------------------------------
    def session_sign_in(
        self,
        *,
        browser_key: str | None,
        uid: str,
        selected_roleid: str | None,
        client_id: str,
    ) -> Session:
        """Sign in afresh (auth_time now). The same person in the same browser keeps their sid."""
        now = int(self.clock())
        with self._lock:
            session = self._session_by_browser(browser_key)
            if session and session.uid != uid:
                del self._sessions[session.sid]
                session = None
            if session is None:
                session = Session(
                    sid=secrets.token_urlsafe(16),
                    browser_key=secrets.token_urlsafe(24),
                    uid=uid,
                    selected_roleid=selected_roleid,
                    auth_time=now,
                )
                self._sessions[session.sid] = session
            session.selected_roleid = selected_roleid
            session.auth_time = now
            session.client_ids.add(client_id)
            return session

    def session_for_browser(self, browser_key: str | None) -> Session | None:
        with self._lock:
            return self._session_by_browser(browser_key)

    def session_join(self, session: Session, client_id: str) -> None:
        with self._lock:
            session.client_ids.add(client_id)

    def session_get(self, sid: str) -> Session | None:
        with self._lock:
            return self._sessions.get(sid)

    def session_end(self, sid: str) -> Session | None:
        with self._lock:
            return self._sessions.pop(sid, None)

    def sessions(self) -> list[Session]:
        with self._lock:
            return list(self._sessions.values())

    def _session_by_browser(self, browser_key: str | None) -> Session | None:
        if not browser_key:
            return None
        return next(
            (s for s in self._sessions.values() if secrets.compare_digest(s.browser_key, browser_key)),
            None,
        )

    # Codes and access tokens ------------------------------------------------------------
    def code_issue(self, *, pending: PendingAuthorization, session: Session) -> AuthorizationCode:
        code = AuthorizationCode(
            code=secrets.token_urlsafe(32),
            client_id=pending.client_id,
            redirect_uri=pending.redirect_uri,
            code_challenge=pending.code_challenge,
            nonce=pending.nonce,
            scopes=pending.scopes,
            sid=session.sid,
            uid=session.uid,
            selected_roleid=session.selected_roleid,
            auth_time=session.auth_time,
            expires_at=self.clock() + CODE_LIFETIME,
        )
        with self._lock:
            self._codes[code.code] = code
        return code

    def code_redeem(self, code_value: str) -> AuthorizationCode:
        """Mark the code used. A second use revokes every token issued from it (RFC 6749 4.1.2)."""
        with self._lock:
            code = self._codes.get(code_value)
            if code is None:
                raise GrantError("The authorization code is not recognised.")
            if code.redeemed:
                for token in code.access_tokens:
                    self._access_tokens.pop(token, None)
                raise GrantError("The authorization code has already been used; tokens issued from it are revoked.")
            code.redeemed = True
            if self.clock() > code.expires_at:
                raise GrantError("The authorization code has expired.")
            return code

    def access_token_issue(self, code: AuthorizationCode) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[token] = AccessToken(
                client_id=code.client_id,
                scopes=code.scopes,
                sid=code.sid,
                uid=code.uid,
                selected_roleid=code.selected_roleid,
                expires_at=self.clock() + ACCESS_TOKEN_LIFETIME,
            )
            code.access_tokens.append(token)
        return token

    def access_token_get(self, token: str) -> AccessToken | None:
        with self._lock:
            access_token = self._access_tokens.get(token)
        if access_token and self.clock() > access_token.expires_at:
            return None
        return access_token

    # Client assertion replay ------------------------------------------------------------
    def jti_first_use(self, jti: str, expires_at: float) -> bool:
        """Remember a client assertion's jti until it expires; False if already seen."""
        now = self.clock()
        with self._lock:
            self._seen_jtis = {j: exp for j, exp in self._seen_jtis.items() if exp >= now}
            if jti in self._seen_jtis:
                return False
            self._seen_jtis[jti] = expires_at
            return True

    # Back-channel deliveries ------------------------------------------------------------
    def delivery_record(self, delivery: Delivery) -> None:
        with self._lock:
            self._deliveries.append(delivery)
            del self._deliveries[:-DELIVERY_LOG_SIZE]

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return list(self._deliveries)
