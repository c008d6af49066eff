"""Benchmark figures for the local NHS Notify sandbox: how fast it accepts batches over HTTP."""

import json
import threading
import time
from collections.abc import Callable

import requests

from notifyadmin.sandboxes.nhs_notify import SandboxConfig, Timings, start_sandbox

BATCH = 10_000
ROUNDS = 5
CLIENTS = 4
SINGLES_PER_CLIENT = 300
PLAN = "b838b13c-f98c-4def-93f0-515d4e4f4ee1"


def run(figure: Callable[[str, float, str], None]) -> None:
    """Accept ROUNDS batches of BATCH messages (step 60 s, so the simulation stays out of the way)."""
    sandbox = start_sandbox(SandboxConfig(timings=Timings(step=60)), environ={})
    # CPU time of the handler thread: wall time on a shared machine measures the neighbours too.
    handle, cpu = sandbox.state.handle, []

    def measured(request):
        started = time.thread_time()
        response = handle(request)
        cpu.append(time.thread_time() - started)
        return response

    sandbox.state.handle = measured  # type: ignore[method-assign]
    try:
        bodies = [
            json.dumps(
                {
                    "data": {
                        "type": "MessageBatch",
                        "attributes": {
                            "routingPlanId": PLAN,
                            "messageBatchReference": f"bench-{round_}",
                            "messages": [
                                {
                                    "messageReference": f"bench-{round_}-{n}",
                                    "recipient": {"nhsNumber": "9990548609"},
                                    "personalisation": {"name": "Sam"},
                                }
                                for n in range(BATCH)
                            ],
                        },
                    }
                }
            ).encode()
            for round_ in range(ROUNDS)
        ]
        headers = {"Content-Type": "application/vnd.api+json"}
        durations = []
        with requests.Session() as session:
            for body in bodies:
                started = time.perf_counter()
                response = session.post(f"{sandbox.url}/v1/message-batches", data=body, headers=headers, timeout=30)
                durations.append(time.perf_counter() - started)
                assert response.status_code == 201, response.text[:200]
        figure(
            f"sandbox_batch_{BATCH}_median_wall",
            sorted(durations)[ROUNDS // 2] * 1000,
            "ms",
        )
        figure(
            f"sandbox_batch_{BATCH}_median_handler_cpu",
            sorted(cpu)[ROUNDS // 2] * 1000,
            "ms",
        )
        figure("sandbox_batch_accept", BATCH * ROUNDS / sum(durations), "msgs/s")
        figure(f"sandbox_single_accept_{CLIENTS}_clients", _singles(sandbox.url), "msgs/s")
    finally:
        sandbox.stop()


def _singles(url: str) -> float:
    """POST /v1/messages from CLIENTS threads, each with its own pooled session (clients share this process)."""

    def client(number: int) -> None:
        with requests.Session() as session:
            for n in range(SINGLES_PER_CLIENT):
                body = {
                    "data": {
                        "type": "Message",
                        "attributes": {
                            "routingPlanId": PLAN,
                            "messageReference": f"single-{number}-{n}",
                            "recipient": {"nhsNumber": "9990548609"},
                            "personalisation": {},
                        },
                    }
                }
                response = session.post(
                    f"{url}/v1/messages", json=body, headers={"Content-Type": "application/json"}, timeout=10
                )
                assert response.status_code == 201, response.text[:200]

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return CLIENTS * SINGLES_PER_CLIENT / (time.perf_counter() - started)
