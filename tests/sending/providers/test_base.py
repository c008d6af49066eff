"""The interface's values refuse what must never be sent, naming the field and never the value."""

import pytest

from notifyadmin.sending.providers.base import (
    BatchRequest,
    ContactDetails,
    InvalidOutboundMessage,
    OutboundMessage,
    PostalAddress,
    RecipientName,
)
from tests.sending.providers.support import NHS_NUMBER, ROUTING_PLAN, outbound

BAD_CHECK_DIGIT = "9990548608"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nhs_number": BAD_CHECK_DIGIT}, "recipient.nhsNumber: must be 10 digits with a valid Modulus 11 check digit"),
        ({"nhs_number": "999 054 8609"}, "recipient.nhsNumber: must be 10 digits with a valid Modulus 11 check digit"),
        ({"nhs_number": None}, "recipient: give an NHS number or contact details"),
        ({"message_reference": " "}, "messageReference: must be a non-blank string"),
        ({"personalisation": {"date": 3}}, "personalisation.date: must be a string"),
        ({"personalisation": {"": "x"}}, "personalisation: keys must be non-blank strings"),
        ({"billing_reference": ""}, "billingReference: must be a non-blank string"),
        ({"originator_ods_code": ""}, "originator.odsCode: must be a non-blank string"),
    ],
)
def test_an_outbound_message_refuses_bad_fields_without_echoing_them(fields, message):
    values = {"message_reference": "m-1", "nhs_number": NHS_NUMBER, "personalisation": {}, **fields}
    with pytest.raises(InvalidOutboundMessage) as raised:
        OutboundMessage(**values)
    assert str(raised.value) == message
    assert BAD_CHECK_DIGIT not in str(raised.value)


def test_contact_details_alone_are_a_recipient():
    message = OutboundMessage(
        message_reference="m-1", nhs_number=None, contact_details=ContactDetails(sms="07700900123")
    )
    assert message.nhs_number is None


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (ContactDetails, "recipient.contactDetails: give at least one contact detail, or none at all"),
        (lambda: ContactDetails(email=""), "recipient.contactDetails.email: must be a non-blank string"),
        (lambda: PostalAddress(lines=("one",), postcode="LS1 4AP"),
         "recipient.contactDetails.address.lines: must be 2 to 5 non-blank lines"),
        (lambda: PostalAddress(lines=("a", "b", "c", "d", "e", "f"), postcode="LS1 4AP"),
         "recipient.contactDetails.address.lines: must be 2 to 5 non-blank lines"),
        (lambda: PostalAddress(lines=("a", "b"), postcode=""),
         "recipient.contactDetails.address.postcode: must be a non-blank string"),
        (lambda: RecipientName(last_name=""), "recipient.contactDetails.name.lastName: must be a non-blank string"),
    ],
)  # fmt: skip
def test_contact_details_refuse_what_nhs_notify_would(build, message):
    with pytest.raises(InvalidOutboundMessage) as raised:
        build()
    assert str(raised.value) == message


def test_personalisation_is_a_read_only_copy():
    values = {"body": "Hello"}
    message = outbound(personalisation=values)
    values["body"] = "Changed"
    assert dict(message.personalisation) == {"body": "Hello"}
    with pytest.raises(TypeError):
        message.personalisation["body"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"messages": ()}, "messages: a batch needs at least one message"),
        ({"routing_plan_id": "not-a-uuid"}, "routingPlanId: must be a UUID"),
        ({"message_batch_reference": ""}, "messageBatchReference: must be a non-blank string"),
        ({"messages": (outbound("a"), outbound("b"), outbound("a"))},
         "messages.messageReference: 'a' appears more than once in the batch"),
    ],
)  # fmt: skip
def test_a_batch_refuses_what_nhs_notify_would(fields, message):
    values = {"routing_plan_id": ROUTING_PLAN, "message_batch_reference": "b-1", "messages": (outbound("a"),), **fields}
    with pytest.raises(InvalidOutboundMessage) as raised:
        BatchRequest(**values)
    assert str(raised.value) == message


def test_a_batch_of_more_than_45000_messages_is_refused():
    message = outbound("same")
    # References repeat here, but the count is checked first.
    with pytest.raises(InvalidOutboundMessage) as raised:
        BatchRequest(routing_plan_id=ROUTING_PLAN, message_batch_reference="b", messages=(message,) * 45_001)
    assert str(raised.value) == "messages: a batch holds at most 45,000 messages"


def test_a_batch_routing_plan_id_is_kept_in_canonical_form():
    batch = BatchRequest(routing_plan_id=ROUTING_PLAN.upper(), message_batch_reference="b", messages=(outbound(),))
    assert batch.routing_plan_id == ROUTING_PLAN
