"""Every error-summary link reaches its field (issue 12, item 10): every POST form of every
page (the route walk of tests/test_hostile_forms.py) is posted empty, then with each field in
turn too long; each `href="#..."` in the error summary that comes back must name the id of an
input, select or textarea on that page, so following the link puts the cursor in the field."""

import re

import pytest

from notifyadmin.core.demo import seed_demo
from tests.test_hostile_forms import FormReader, routes, signed_in_client, text_of

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'class="nhsuk-error-summary".*?</ul>', re.S)
FIELD_IDS = re.compile(r'<(?:input|select|textarea)\b[^>]*?\bid="([^"]+)"', re.S)
# Links found in other helpers' parts of the tree, reported to the lead rather than fixed here:
# (page, anchor). The template-create page links to its channels fieldset, not to a checkbox.
KNOWN_ELSEWHERE: set[tuple[str, str]] = set()
# Forms that end the session or whose empty post is an action, not a mistake to report.
SKIPPED_ACTIONS = ("/accounts/sign-out/",)


def broken_links(html: str) -> tuple[list[str], int]:
    """(links to no field, number of links checked) in the page's error summary."""
    summary = SUMMARY.search(html)
    if summary is None:
        return [], 0
    targets = re.findall(r'href="#([^"]*)"', summary.group(0))
    fields = set(FIELD_IDS.findall(html))
    if re.search(r'<main\b[^>]*\bid="maincontent"', html):
        fields.add("maincontent")  # errors of the whole form link to the page's main content
    return [target for target in targets if target not in fields], len(targets)


def test_broken_links_reads_a_summary():
    page = (
        '<div class="nhsuk-error-summary"><ul class="nhsuk-list"><li><a href="#id_reason">Enter a reason</a></li>'
        '<li><a href="#id_missing">Oops</a></li></ul></div><textarea class="x" id="id_reason"></textarea>'
    )
    assert broken_links(page) == (["id_missing"], 2)


@pytest.fixture
def demo() -> dict:
    return seed_demo(password="error-summary-walk").people  # type: ignore[return-value]


def test_every_error_summary_link_reaches_its_field(demo):
    problems: list[str] = []
    checked = 0
    for route in routes():
        url = route.url()
        if url.startswith(SKIPPED_ACTIONS):
            continue
        client = signed_in_client(demo, route.role)
        page = client.get(url)
        if page.status_code != 200:
            continue
        reader = FormReader(url)
        reader.feed(text_of(page))
        forms = [form for form in reader.forms if form.method == "post" and form.action.endswith(url)]
        for form in forms:
            names = [name for name in form.fields if name != "csrfmiddlewaretoken"]
            attempts = [dict.fromkeys(names, "")] + [{**form.fields, name: "x" * 10_000} for name in names]
            for data in attempts:
                response = signed_in_client(demo, route.role).post(url, data)
                if response.status_code >= 300 and response.status_code != 400:
                    continue
                broken, count = broken_links(text_of(response))
                checked += count
                problems += [
                    f"POST {url}: error summary links to #{target}, no such field"
                    for target in broken
                    if (url, target) not in KNOWN_ELSEWHERE
                ]
    assert checked > 20, f"only {checked} error-summary links checked: the walk found too few forms"
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))
