"""The NHS Notify API adapter (single messages, batches, status reads).

Rules:
- One pooled `requests.Session` per provider, shared by a worker's threads, with no
  transport-level retries: whether and when to retry is decided by the caller from the
  error class (errors.py), never blindly by urllib3. Redirects are not followed.
- Every call has explicit connect and read timeouts (batches get a longer read timeout).
- JSON:API: `Content-Type` and `Accept` are `application/vnd.api+json`; every call sends
  `X-Correlation-ID` (the caller's, else the current request's or task's, else a new one).
- The endpoints are checked against NOTIFY_ENVIRONMENT when the provider is built
  (environments.py): a misconfigured provider cannot be constructed, so it never sends.
- A 401 on an API call drops the cached token and retries the call once with a new
  token (resending is safe: a 401 means nothing was processed); a second 401 is
  `AuthenticationFailed`.
- A failed token request raises its error with `may_have_been_accepted = False`: the
  message itself was never sent.
- Log lines carry the endpoint, status, outcome, message count and correlation id: never
  a patient identifier or a request body.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError
from urllib3.util.retry import Retry

from notifyadmin.core.correlation import get_correlation_id, new_correlation_id
from notifyadmin.sending.providers import metrics
from notifyadmin.sending.providers.auth import NoAuth, SignedJwtAuth, SignedJwtCredentials, TokenSource
from notifyadmin.sending.providers.base import (
    MAX_BATCH_BYTES,
    BatchAccepted,
    BatchRequest,
    MessageAccepted,
    MessageStatus,
    OutboundMessage,
    message_id_check,
    routing_plan_id_check,
)
from notifyadmin.sending.providers.environments import (
    AuthMode,
    NotifyConfigurationError,
    NotifyEnvironment,
    endpoints_check,
)
from notifyadmin.sending.providers.errors import (
    BatchTooLarge,
    ConnectionFailed,
    OutcomeUnknown,
    ProviderError,
    error_for_response,
)
from notifyadmin.sending.providers.payloads import (
    ResponseUnreadable,
    batch_accepted_parse,
    batch_body_bytes,
    json_encode,
    message_accepted_parse,
    message_status_parse,
    single_message_body,
)

logger = logging.getLogger(__name__)

PROVIDER_NAME = "nhs_notify"
JSON_API = "application/vnd.api+json"


@dataclass(frozen=True)
class Timeouts:
    """Seconds. `connect`: to open a connection; `read`: between bytes of the answer;
    `batch_read`: the read timeout for batch sends, which NHS Notify takes longer to answer."""

    connect: float = 3.05
    read: float = 10.0
    batch_read: float = 60.0


def session_build(*, pool_size: int) -> requests.Session:
    """A pooled session for a few threads, with urllib3's own retries off."""
    session = requests.Session()
    # total=0: no retry of any kind; read=False: a read timeout surfaces as ReadTimeout
    # (not wrapped as a connection error), which is how we tell "maybe sent" from "not sent".
    no_retries = Retry(total=0, read=False, redirect=False, status=0, raise_on_status=False)
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=no_retries)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def transport_error(error: requests.RequestException, *, endpoint: str, correlation_id: str) -> ProviderError:
    """Connection never made → ConnectionFailed (nothing sent). Anything later → OutcomeUnknown."""
    kwargs: dict[str, Any] = {"endpoint": endpoint, "correlation_id": correlation_id}
    if isinstance(error, requests.ConnectTimeout | requests.exceptions.SSLError | requests.exceptions.ProxyError):
        return ConnectionFailed(f"Could not connect to NHS Notify ({type(error).__name__})", **kwargs)
    if isinstance(error, requests.ReadTimeout):
        return OutcomeUnknown("NHS Notify did not answer in time; it may have accepted the request", **kwargs)
    if isinstance(error, requests.ConnectionError):
        reason = error.args[0] if error.args else None
        if isinstance(reason, MaxRetryError) and isinstance(reason.reason, NewConnectionError | ConnectTimeoutError):
            return ConnectionFailed("Could not connect to NHS Notify (connection refused or host not found)", **kwargs)
    return OutcomeUnknown(
        f"The connection to NHS Notify failed after sending ({type(error).__name__}); it may have accepted the request",
        **kwargs,
    )


class NhsNotifyProvider:
    """`MessageProvider` for the NHS Notify API (and the sandboxes that mirror it)."""

    name = PROVIDER_NAME

    def __init__(
        self,
        *,
        environment: NotifyEnvironment | str,
        base_url: str,
        token_url: str | None = None,
        credentials: SignedJwtCredentials | None = None,
        timeouts: Timeouts = Timeouts(),
        session: requests.Session | None = None,
        pool_size: int = 8,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Refuses (NotifyConfigurationError) endpoints the environment may not use, and a
        signed-JWT environment without credentials: a misconfigured provider never exists."""
        self.endpoints = endpoints_check(environment=environment, base_url=base_url, token_url=token_url)
        self.timeouts = timeouts
        self.session = session or session_build(pool_size=pool_size)
        self._auth: TokenSource
        if self.endpoints.auth_mode is AuthMode.SIGNED_JWT:
            if credentials is None or self.endpoints.token_url is None:
                raise NotifyConfigurationError(
                    f"NOTIFY_ENVIRONMENT {self.endpoints.environment} needs signed-JWT authentication: set "
                    "NOTIFY_TOKEN_URL, NOTIFY_API_KEY, NOTIFY_PRIVATE_KEY_PATH and NOTIFY_KEY_ID."
                )
            self._auth = SignedJwtAuth(
                token_url=self.endpoints.token_url,
                api_key=credentials.api_key,
                private_key=credentials.private_key,
                key_id=credentials.key_id,
                post=self.post_form,
                clock=clock,
            )
        else:
            self._auth = NoAuth()

    # --- the MessageProvider interface ---

    def send_message(
        self, *, routing_plan_id: str, message: OutboundMessage, correlation_id: str | None = None
    ) -> MessageAccepted:
        body = json_encode(single_message_body(routing_plan_id=routing_plan_id_check(routing_plan_id), message=message))
        correlation_id = self._correlation_id(correlation_id)
        response, echoed = self._call(
            "POST",
            "/v1/messages",
            body=body,
            endpoint="create_message",
            references=(message.message_reference,),
            batch=False,
            read_timeout=self.timeouts.read,
            correlation_id=correlation_id,
        )
        return self._parse(
            lambda: message_accepted_parse(response.json(), correlation_id=echoed), "create_message", echoed
        )

    def send_batch(self, *, batch: BatchRequest, correlation_id: str | None = None) -> BatchAccepted:
        body = batch_body_bytes(batch)
        correlation_id = self._correlation_id(correlation_id)
        if len(body) > MAX_BATCH_BYTES:
            raise BatchTooLarge(
                f"The batch encodes to {len(body):,} bytes, over the {MAX_BATCH_BYTES:,}-byte limit; split it",
                endpoint="create_message_batch",
                correlation_id=correlation_id,
            )
        references = tuple(message.message_reference for message in batch.messages)
        response, echoed = self._call(
            "POST",
            "/v1/message-batches",
            body=body,
            endpoint="create_message_batch",
            references=references,
            batch=True,
            read_timeout=self.timeouts.batch_read,
            correlation_id=correlation_id,
        )
        accepted = self._parse(
            lambda: batch_accepted_parse(response.json(), sent_references=references, correlation_id=echoed),
            "create_message_batch",
            echoed,
        )
        if accepted.unacknowledged_references:
            logger.warning(
                "NHS Notify accepted a batch without listing every message",
                extra={"unacknowledged": len(accepted.unacknowledged_references), "batch_id": accepted.batch_id},
            )
        return accepted

    def message_status(self, *, message_id: str, correlation_id: str | None = None) -> MessageStatus:
        message_id = message_id_check(message_id)
        correlation_id = self._correlation_id(correlation_id)
        response, echoed = self._call(
            "GET",
            f"/v1/messages/{message_id}",
            body=None,
            endpoint="get_message",
            references=(),
            batch=False,
            read_timeout=self.timeouts.read,
            correlation_id=correlation_id,
        )
        return self._parse(lambda: message_status_parse(response.json(), correlation_id=echoed), "get_message", echoed)

    def close(self) -> None:
        self.session.close()

    # --- plumbing ---

    @staticmethod
    def _correlation_id(given: str | None) -> str:
        return given or get_correlation_id() or new_correlation_id()

    @staticmethod
    def _parse(parse: Callable[[], Any], endpoint: str, correlation_id: str) -> Any:
        try:
            return parse()
        except (ValueError, ResponseUnreadable) as error:
            # A 2xx we cannot read: on a send it was accepted, so an identical retry is safe
            # and a 422 then confirms it.
            raise OutcomeUnknown(
                "NHS Notify answered 2xx with a body we could not read",
                endpoint=endpoint,
                correlation_id=correlation_id,
            ) from error

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None,
        endpoint: str,
        references: Sequence[str],
        batch: bool,
        read_timeout: float,
        correlation_id: str,
    ) -> tuple[requests.Response, str]:
        """Send, with one re-token on 401. Returns a 2xx response and the echoed correlation id."""
        url = self.endpoints.base_url + path
        messages = len(references)
        for attempt in (1, 2):
            authorization = self._authorization(correlation_id)
            headers = {"Accept": JSON_API, "X-Correlation-ID": correlation_id}
            if body is not None:
                headers["Content-Type"] = JSON_API
            if authorization is not None:
                headers["Authorization"] = authorization
            response = self._send(
                method, url, endpoint=endpoint, data=body, headers=headers, read_timeout=read_timeout,
                correlation_id=correlation_id, messages=messages,
            )  # fmt: skip
            echoed = response.headers.get("X-Correlation-Id") or correlation_id
            if 200 <= response.status_code < 300:
                self._record(endpoint, "ok", messages, response.status_code, echoed)
                return response, echoed
            if response.status_code == 401 and authorization is not None and attempt == 1:
                self._record(endpoint, "reauthenticate", messages, 401, echoed)
                self._auth.invalidate(authorization)
                continue
            error = error_for_response(
                status=response.status_code,
                body=self._json_or_none(response),
                retry_after_header=response.headers.get("Retry-After"),
                references=references,
                batch=batch,
                endpoint=endpoint,
                correlation_id=echoed,
            )
            self._record(endpoint, error.outcome, messages, response.status_code, echoed)
            raise error
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _authorization(self, correlation_id: str) -> str | None:
        try:
            return self._auth.authorization(correlation_id=correlation_id)
        except ProviderError as error:
            error.may_have_been_accepted = False  # the message itself was never sent
            error.correlation_id = error.correlation_id or correlation_id
            raise

    def post_form(
        self, url: str, *, data: dict[str, str], endpoint: str, correlation_id: str | None = None
    ) -> requests.Response:
        """A form POST through the pooled session with the provider's timeouts (token requests)."""
        correlation_id = self._correlation_id(correlation_id)
        response = self._send(
            "POST", url, endpoint=endpoint, data=data,
            headers={"Accept": "application/json", "X-Correlation-ID": correlation_id},
            read_timeout=self.timeouts.read, correlation_id=correlation_id, messages=0,
        )  # fmt: skip
        outcome = "ok" if response.status_code == 200 else f"http_{response.status_code // 100}xx"
        self._record(endpoint, outcome, 0, response.status_code, correlation_id)
        return response

    def _send(
        self,
        method: str,
        url: str,
        *,
        endpoint: str,
        data: bytes | dict[str, str] | None,
        headers: dict[str, str],
        read_timeout: float,
        correlation_id: str,
        messages: int,
    ) -> requests.Response:
        started = time.perf_counter()
        try:
            return self.session.request(
                method,
                url,
                data=data,
                headers=headers,
                timeout=(self.timeouts.connect, read_timeout),
                allow_redirects=False,
            )
        except requests.RequestException as error:
            failure = transport_error(error, endpoint=endpoint, correlation_id=correlation_id)
            self._record(endpoint, failure.outcome, messages, None, correlation_id)
            raise failure from error
        finally:
            metrics.PROVIDER_LATENCY.labels(PROVIDER_NAME, endpoint).observe(time.perf_counter() - started)

    @staticmethod
    def _json_or_none(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            return None

    @staticmethod
    def _record(endpoint: str, outcome: str, messages: int, status: int | None, correlation_id: str) -> None:
        metrics.PROVIDER_REQUESTS.labels(PROVIDER_NAME, endpoint, outcome).inc()
        if messages:
            metrics.PROVIDER_MESSAGES.labels(PROVIDER_NAME, endpoint, outcome).inc(messages)
        logger.info(
            "NHS Notify call",
            extra={
                "provider_endpoint": endpoint,
                "http_status": status,
                "outcome": outcome,
                "messages": messages,
                "provider_correlation_id": correlation_id,
            },
        )
