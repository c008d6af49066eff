"""The footer's help and accessibility statement, the product's own 404 and 500 pages under the
local settings (DEBUG off unless DJANGO_DEBUG=1), and what seed_demo prints."""

import html as html_lib
import io
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from notifyadmin.accounts.roles import Role


def text_of(response) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.django_db
def test_the_footer_links_help_and_the_accessibility_statement_on_every_page(client_for):
    for response in (Client().get("/accounts/sign-in/"), client_for(Role.AUDITOR).get("/")):
        html = response.content.decode()
        assert re.search(r'href="/help/"[^>]*>\s*Help\s*<', html)
        assert re.search(r'href="/accessibility/"[^>]*>\s*Accessibility statement\s*<', html)


@pytest.mark.django_db
def test_help_is_readable_before_signing_in_and_names_every_role():
    response = Client().get("/help/")

    text = text_of(response)
    assert response.status_code == 200
    assert "notifyadmin is where NHS staff govern the messages their organisation sends to patients" in text
    for title in ("Content design", "Clinical safety", "Service desk", "Operations", "Audit", "Administration"):
        assert f" {title} " in text
    assert "ask your organisation's notifyadmin administrator to check its role mappings" in text


@pytest.mark.django_db
def test_the_accessibility_statement_has_the_parts_a_public_sector_statement_needs():
    response = Client().get("/accessibility/")

    text = text_of(response)
    assert response.status_code == 200
    for heading in (
        "Accessibility statement for notifyadmin",
        "How accessible this service is",
        "Reporting accessibility problems",
        "Enforcement procedure",
        "Compliance status",
        "Preparation of this statement",
    ):
        assert heading in text
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in text


def local_debug(environment: dict[str, str]) -> str:
    """DEBUG as the local settings module decides it, in a fresh interpreter."""
    env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_DEBUG", "DEBUG")}
    env.update({"NOTIFY_ENVIRONMENT": "local", **environment})
    code = "import notifyadmin.settings.local as s; print(s.DEBUG, s.WHITENOISE_USE_FINDERS)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_local_settings_have_debug_off_unless_django_debug_is_set():
    assert local_debug({}) == "False True"
    assert local_debug({"DJANGO_DEBUG": "1"}) == "True True"


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
def test_with_debug_off_a_missing_page_is_the_products_404():
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    text = text_of(response)
    assert "Page not found" in text
    assert "If you typed the web address, check it is correct." in text
    assert "Accessibility statement" in text  # the product's own page, with its footer


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.error_urls")
def test_with_debug_off_a_failing_page_is_the_products_500():
    response = Client(raise_request_exception=False).get("/broken/")

    assert response.status_code == 500
    text = text_of(response)
    assert "Sorry, there is a problem with the service" in text
    assert "Reference for the service desk:" in text
    assert "RuntimeError" not in text


@pytest.mark.django_db
def test_seed_demo_prints_the_demo_patients_test_nhs_numbers():
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    lines = out.getvalue().splitlines()
    start = lines.index("Demo patients (test NHS numbers, for Find a patient):")
    assert lines[start + 1] == "  999 000 0018  Margaret Holloway"
    assert lines[start + 2] == "  999 001 0013  Dafydd Rees"
    numbers = [line.split("  ")[1] for line in lines[start + 1 :] if line.startswith("  999 ")]
    assert all(re.fullmatch(r"999 \d{3} \d{4}", number) for number in numbers)


def test_the_local_find_a_patient_hint_names_the_first_demo_patient():
    env = {key: value for key, value in os.environ.items() if key != "PATIENT_SEARCH_HINT"}
    env["NOTIFY_ENVIRONMENT"] = "local"
    code = "import notifyadmin.settings.local as s; print(s.PATIENT_SEARCH_HINT)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("For example, 999 000 0018 (Margaret Holloway, a demo patient).")
