"""Builders shared by the provider tests (synthetic NHS numbers from the 999 test range)."""

from notifyadmin.sending.providers.base import OutboundMessage
from notifyadmin.sending.providers.nhs_notify import NhsNotifyProvider

SANDBOX_URL = "https://sandbox.api.service.nhs.uk/comms"
INT_URL = "https://int.api.service.nhs.uk/comms"
INT_TOKEN_URL = "https://int.api.service.nhs.uk/oauth2/token"
ROUTING_PLAN = "b838b13c-f98c-4def-93f0-515d4e4f4ee1"
NHS_NUMBER = "9990548609"  # NHS England's own sandbox examples use this test number
MESSAGE_ID = "2WL3qFTEFM0qMY8xjRbt1LIKCzM"
BATCH_ID = "2ZljUiS8NjJNs95PqiYOO7gAfJb"


def outbound(reference: str = "msg-1", **fields: object) -> OutboundMessage:
    values: dict[str, object] = {
        "nhs_number": NHS_NUMBER,
        "personalisation": {"body": "Your appointment is on Monday."},
    }
    values.update(fields)
    return OutboundMessage(message_reference=reference, **values)  # type: ignore[arg-type]


def sandbox_provider(**options: object) -> NhsNotifyProvider:
    return NhsNotifyProvider(environment="sandbox", base_url=SANDBOX_URL, **options)  # type: ignore[arg-type]


def created_body(reference: str = "msg-1", message_id: str = MESSAGE_ID) -> dict:
    """A 201 body shaped as schemas/responses/MessageCreated.yaml."""
    return {
        "data": {
            "type": "Message",
            "id": message_id,
            "attributes": {
                "messageReference": reference,
                "messageStatus": "created",
                "timestamps": {"created": "2025-03-12T10:15:30.123Z"},
                "routingPlan": {
                    "id": ROUTING_PLAN,
                    "name": "Plan Abc",
                    "version": "ztoe2qRAM8M8vS0bqajhyEBcvXacrGPp",
                    "createdDate": "2023-11-17T14:27:51.413Z",
                },
            },
            "links": {"self": f"{SANDBOX_URL}/v1/messages/{message_id}"},
        }
    }


def batch_created_body(references: list[str], batch_reference: str = "batch-1") -> dict:
    """A 201 body shaped as schemas/responses/MessageBatch.yaml, ids derived from references."""
    return {
        "data": {
            "type": "MessageBatch",
            "id": BATCH_ID,
            "attributes": {
                "messageBatchReference": batch_reference,
                "routingPlan": {"id": ROUTING_PLAN, "name": "Plan Abc", "createdDate": "2023-11-17T14:27:51.413Z"},
                "messages": [{"messageReference": ref, "id": ksuid_for(ref)} for ref in references],
            },
        }
    }


def ksuid_for(reference: str) -> str:
    return (reference.replace("-", "") + "0" * 27)[:27]


def error_body(status: int, code: str, pointer: str | None = None, title: str = "Invalid value") -> dict:
    item: dict = {"id": "rrt-1", "code": code, "status": str(status), "title": title, "detail": "Some detail."}
    if pointer:
        item["source"] = {"pointer": pointer}
    return {"errors": [item]}
