"""The restricted template syntax: checking, placeholders and rendering."""

from __future__ import annotations

import pytest

from templates_app.content.rendering import (
    RenderError,
    SyntaxProblem,
    TemplateSyntaxProblem,
    check_template,
    placeholder_lines,
    placeholders_used,
    render,
)

ONLY_IF = "Only {% if %}, {% elif %}, {% else %} and {% endif %} can be used."
PLACEHOLDER_ONLY = "A placeholder may only hold a field name, like {{ name }}; found "


def test_plain_placeholders_and_conditionals_are_allowed() -> None:
    # Given content using every allowed construct, nested and with whitespace control
    source = (
        "Hello {{ first_name }},\n"
        "{% if clinic_name %}\n"
        "At {{ clinic_name }}.\n"
        "{% elif not phone %}\n"
        "{%- if email -%} Email {{ email }} {%- endif -%}\n"
        "{% else %}\n"
        "Call {{ phone }}.\n"
        "{% endif %}\n"
    )
    # Then there are no problems, and every name is found with its first line
    assert check_template(source) == []
    assert placeholder_lines(source) == {
        "first_name": 1,
        "clinic_name": 2,
        "phone": 4,
        "email": 5,
    }
    assert placeholders_used(source) == {"first_name", "clinic_name", "phone", "email"}


@pytest.mark.hazard("HAZ-010")
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", PLACEHOLDER_ONLY + "a dot (attribute access)."),
        (
            "{{ cycler.__init__.__globals__ }}",
            PLACEHOLDER_ONLY + "a dot (attribute access).",
        ),
        ("{{ x|attr('__class__') }}", PLACEHOLDER_ONLY + "a filter (the | symbol)."),
        ("{{ 7*7 }}", PLACEHOLDER_ONLY + "a calculation."),
        ("{{ name() }}", PLACEHOLDER_ONLY + "a function call."),
        ("{{ name[0] }}", PLACEHOLDER_ONLY + "square brackets."),
        ("{{ 'text' }}", PLACEHOLDER_ONLY + "a fixed value."),
        ("{{ a ~ b }}", PLACEHOLDER_ONLY + "joining with ~."),
        ("{{ a if b }}", PLACEHOLDER_ONLY + "an inline if."),
        ("{{ not a }}", PLACEHOLDER_ONLY + "'not' (which only works in {% if %})."),
        ("{{ a is defined }}", PLACEHOLDER_ONLY + "a test (the word 'is')."),
        ("{% import 'os' as os %}", "{% import %} is not allowed. " + ONLY_IF),
        ("{% for %}", "{% for %} is not allowed. " + ONLY_IF),
        ("{% set x = 1 %}", "{% set %} is not allowed. " + ONLY_IF),
        ("{% include 'base.html' %}", "{% include %} is not allowed. " + ONLY_IF),
        ("{% extends 'base.html' %}", "{% extends %} is not allowed. " + ONLY_IF),
        ("{% raw %}{{ x }}{% endraw %}", "{% raw %} is not allowed."),
        (
            "{# note #}",
            (
                "Comments ({# ... #}) are not allowed, because the preview would not show them. "
                "Put notes for reviewers in the change notes."
            ),
        ),
        (
            "{% if a.b %}x{% endif %}",
            (
                "A condition may only test a field name, like {% if name %} or {% if not name %}; "
                "found a dot (attribute access)."
            ),
        ),
        (
            "{% if a == 'b' %}x{% endif %}",
            ("A condition may only test a field name, like {% if name %} or {% if not name %}; found a comparison."),
        ),
        (
            "{% if a and b %}x{% endif %}",
            "A condition may only test a field name, like {% if name %} or {% if not name %}; found 'and'.",
        ),
        ("{% if a %}x", "An {% if %} is not closed. Add {% endif %} after its text."),
        ("x{% endif %}", "{% endif %} has no matching {% if %}."),
        ("{% else %}", "{% else %} or {% elif %} has no matching {% if %}."),
        (
            "{{ name",
            "A placeholder is not closed, or holds more than a name. Write it as {{ name }}.",
        ),
        (
            "{{ }}",
            "Something is missing: write a field name, like {{ name }} or {% if name %}.",
        ),
        ("{% %}", "A {% ... %} tag must start with if, elif, else or endif."),
    ],
)
def test_everything_else_is_a_syntax_problem(source: str, message: str) -> None:
    # When the content is checked / Then one plain problem is reported on line 1
    assert check_template(source) == [SyntaxProblem(1, message)]


def test_every_refused_tag_is_reported() -> None:
    source = "{% macro m() %}x{% endmacro %}"
    assert check_template(source) == [
        SyntaxProblem(1, "{% macro %} is not allowed. " + ONLY_IF),
        SyntaxProblem(1, "{% endmacro %} is not allowed. " + ONLY_IF),
    ]


def test_problems_carry_their_line_number() -> None:
    source = "Hello\n\nYour {{ appointment.date }}\n{{ ok }}\n{{ x|upper }}"
    assert check_template(source) == [
        SyntaxProblem(3, PLACEHOLDER_ONLY + "a dot (attribute access)."),
        SyntaxProblem(5, PLACEHOLDER_ONLY + "a filter (the | symbol)."),
    ]


@pytest.mark.parametrize("name", ["config", "lipsum", "range", "cycler", "namespace", "request"])
def test_jinja_globals_are_only_unknown_placeholders(name: str) -> None:
    # Given content naming a Jinja global or a framework object
    source = f"{{{{ {name} }}}}"
    # Then the syntax allows it as a placeholder ...
    assert check_template(source) == []
    # ... but it can never be rendered from anything but the values given
    with pytest.raises(RenderError, match=f"No value was given for: {name}."):
        render(source, {})
    assert render(source, {name: "safe"}) == "safe"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("{{ self }}", "self"),
        ("{{ loop }}", "loop"),
        ("{% if caller %}x{% endif %}", "caller"),
        ("{% if not self %}x{% endif %}", "self"),
    ],
)
def test_names_jinja_binds_itself_are_refused(source: str, name: str) -> None:
    # Given a name Jinja would resolve itself ({{ self }} is the template object)
    # Then it is refused
    assert check_template(source) == [SyntaxProblem(1, f"'{name}' is a reserved word and cannot be a placeholder.")]


def test_render_substitutes_values_and_keeps_layout() -> None:
    # Given a conditional on its own lines
    source = "Hi {{ name }}\n{% if clinic %}\nAt {{ clinic }}\n{% else %}\nCall us\n{% endif %}\nBye\n"
    # When rendered with and without the condition's value
    with_clinic = render(source, {"name": "Sam", "clinic": "Riverside"})
    without_clinic = render(source, {"name": "Sam", "clinic": ""})
    # Then the tags leave no blank lines and the trailing newline is kept
    assert with_clinic == "Hi Sam\nAt Riverside\nBye\n"
    assert without_clinic == "Hi Sam\nCall us\nBye\n"


@pytest.mark.hazard("HAZ-010")
def test_render_does_not_evaluate_template_syntax_in_values() -> None:
    assert render("{{ name }}", {"name": "{{ 7*7 }}"}) == "{{ 7*7 }}"


def test_render_escapes_values_only_for_html() -> None:
    values = {"name": "<b>Sam & Co</b>"}
    assert render("Hi {{ name }}", values) == "Hi <b>Sam & Co</b>"
    assert render("<p>Hi {{ name }}</p>", values, html=True) == "<p>Hi &lt;b&gt;Sam &amp; Co&lt;/b&gt;</p>"


def test_render_lists_every_missing_value() -> None:
    # Given a name used only in a branch that would not be taken
    source = "{% if a %}{{ b }}{% endif %}{{ c }}"
    # When rendered without values / Then all are named, sorted
    with pytest.raises(RenderError) as raised:
        render(source, {"a": ""})
    assert str(raised.value) == "No value was given for: b, c."
    assert raised.value.missing == ["b", "c"]


def test_render_refuses_values_that_are_not_text() -> None:
    with pytest.raises(RenderError, match=r"^Values must be text; these are not: count\.$"):
        render("{{ count }}", {"count": 3})  # type: ignore[dict-item]


def test_render_and_placeholders_refuse_invalid_syntax() -> None:
    with pytest.raises(TemplateSyntaxProblem) as raised:
        render("{{ x.y }}", {"x": "1"})
    assert str(raised.value) == "Line 1: " + PLACEHOLDER_ONLY + "a dot (attribute access)."
    assert raised.value.problems == [SyntaxProblem(1, PLACEHOLDER_ONLY + "a dot (attribute access).")]
    with pytest.raises(TemplateSyntaxProblem):
        placeholders_used("{% for x in y %}{% endfor %}")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "{%if x%}" * 5_000,
            "Conditions are nested more than 10 deep. Close some with {% endif %} or write the text more simply.",
        ),
        (
            "{% if x %}" * 5_000 + "{% endif %}" * 5_000,
            "The text is 105,000 characters long. A template can hold at most 100,000 characters.",
        ),
        (
            "{{" * 10_000,
            "Brackets are nested more than 10 deep. A placeholder holds only a field name, like {{ name }}.",
        ),
        (
            "{{ (((((((((((x))))))))))) }}",
            "Brackets are nested more than 10 deep. A placeholder holds only a field name, like {{ name }}.",
        ),
    ],
    ids=["5000-nested-ifs", "too-long", "10000-braces", "11-brackets"],
)
def test_content_too_deep_or_long_to_parse_is_refused_before_parsing(source, message):
    # Given content that would exhaust the parser's recursion; when it is checked, rendered or
    # its placeholders read, then it is refused with one plain problem, never a RecursionError
    assert check_template(source) == [SyntaxProblem(1, message)]
    with pytest.raises(TemplateSyntaxProblem, match=r"^Line 1: "):
        placeholders_used(source)
    with pytest.raises(TemplateSyntaxProblem):
        render(source, {"x": "1"})


def test_ten_levels_of_conditions_are_allowed():
    source = "{% if x %}" * 10 + "deep" + "{% endif %}" * 10
    assert check_template(source) == []
    assert render(source, {"x": "yes"}) == "deep"
