"""The NHS App Markdown subset checker and HTML preview."""

from __future__ import annotations

import pytest

from templates_app.content.markdown_check import (
    MarkdownLink,
    MarkdownProblem,
    check_markdown,
    find_links,
    mask_template_tags,
    to_html,
)


def test_the_whole_subset_passes() -> None:
    # Given content using every supported construct, with placeholders
    text = (
        "# Your appointment\n"
        "## What to bring\n"
        "\n"
        "Dear {{ first_name }}, **please** bring:\n"
        "- your letter\n"
        "* a list of medicines\n"
        "1. arrive early\n"
        "\n"
        "---\n"
        "***\n"
        "[Manage your appointment]({{ booking_url }}) or [visit NHS](https://www.nhs.uk).\n"
        "[Email us](mailto:clinic@nhs.net), [call us](tel:02079460000)\n"
        "Your dose is 5 * 2 = 10 mg for first_name_here.\n"
        "{% if phone %}Call {{ phone }}{% endif %}\n"
    )
    # Then nothing is reported
    assert check_markdown(text) == []


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("### Small", "markdown.heading_level", "Only # and ## headings can be used."),
        (
            "#Heading",
            "markdown.heading_space",
            "Put a space after # to make a heading.",
        ),
        (
            "> quoted",
            "markdown.quote",
            "Quotes (lines starting with >) are not supported.",
        ),
        ("```", "markdown.code", "Code blocks are not supported."),
        (
            "Hi <b>there</b>",
            "markdown.html",
            ("HTML like <b> is not allowed. Use Markdown, for example **bold** or [link text](https://www.nhs.uk)."),
        ),
        (
            "<!-- hidden -->",
            "markdown.html",
            ("HTML like <!-- is not allowed. Use Markdown, for example **bold** or [link text](https://www.nhs.uk)."),
        ),
        (
            "![NHS logo](https://www.nhs.uk/logo.png)",
            "markdown.image",
            "Images are not allowed.",
        ),
        (
            "[Book now](https://www.nhs.uk",
            "markdown.link_unclosed",
            "A link is not finished. Write links as [link text](https://www.nhs.uk).",
        ),
        (
            "[Book now](",
            "markdown.link_unclosed",
            "A link is not finished. Write links as [link text](https://www.nhs.uk).",
        ),
        (
            "[Book](https://www.nhs.uk/a b)",
            "markdown.link_space",
            "A link address must not contain spaces.",
        ),
        (
            "[Book](http://www.nhs.uk)",
            "markdown.link_scheme",
            "Link addresses must start with https://.",
        ),
        (
            "[Book](javascript:alert(1))",
            "markdown.link_scheme",
            "Link addresses must start with https://.",
        ),
        (
            "This is *important*",
            "markdown.italic",
            "Italics are not supported. Use plain text, or **bold** sparingly.",
        ),
        (
            "This is _important_",
            "markdown.italic",
            "Italics are not supported. Use plain text, or **bold** sparingly.",
        ),
        (
            "This is **important",
            "markdown.bold_unclosed",
            "Bold text is not closed. Put ** before and after it.",
        ),
    ],
)
def test_each_problem_is_reported_with_code_and_message(text: str, code: str, message: str) -> None:
    assert check_markdown(text) == [MarkdownProblem(code, 1, message)]


def test_problems_carry_their_line_and_come_in_line_order() -> None:
    # Given bold opened in one paragraph and closed in the next, and HTML later
    text = "Line one\n**bold starts\n\nends** here\n<br>"
    # Then each unpaired ** is reported in its own paragraph
    assert [(problem.line, problem.code) for problem in check_markdown(text)] == [
        (2, "markdown.bold_unclosed"),
        (4, "markdown.bold_unclosed"),
        (5, "markdown.html"),
    ]


def test_bold_may_span_lines_within_a_paragraph() -> None:
    assert check_markdown("**bold\nstill bold**") == []


def test_inside_a_code_block_only_the_fence_is_reported() -> None:
    text = "```\n<b>*x*</b>\n```\nafter"
    assert [(problem.line, problem.code) for problem in check_markdown(text)] == [(1, "markdown.code")]


def test_placeholders_do_not_look_like_broken_markdown() -> None:
    # Given a placeholder with spaces inside a link address
    text = "[Book](https://www.nhs.uk/{{ clinic }}/book) and {{ a_b }} and {% if x_y %}_{% endif %}"
    assert check_markdown(text) == []


def test_find_links_returns_complete_links_only() -> None:
    text = "[One](https://a.nhs.uk) ![img](https://b)\n[Two]({{ url }}) [broken](https://c"
    assert find_links(text) == [
        MarkdownLink(1, "One", "https://a.nhs.uk"),
        MarkdownLink(2, "Two", "{{ url }}"),
    ]


def test_mask_template_tags_keeps_line_numbers() -> None:
    assert mask_template_tags("a {{ x }}\n{% if\ny %}b") == "a {{p}}\n{{p}}\nb"


def test_html_preview_renders_the_subset() -> None:
    html = to_html("# Title\n\nHello **Sam**\nnext line\n\n- one\n- two\n\n[NHS](https://www.nhs.uk)")
    assert html == (
        "<h1>Title</h1>\n"
        "<p>Hello <strong>Sam</strong><br />\nnext line</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        '<p><a href="https://www.nhs.uk">NHS</a></p>'
    )


def test_html_preview_escapes_raw_html_and_defuses_images_and_scripts() -> None:
    # Given raw HTML, a script link and an image
    html = to_html(
        "<script>alert(1)</script>\n\n"
        'Hi <img src=x onerror="alert(1)"> [x](javascript:alert(1)) ![logo](https://x/y.png)'
    )
    # Then HTML is shown as text, the unsafe link has no address, the image is its alt text
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        '<p>Hi &lt;img src=x onerror="alert(1)"&gt; <a>x</a> <span>logo</span></p>'
    )
