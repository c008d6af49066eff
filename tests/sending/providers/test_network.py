"""Transport failures over real sockets on 127.0.0.1: a refused connection is safe to retry
(nothing was sent); a read timeout or a connection dropped after sending is outcome unknown."""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
import responses

from notifyadmin.sending.providers.errors import ConnectionFailed, OutcomeUnknown, ProviderError
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider, Timeouts
from tests.sending.providers.support import ROUTING_PLAN, SANDBOX_URL, outbound, sandbox_provider


def local_provider(port: int, *, read: float = 0.3) -> NhsNotifyProvider:
    return NhsNotifyProvider(
        environment="local", base_url=f"http://127.0.0.1:{port}", timeouts=Timeouts(connect=1.0, read=read)
    )


def send(provider: NhsNotifyProvider) -> None:
    provider.send_message(routing_plan_id=ROUTING_PLAN, message=outbound("m-1"), correlation_id="corr-net")


@contextmanager
def server(*, hang_up: bool) -> Iterator[tuple[int, list[bytes]]]:
    """Accepts one connection and reads the request; then never answers: it either holds the
    connection open (a read timeout for the client) or hangs up at once (hang_up=True)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    received: list[bytes] = []
    release = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                data += connection.recv(65536)
            received.append(data)
            if not hang_up:
                release.wait(5)  # hold the connection, say nothing

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], received
    finally:
        release.set()
        thread.join(timeout=5)
        listener.close()


def test_a_refused_connection_is_safe_to_retry_as_nothing_was_sent():
    # given a local port nothing listens on
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    # when a message is sent there
    with pytest.raises(ProviderError) as raised:
        send(local_provider(port))
    # then it is a connection failure: retryable, and certainly not accepted
    error = raised.value
    assert type(error) is ConnectionFailed
    assert (error.retryable, error.may_have_been_accepted) == (True, False)
    assert str(error) == (
        "Could not connect to NHS Notify (connection refused or host not found); correlation id corr-net"
    )


def test_a_read_timeout_after_sending_is_outcome_unknown():
    # given a server that accepts and reads the request but never answers
    # when a message is sent there with a short read timeout
    with server(hang_up=False) as (port, received), pytest.raises(ProviderError) as raised:
        send(local_provider(port, read=0.3))
    # then the request did arrive, and the caller must retry the identical request
    assert received and received[0].startswith(b"POST /v1/messages HTTP/1.1")
    error = raised.value
    assert type(error) is OutcomeUnknown
    assert (error.retryable, error.may_have_been_accepted) == (True, True)
    assert str(error) == (
        "NHS Notify did not answer in time; it may have accepted the request; correlation id corr-net"
    )


def test_a_connection_dropped_after_sending_is_outcome_unknown():
    # given a server that reads the request and hangs up without answering
    with server(hang_up=True) as (port, received), pytest.raises(ProviderError) as raised:
        send(local_provider(port))
    assert received
    error = raised.value
    assert type(error) is OutcomeUnknown
    assert (error.retryable, error.may_have_been_accepted) == (True, True)
    assert str(error).startswith("The connection to NHS Notify failed after sending (ConnectionError)")


@pytest.mark.parametrize(
    ("raised_by_requests", "expected"),
    [
        (requests.ConnectTimeout("connect timed out"), ConnectionFailed),
        (requests.exceptions.SSLError("handshake failed"), ConnectionFailed),
        (requests.exceptions.ProxyError("proxy refused"), ConnectionFailed),
        (requests.ReadTimeout("read timed out"), OutcomeUnknown),
        (requests.exceptions.ChunkedEncodingError("body cut short"), OutcomeUnknown),
        (requests.ConnectionError("connection reset"), OutcomeUnknown),
    ],
)
def test_transport_errors_are_classified_by_whether_anything_was_sent(raised_by_requests, expected):
    with responses.RequestsMock() as mock:
        mock.post(f"{SANDBOX_URL}/v1/messages", body=raised_by_requests)
        with pytest.raises(ProviderError) as raised:
            send(sandbox_provider())
    assert type(raised.value) is expected
    assert raised.value.retryable is True
