"""Content rules: every lint code, positive and negative."""

from __future__ import annotations

import pytest

from notifyadmin.core.channels import Channel
from templates_app.content.lint import (
    RULES,
    ChannelContent,
    Finding,
    LintOptions,
    Severity,
    lint_content,
    lint_version,
)
from templates_app.content.schema import PersonalisationField

FIRST_NAME = PersonalisationField("first_name", "text", 35, "low", "Sam")
NHS_NUMBER = PersonalisationField("nhs_number", "number", 10, "identifying", "9990548609")
BOOKING_URL = PersonalisationField("booking_url", "url", 100, "none", "https://www.nhs.uk/book")
CLINIC = PersonalisationField("clinic", "clinic_code", 10, "none", "RJ1AB")
SCHEMA = [FIRST_NAME, NHS_NUMBER, BOOKING_URL, CLINIC]

CLEAN_SMS = "Hi {{ first_name }}, your vaccine appointment is ready. Book at {{ booking_url }}"
CLEAN_APP = (
    "# Your vaccine\n"
    "\n"
    "Hi {{ first_name }}, your vaccine is ready.\n"
    "\n"
    "[Book your vaccine]({{ booking_url }}) at clinic {{ clinic }}."
)


def lint(channel: Channel, body: str, *, language: str = "en", subject: str | None = None,
         schema: list[PersonalisationField] | None = None, options: LintOptions | None = None) -> list[Finding]:  # fmt: skip
    content = ChannelContent(channel, language, body, subject)
    return lint_content(
        content=content,
        schema=SCHEMA if schema is None else schema,
        options=options or LintOptions(),
    )


def only(findings: list[Finding], code: str) -> list[Finding]:
    return [finding for finding in findings if finding.code == code]


def summary(findings: list[Finding], code: str) -> list[tuple[int | None, str]]:
    return [(finding.line, finding.message) for finding in only(findings, code)]


def test_a_clean_version_has_no_findings() -> None:
    # Given English and Welsh content for every channel, using every field
    contents = [
        ChannelContent(Channel.SMS, "en", CLEAN_SMS),
        ChannelContent(
            Channel.SMS,
            "cy",
            "Helo {{ first_name }}, mae eich brechlyn yn barod: {{ booking_url }}",
        ),
        ChannelContent(Channel.NHSAPP, "en", CLEAN_APP),
        ChannelContent(
            Channel.EMAIL,
            "en",
            "Hi {{ first_name }},\n\nYour vaccine is ready.",
            "Your vaccine",
        ),
        ChannelContent(
            Channel.LETTER,
            "en",
            "Dear {{ first_name }}\n\nYour NHS number is {{ nhs_number }}.",
        ),
    ]
    # When the version is linted / Then nothing is found
    assert lint_version(contents=contents, schema=SCHEMA) == []


def test_every_rule_has_a_severity() -> None:
    assert RULES["placeholder.undeclared"] is Severity.ERROR
    assert RULES["placeholder.unused"] is Severity.WARNING
    assert set(RULES.values()) == {Severity.ERROR, Severity.WARNING}


# Version-wide rules


def test_a_version_needs_content() -> None:
    assert lint_version(contents=[], schema=[]) == [
        Finding("content.missing", Severity.ERROR, "Add content for at least one channel.")
    ]


@pytest.mark.hazard("HAZ-005")
def test_english_is_required_for_every_channel_used() -> None:
    # Given Welsh-only SMS content
    findings = lint_version(
        contents=[ChannelContent(Channel.SMS, "cy", CLEAN_SMS)],
        schema=SCHEMA[:1] + SCHEMA[2:3],
    )
    # Then the missing English is an error for that channel
    assert only(findings, "language.missing") == [
        Finding(
            "language.missing",
            Severity.ERROR,
            "The text message has no English content. English is required.",
            Channel.SMS,
            "en",
        )
    ]


def test_each_channel_and_language_appears_once() -> None:
    contents = [
        ChannelContent(Channel.SMS, "en", CLEAN_SMS),
        ChannelContent(Channel.SMS, "en", CLEAN_SMS),
    ]
    findings = lint_version(contents=contents, schema=[FIRST_NAME, BOOKING_URL])
    assert only(findings, "content.duplicate") == [
        Finding(
            "content.duplicate",
            Severity.ERROR,
            "There is more than one English text message.",
            Channel.SMS,
            "en",
        )
    ]


def test_schema_errors_are_reported() -> None:
    bad = PersonalisationField("Clinic", "text", 10, "low", "x")
    findings = lint_version(contents=[ChannelContent(Channel.LETTER, "en", "Hello")], schema=[bad])
    assert [finding.message for finding in only(findings, "schema.invalid")] == [
        (
            "Field 1 (Clinic): the name must use lowercase letters, digits and single underscores, "
            "and start with a letter, like appointment_date."
        )
    ]


def test_declared_but_unused_fields_are_a_warning() -> None:
    # Given content that uses only first_name and booking_url
    findings = lint_version(contents=[ChannelContent(Channel.SMS, "en", CLEAN_SMS)], schema=SCHEMA)
    # Then the other fields are reported once each, version-wide
    assert only(findings, "placeholder.unused") == [
        Finding(
            "placeholder.unused",
            Severity.WARNING,
            "The field nhs_number is not used in any content. Remove it, or use it as {{ nhs_number }}.",
        ),
        Finding(
            "placeholder.unused",
            Severity.WARNING,
            "The field clinic is not used in any content. Remove it, or use it as {{ clinic }}.",
        ),
    ]


def test_fields_used_only_in_a_subject_or_condition_count_as_used() -> None:
    contents = [
        ChannelContent(
            Channel.EMAIL,
            "en",
            "{% if clinic %}Hello{% endif %}",
            "Hi {{ first_name }}",
        )
    ]
    findings = lint_version(contents=contents, schema=[FIRST_NAME, CLINIC])
    assert only(findings, "placeholder.unused") == []


def test_unused_is_not_reported_when_some_content_has_syntax_problems() -> None:
    contents = [ChannelContent(Channel.LETTER, "en", "Hello {{ first_name.upper() }}")]
    findings = lint_version(contents=contents, schema=[FIRST_NAME])
    assert [finding.code for finding in findings] == ["template.syntax"]


# Content rules


def test_syntax_problems_are_errors_with_lines() -> None:
    findings = lint(Channel.LETTER, "Hello\n{{ ''.__class__ }}\n{{ x|e }}")
    assert summary(findings, "template.syntax") == [
        (
            2,
            "A placeholder may only hold a field name, like {{ name }}; found a dot (attribute access).",
        ),
        (
            3,
            "A placeholder may only hold a field name, like {{ name }}; found a filter (the | symbol).",
        ),
    ]
    findings = lint(Channel.LETTER, "Hello\n{% include 'x' %}")
    assert summary(findings, "template.syntax") == [
        (
            2,
            "{% include %} is not allowed. Only {% if %}, {% elif %}, {% else %} and {% endif %} can be used.",
        )
    ]
    assert only(findings, "template.syntax")[0].severity is Severity.ERROR


def test_undeclared_placeholders_are_errors() -> None:
    findings = lint(Channel.LETTER, "Dear {{ first_name }}\nYour {{ config }} and {{ frist_name }}")
    assert summary(findings, "placeholder.undeclared") == [
        (
            2,
            "{{ config }} is not a personalisation field. Add it to the fields or correct the name.",
        ),
        (
            2,
            "{{ frist_name }} is not a personalisation field. Add it to the fields or correct the name.",
        ),
    ]
    assert only(lint(Channel.LETTER, "Dear {{ first_name }}"), "placeholder.undeclared") == []


@pytest.mark.hazard("HAZ-010")
def test_identifying_data_is_an_error_in_sms() -> None:
    findings = lint(Channel.SMS, "Hi {{ first_name }}\nNHS number: {{ nhs_number }}")
    assert only(findings, "personal_data.identifying_in_sms") == [
        Finding(
            "personal_data.identifying_in_sms",
            Severity.ERROR,
            "{{ nhs_number }} holds identifying personal data, which must not be sent by text message: "
            "others can see texts on lock screens and shared phones.",
            Channel.SMS,
            "en",
            2,
            "body",
        )
    ]


def test_identifying_data_is_a_warning_in_the_nhs_app_and_allowed_in_letters() -> None:
    findings = lint(Channel.NHSAPP, "Your NHS number is {{ nhs_number }}.")
    assert summary(findings, "personal_data.identifying_in_nhsapp") == [
        (
            1,
            "{{ nhs_number }} holds identifying personal data. Include it in an NHS App message only if the patient needs it.",
        )
    ]
    assert only(findings, "personal_data.identifying_in_nhsapp")[0].severity is Severity.WARNING
    letter = lint(Channel.LETTER, "Your NHS number is {{ nhs_number }}.")
    assert [finding.code for finding in letter if finding.code.startswith("personal_data")] == []


def test_placeholders_inside_web_addresses_are_errors() -> None:
    # Given a bare URL and a Markdown link carrying identifiers
    findings = lint(
        Channel.NHSAPP,
        "Go to https://www.nhs.uk/check?id={{ nhs_number }}\n"
        "[Check your details]({{ first_name }})\n"
        "[Book your vaccine]({{ booking_url }}/{{ clinic }})",
    )
    message = (
        " is inside a web address. Web addresses are logged and shared, so they must not carry "
        "personal details. Use a url field for the whole address instead."
    )
    assert summary(findings, "placeholder.in_url") == [
        (1, "{{ nhs_number }}" + message),
        (2, "{{ first_name }}" + message),
        (3, "{{ booking_url }}, {{ clinic }}" + message),
    ]


def test_a_url_field_may_be_a_whole_link_address_or_stand_alone() -> None:
    findings = lint(
        Channel.NHSAPP,
        "[Book your vaccine]({{ booking_url }})\nOr go to {{ booking_url }}",
    )
    assert only(findings, "placeholder.in_url") == []
    assert only(lint(Channel.SMS, CLEAN_SMS), "placeholder.in_url") == []


def test_govuk_notify_placeholders_are_a_warning() -> None:
    findings = lint(Channel.LETTER, "Dear ((first name))")
    assert summary(findings, "placeholder.govuk_style") == [
        (
            1,
            "((first name)) is GOV.UK Notify style. Write placeholders as {{ first name }}.",
        )
    ]


def test_content_over_the_channel_limit_is_an_error() -> None:
    assert summary(lint(Channel.NHSAPP, "a" * 5001, schema=[]), "length.too_long") == [
        (
            None,
            "The NHS App message is 5,001 characters long. The most allowed is 5,000.",
        )
    ]
    assert only(lint(Channel.NHSAPP, "a" * 5000, schema=[]), "length.too_long") == []
    assert summary(lint(Channel.LETTER, "a" * 15001, schema=[]), "length.too_long") == [
        (None, "The letter is 15,001 characters long. The most allowed is 15,000.")
    ]
    # SMS counts escaped characters twice: 460 euro signs are 920 characters
    assert summary(lint(Channel.SMS, "€" * 460, schema=[]), "length.too_long") == [
        (None, "The text message is 920 characters long. The most allowed is 918.")
    ]
    assert only(lint(Channel.SMS, "€" * 459, schema=[]), "length.too_long") == []


def test_email_limit_is_100000() -> None:
    assert summary(lint(Channel.EMAIL, "a" * 100_001, subject="Hi", schema=[]), "length.too_long") == [
        (None, "The email is 100,001 characters long. The most allowed is 100,000.")
    ]


def test_length_is_also_checked_with_sample_values() -> None:
    # Given SMS that fits with placeholders but not with the sample text
    long_sample = PersonalisationField("details", "text", 500, "none", "x" * 500)
    body = "a" * 900 + "{{ details }}"
    findings = lint(Channel.SMS, body, schema=[long_sample])
    assert summary(findings, "length.too_long_with_samples") == [
        (
            None,
            "With the sample values the text message is 1,400 characters long. The most allowed is 918.",
        )
    ]
    assert only(findings, "length.may_exceed") == []


def test_length_at_maximum_field_lengths_is_a_warning() -> None:
    # Given a short sample but a generous maximum length
    notes = PersonalisationField("notes", "text", 1000, "none", "Bring your letter")
    findings = lint(Channel.SMS, "Hi. {{ notes }}", schema=[notes])
    assert summary(findings, "length.may_exceed") == [
        (
            None,
            (
                "With every field at its maximum length the text message could be 1,004 characters long, "
                "more than the 918 allowed. Shorten the text or the fields' maximum lengths."
            ),
        )
    ]
    assert only(findings, "length.too_long_with_samples") == []


def test_non_gsm_characters_in_sms_are_a_warning() -> None:
    findings = lint(
        Channel.SMS,
        "Hi {{ first_name }}\nIt’s time for your “booster”\tnow",
        schema=[FIRST_NAME],
    )
    assert summary(findings, "sms.non_gsm") == [
        (
            2,
            (
                "These characters are not in the GSM character set: ’, “, ”, U+0009 (tab). "
                "They make the text message use UCS-2, which fits 67 characters in a fragment instead of 153."
            ),
        )
    ]
    assert (
        only(
            lint(Channel.SMS, "Café, 5€ [ok] {{ first_name }}", schema=[FIRST_NAME]),
            "sms.non_gsm",
        )
        == []
    )


def test_sms_over_three_fragments_is_a_warning() -> None:
    # Given 460 GSM characters (4 fragments) and 459 (3 fragments)
    assert summary(lint(Channel.SMS, "a" * 460, schema=[]), "sms.fragments") == [
        (
            None,
            (
                "The text message is 4 fragments (460 characters, GSM-7). "
                "Keep it to 3 or fewer: each fragment is charged."
            ),
        )
    ]
    assert only(lint(Channel.SMS, "a" * 459, schema=[]), "sms.fragments") == []
    # The count uses the sample values, and the threshold is an option
    assert (
        only(
            lint(Channel.SMS, "a" * 150 + "{{ first_name }}", schema=[FIRST_NAME]),
            "sms.fragments",
        )
        == []
    )
    strict = LintOptions(max_sms_fragments=1)
    assert [f.message for f in only(lint(Channel.SMS, "a" * 158 + " {{ first_name }}", schema=[FIRST_NAME], options=strict), "sms.fragments")] == [
        "The text message is 2 fragments (162 characters, GSM-7). Keep it to 1 or fewer: each fragment is charged."
    ]  # fmt: skip


def test_broken_markdown_is_an_error_in_markdown_channels_only() -> None:
    body = "Hello <b>there</b>\n[Book](https://www.nhs.uk"
    findings = lint(Channel.NHSAPP, body, schema=[])
    assert [(f.code, f.severity, f.line) for f in findings if f.code.startswith("markdown.")] == [
        ("markdown.html", Severity.ERROR, 1),
        ("markdown.link_unclosed", Severity.ERROR, 2),
    ]
    email = lint(Channel.EMAIL, "### Small heading", subject="Hello", schema=[])
    assert [f.code for f in email] == ["markdown.heading_level"]
    assert [f.code for f in lint(Channel.SMS, body, schema=[]) if f.code.startswith("markdown.")] == []
    assert [f.code for f in lint(Channel.LETTER, body, schema=[]) if f.code.startswith("markdown.")] == []


def test_reading_age_above_the_threshold_is_a_warning() -> None:
    hard = (
        "Notwithstanding the aforementioned considerations, patients necessitating rescheduling "
        "should communicate expeditiously with the administrative department. Comprehensive "
        "documentation regarding immunisation eligibility is available electronically. "
        "Vaccination administration necessitates identification verification. "
        "Unfortunately, cancellations necessitate considerable administrative reorganisation."
    )
    findings = lint(Channel.LETTER, hard, schema=[])
    assert summary(findings, "readability.reading_age") == [
        (
            None,
            "The reading age is about 34. Aim for 11 or under: use shorter sentences and everyday words.",
        )
    ]
    # The threshold is an option, short texts are skipped, and only English is scored
    assert only(lint(Channel.LETTER, hard, schema=[], options=LintOptions(reading_age_threshold=34)), "readability.reading_age") == []  # fmt: skip
    assert only(lint(Channel.LETTER, "Notwithstanding considerations necessitating rescheduling.", schema=[]), "readability.reading_age") == []  # fmt: skip
    assert (
        only(
            lint(Channel.LETTER, hard, language="cy", schema=[]),
            "readability.reading_age",
        )
        == []
    )


def test_plain_text_has_no_reading_age_warning() -> None:
    plain = (
        "Your vaccine appointment is on Tuesday. Please come 10 minutes early. Bring a list of "
        "your medicines. If you cannot come, call us and we will find you a new time. We look "
        "forward to seeing you."
    )
    assert only(lint(Channel.LETTER, plain, schema=[]), "readability.reading_age") == []


def test_sentences_over_25_words_are_a_warning() -> None:
    long_sentence = " ".join(["word"] * 26) + "."
    findings = lint(
        Channel.LETTER,
        "Short one.\n" + long_sentence + " Another short one.",
        schema=[],
    )
    assert summary(findings, "readability.long_sentence") == [
        (
            2,
            'The sentence starting "word word word word word word" has 26 words. Keep sentences to 25 words or fewer.',
        )
    ]
    assert (
        only(
            lint(Channel.LETTER, " ".join(["word"] * 25) + ".", schema=[]),
            "readability.long_sentence",
        )
        == []
    )


def test_words_in_capitals_are_a_warning_except_acronyms() -> None:
    findings = lint(
        Channel.LETTER,
        "URGENT: your GP, NHS, A&E and COVID-19 PLEASE\nURGENT again",
        schema=[],
    )
    assert summary(findings, "style.all_caps") == [
        (
            1,
            '"URGENT" is in capital letters, which is harder to read. Use capitals only for acronyms like NHS.',
        ),
        (
            1,
            '"PLEASE" is in capital letters, which is harder to read. Use capitals only for acronyms like NHS.',
        ),
        (
            2,
            '"URGENT" is in capital letters, which is harder to read. Use capitals only for acronyms like NHS.',
        ),
    ]
    # Single capital letters, placeholders and web addresses are not checked
    clean = lint(
        Channel.LETTER,
        "I am A. See https://WWW.NHS.UK/ABC {{ first_name }}",
        schema=[FIRST_NAME],
    )
    assert only(clean, "style.all_caps") == []


def test_a_reply_keyword_in_capitals_is_not_shouting() -> None:
    # Given an SMS that tells the patient which word to send back
    findings = lint(Channel.SMS, "Reply STOP to opt out. Text YES to confirm. STOP PLEASE", schema=[])
    # Then the keywords pass, and capitals that are not a keyword are still flagged
    assert summary(findings, "style.all_caps") == [
        (
            1,
            '"STOP" is in capital letters, which is harder to read. Use capitals only for acronyms like NHS.',
        ),
        (
            1,
            '"PLEASE" is in capital letters, which is harder to read. Use capitals only for acronyms like NHS.',
        ),
    ]


def test_subject_in_capitals_is_a_warning() -> None:
    findings = lint(Channel.EMAIL, "Hello", subject="URGENT appointment", schema=[])
    assert [(f.code, f.part, f.line) for f in findings] == [("style.all_caps", "subject", 1)]


def test_jargon_is_a_warning_with_a_plain_alternative() -> None:
    findings = lint(
        Channel.LETTER,
        "Prior to your visit, please utilise the form in order to help us.\nYour DNA rate",
        schema=[],
    )
    assert summary(findings, "style.jargon") == [
        (1, 'Use "before" instead of "Prior to".'),
        (1, 'Use "use" instead of "utilise".'),
        (1, 'Use "to" instead of "in order to".'),
        (2, 'Use "missed appointment" instead of "DNA".'),
    ]
    # DNA is reported as jargon, not as capitals; "dna" in lower case is not the acronym
    assert only(findings, "style.all_caps") == []
    assert (
        only(
            lint(Channel.LETTER, "Your dna test and commencement.", schema=[]),
            "style.jargon",
        )
        == []
    )
    assert (
        only(
            lint(Channel.LETTER, "Prior to your visit.", language="cy", schema=[]),
            "style.jargon",
        )
        == []
    )


def test_vague_link_text_is_a_warning() -> None:
    findings = lint(
        Channel.NHSAPP,
        "[Click here](https://www.nhs.uk) or [this link](https://www.nhs.uk).",
        schema=[],
    )
    assert summary(findings, "link.vague_text") == [
        (
            1,
            'The link text "Click here" does not say where the link goes. Describe the destination, like "book your appointment".',
        ),
        (
            1,
            'The link text "this link" does not say where the link goes. Describe the destination, like "book your appointment".',
        ),
    ]
    sms = lint(Channel.SMS, "Click here: https://www.nhs.uk", schema=[])
    assert summary(sms, "link.vague_text") == [
        (
            1,
            'Avoid "click here". Say what the link is for, like "Book your appointment at".',
        )
    ]
    assert (
        only(
            lint(Channel.NHSAPP, "[Book your vaccine](https://www.nhs.uk)", schema=[]),
            "link.vague_text",
        )
        == []
    )


def test_blank_content_is_an_error() -> None:
    assert summary(lint(Channel.LETTER, "  \n", schema=[]), "content.blank") == [(None, "The letter has no text.")]


def test_email_needs_a_single_line_subject() -> None:
    assert [(f.code, f.part) for f in lint(Channel.EMAIL, "Hello", schema=[])] == [("subject.missing", "subject")]
    assert summary(
        lint(Channel.EMAIL, "Hello", subject="Your\nvaccine", schema=[]),
        "subject.multiline",
    ) == [(None, "The subject must be a single line.")]


def test_only_email_has_a_subject() -> None:
    findings = lint(Channel.SMS, "Hello", subject="Hi", schema=[])
    assert summary(findings, "subject.not_allowed") == [(None, "A text message has no subject line. Remove it.")]


def test_subject_placeholders_and_syntax_are_checked() -> None:
    findings = lint(Channel.EMAIL, "Hello", subject="Hi {{ surname }} {{ x.y }}", schema=[])
    assert [(f.code, f.part) for f in findings] == [("template.syntax", "subject")]
    findings = lint(Channel.EMAIL, "Hello", subject="Hi {{ surname }}", schema=[])
    assert [(f.code, f.part) for f in findings] == [("placeholder.undeclared", "subject")]


def test_findings_carry_channel_language_and_part() -> None:
    finding = lint(Channel.LETTER, "Dear {{ surname }}", language="cy", schema=[])[0]
    assert (finding.channel, finding.language, finding.part, finding.line) == (
        Channel.LETTER,
        "cy",
        "body",
        1,
    )


def test_channel_may_be_given_as_text() -> None:
    findings = lint_content(content=ChannelContent("sms", "en", "Hi {{ nhs_number }}"), schema=[NHS_NUMBER])  # type: ignore[arg-type]
    assert [f.code for f in findings] == ["personal_data.identifying_in_sms"]
