"""version_render: values checked against the schema (naming the field, never the value),
subject and body rendered per channel, English fallback, and one compilation per version."""

import dataclasses

import pytest

from notifyadmin.core.errors import NotFound
from templates_app import services
from templates_app.content import rendering as content_rendering
from templates_app.models import TemplateVersion, VersionStatus
from templates_app.rendering import (
    ContentMissing,
    ContentUnrenderable,
    PersonalisationInvalid,
    RenderedMessage,
    clear_compiled_cache,
    version_render,
)
from tests.templates_app.conftest import SCHEMA

CLINIC = {"name": "clinic", "type": "text", "max_length": 40, "personal_data": "low", "sample_value": "Eye clinic"}
VALUES = {"appointment_date": "2026-04-01", "clinic": "Eye clinic"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_compiled_cache()
    yield
    clear_compiled_cache()


@pytest.fixture
def version(version_in, as_designer) -> TemplateVersion:
    """A submitted version with NHS App, SMS (English and Welsh) and email content."""
    draft = version_in(VersionStatus.DRAFT)
    services.version_draft_save(
        actor=as_designer,
        version=draft,
        lock_version=draft.lock_version,
        channels=["email", "nhsapp", "sms"],
        schema=[*SCHEMA, CLINIC],
        contents=[
            {"channel": "nhsapp", "language": "en", "subject": "", "body": "Your **{{ clinic }}** visit."},
            {"channel": "sms", "language": "en", "subject": "", "body": "{{ clinic }} on {{ appointment_date }}."},
            {"channel": "sms", "language": "cy", "subject": "", "body": "{{ clinic }} ar {{ appointment_date }}."},
            {
                "channel": "email",
                "language": "en",
                "subject": "Your {{ clinic }} appointment",
                "body": "See you on {{ appointment_date }}.",
            },
        ],
    )
    return services.version_submit(actor=as_designer, version=TemplateVersion.objects.get(pk=draft.pk))


def test_email_renders_subject_body_and_html(version):
    # When an email is rendered with valid values
    message = version_render(version=version, channel="email", language="en", values=VALUES)
    # Then the result says what was rendered, from which version
    assert message == RenderedMessage(
        version_id=version.id,
        content_hash=version.content_hash,
        channel="email",
        language="en",
        requested_language="en",
        subject="Your Eye clinic appointment",
        body="See you on Wednesday 1 April 2026.",
        html="<p>See you on Wednesday 1 April 2026.</p>",
        sms=None,
    )
    assert message.fallback_note == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.body = "changed"  # type: ignore[misc]


def test_sms_has_fragment_information_and_no_html(version):
    message = version_render(version=version, channel="sms", language="en", values=VALUES)
    assert (message.body, message.html, message.subject) == ("Eye clinic on Wednesday 1 April 2026.", None, "")
    assert (message.sms.encoding, message.sms.characters, message.sms.fragments) == ("GSM-7", 37, 1)


def test_welsh_is_used_when_the_version_has_it(version):
    message = version_render(version=version, channel="sms", language="cy", values=VALUES)
    assert (message.language, message.body, message.language_fell_back) == (
        "cy",
        "Eye clinic ar Wednesday 1 April 2026.",
        False,
    )


def test_a_language_the_version_lacks_falls_back_to_english_and_says_so(version):
    message = version_render(version=version, channel="nhsapp", language="cy", values=VALUES)
    assert (message.language, message.requested_language, message.language_fell_back) == ("en", "cy", True)
    assert message.fallback_note == "This version has no Welsh content, so it is shown in English."
    assert message.body == "Your **Eye clinic** visit."


def test_values_are_html_escaped_in_html(version):
    message = version_render(
        version=version, channel="nhsapp", language="en", values={**VALUES, "clinic": "<script>x</script>"}
    )
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html


def test_a_channel_the_version_lacks_is_not_found(version):
    with pytest.raises(ContentMissing) as missing:
        version_render(version=version, channel="letter", language="en", values=VALUES)
    assert isinstance(missing.value, NotFound)
    assert str(missing.value) == "This version has no letter content."


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (
            {"clinic": "Eye clinic"},
            {"appointment_date": ["Field 1 (appointment_date): no value was given."]},
        ),
        (
            {**VALUES, "appointment_date": "2026-04-01T09"},
            {
                "appointment_date": [
                    "Field 1 (appointment_date): the value is not a date in the form YYYY-MM-DD, like 2026-03-03."
                ]
            },
        ),
        (
            {**VALUES, "appointment_date": "1 April"},
            {
                "appointment_date": [
                    "Field 1 (appointment_date): the value is not a date in the form YYYY-MM-DD, like 2026-03-03."
                ]
            },
        ),
        (
            {**VALUES, "clinic": 42},
            {"clinic": ["Field 2 (clinic): the value must be text."]},
        ),
        (
            {**VALUES, "nhs_number": "9434765919"},
            {"nhs_number": ["'nhs_number' is not a field of this template."]},
        ),
        (["2026-04-01"], {"": ["Personalisation must be a set of named values."]}),
    ],
    ids=["missing", "not-a-date", "wrong-format", "not-text", "not-in-schema", "not-a-mapping"],
)
def test_values_are_refused_field_by_field_without_repeating_them(version, values, errors):
    with pytest.raises(PersonalisationInvalid) as invalid:
        version_render(version=version, channel="sms", language="en", values=values)
    assert invalid.value.errors == errors
    shown = " ".join(message for messages in invalid.value.errors.values() for message in messages)
    for value in ("2026-04-01T09", "1 April", "9434765919"):
        assert value not in shown


def test_a_draft_using_a_placeholder_its_schema_lacks_cannot_be_rendered(version_in, as_designer):
    draft = version_in(VersionStatus.DRAFT)
    services.version_draft_save(
        actor=as_designer,
        version=draft,
        lock_version=draft.lock_version,
        channels=["nhsapp"],
        schema=SCHEMA,
        contents=[{"channel": "nhsapp", "language": "en", "subject": "", "body": "Hi {{ first_name }}"}],
    )
    draft = TemplateVersion.objects.get(pk=draft.pk)
    with pytest.raises(ContentUnrenderable) as refused:
        version_render(version=draft, channel="nhsapp", language="en", values={"appointment_date": "2026-04-01"})
    assert str(refused.value) == "This content cannot be rendered: No value was given for: first_name."


def test_a_saved_draft_is_never_rendered_from_a_stale_compilation(version_in, as_designer):
    draft = version_in(VersionStatus.DRAFT)
    values = {"appointment_date": "2026-04-01"}
    assert version_render(version=draft, channel="sms", language="en", values=values).body == (
        "Your appointment is on Wednesday 1 April 2026."
    )
    services.version_draft_save(
        actor=as_designer,
        version=draft,
        lock_version=draft.lock_version,
        channels=["nhsapp", "sms"],
        schema=SCHEMA,
        contents=[
            {"channel": "nhsapp", "language": "en", "subject": "", "body": "Seen {{ appointment_date }}."},
            {"channel": "sms", "language": "en", "subject": "", "body": "Now on {{ appointment_date }}."},
        ],
    )
    draft = TemplateVersion.objects.get(pk=draft.pk)
    assert (
        version_render(version=draft, channel="sms", language="en", values=values).body
        == "Now on Wednesday 1 April 2026."
    )


def test_ten_thousand_messages_of_one_version_compile_once(version, monkeypatch, django_assert_max_num_queries):
    # Given a counter on the one function that compiles content
    compiled = []
    real = content_rendering.compile_template

    def counting(source, **kwargs):
        compiled.append(source)
        return real(source, **kwargs)

    monkeypatch.setattr(content_rendering, "compile_template", counting)
    # When a dispatcher renders 10,000 text messages of one version with different values
    with django_assert_max_num_queries(1):
        bodies = {
            version_render(
                version=version,
                channel="sms",
                language="en",
                values={"appointment_date": "2026-04-01", "clinic": f"Clinic {n}"},
            ).body
            for n in range(10_000)
        }
    # Then the content was compiled (and read from the database) once, and every message differs
    assert compiled == ["{{ clinic }} on {{ appointment_date }}."]
    assert len(bodies) == 10_000
