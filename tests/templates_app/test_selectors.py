"""Selectors: one template or version of the actor's organisation (else NotFound), history in
one paginated query, and the work queues and home panels built on them."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from notifyadmin.accounts.roles import Role
from notifyadmin.core.actor import Actor
from notifyadmin.core.errors import NotFound
from notifyadmin.core.home import home_panels_for
from templates_app import selectors, services
from templates_app.models import TemplateVersion, VersionStatus
from tests.templates_app.conftest import ctx


def names(items):
    return [item.version.template.name for item in items]


# --- One object of the actor's organisation ---------------------------------------------


def test_template_and_version_of_the_organisation_are_found(version_in, as_designer):
    version = version_in(VersionStatus.DRAFT)
    assert selectors.template_get(actor=as_designer, template_id=version.template_id) == version.template
    assert selectors.version_get(actor=as_designer, template_id=version.template_id, version_id=version.id) == version


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "0b0c3c16-8a5e-4b4e-9d1c-1b2f3d4e5f60", ""])
def test_unknown_or_malformed_ids_are_not_found(version_in, as_designer, bad_id):
    version = version_in(VersionStatus.DRAFT)
    with pytest.raises(NotFound, match=r"^Not found in your organisation\.$"):
        selectors.template_get(actor=as_designer, template_id=bad_id)
    with pytest.raises(NotFound, match=r"^Not found in your organisation\.$"):
        selectors.version_get(actor=as_designer, template_id=version.template_id, version_id=bad_id)


def test_another_organisations_template_is_not_found(version_in, make_staff, other_organisation):
    version = version_in(VersionStatus.DRAFT)
    outsider = ctx(
        make_staff(Role.CONTENT_DESIGNER, organisation=other_organisation), Role.CONTENT_DESIGNER, other_organisation
    )
    with pytest.raises(NotFound):
        selectors.template_get(actor=outsider, template_id=version.template_id)
    with pytest.raises(NotFound):
        selectors.version_get(actor=outsider, template_id=version.template_id, version_id=version.id)


def test_a_version_under_another_template_is_not_found(version_in, as_designer):
    one, two = version_in(VersionStatus.DRAFT), version_in(VersionStatus.DRAFT, name="Another")
    with pytest.raises(NotFound):
        selectors.version_get(actor=as_designer, template_id=one.template_id, version_id=two.id)


# --- History --------------------------------------------------------------------------


def test_history_is_one_paginated_query_newest_first(version_in, designer, django_assert_num_queries):
    version = version_in(VersionStatus.SUBMITTED)
    history = selectors.template_history(template=version.template)
    with django_assert_num_queries(2):  # the count and the page
        page = selectors.page_of(history, page=1, per_page=2)
        rows = list(page.object_list)
    assert page.paginator.count == TemplateVersion.history.filter(template_id=version.template_id).count() + 1
    assert [row["when"] for row in rows] == sorted((row["when"] for row in rows), reverse=True)
    shown = selectors.history_rows(rows)
    assert shown[0] == {
        "when": rows[0]["when"],
        "who": designer,  # the service's actor, even outside a request
        "sentence": "Priya Shah submitted version 1.0 for content review",
    }


def test_history_rows_name_template_and_version_changes(version_in):
    version = version_in(VersionStatus.DRAFT)
    shown = selectors.history_rows(selectors.template_history(template=version.template))
    assert [row["sentence"] for row in shown][-2:] == [
        "Priya Shah started a new draft",
        "Priya Shah created the template",
    ]


def test_history_says_what_publishing_and_retiring_did_to_the_template(version_in):
    # Given a version published then retired by its author, Priya Shah
    version = version_in(VersionStatus.RETIRED)

    sentences = [
        row["sentence"] for row in selectors.history_rows(selectors.template_history(template=version.template))
    ]

    # Then the template's own rows say what happened to it, not "changed the template's settings"
    assert sentences[:4] == [
        "Priya Shah stopped the template sending until another version is published",
        "Priya Shah retired version 1.0",
        "Priya Shah made the template send with the version just published",
        "Priya Shah published version 1.0",
    ]


# --- Work queues ----------------------------------------------------------------------


def test_content_review_queue_leaves_out_the_readers_own(version_in, as_designer, as_designer2):
    version_in(VersionStatus.SUBMITTED)
    assert selectors.queue_awaiting_content_review(actor=as_designer) == []
    assert names(selectors.queue_awaiting_content_review(actor=as_designer2)) == ["Appointment booked"]


def test_signoff_queue_is_oldest_first_and_leaves_out_author_and_approver(
    version_in, as_cso, designer, designer2, organisation
):
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        version_in(VersionStatus.CONTENT_APPROVED, name="Older")
    version_in(VersionStatus.CONTENT_APPROVED, name="Newer")
    queue = selectors.queue_awaiting_signoff(actor=as_cso)
    assert names(queue) == ["Older", "Newer"]
    assert selectors.waited_text(queue[0].waiting) == "3 days"
    # The author and the content approver, even working as clinical safety officers, see none
    for person in (designer, designer2):
        assert selectors.queue_awaiting_signoff(actor=ctx(person, Role.CLINICAL_SAFETY_OFFICER, organisation)) == []


def test_queues_are_empty_for_roles_that_cannot_act(version_in, make_staff, organisation):
    version_in(VersionStatus.CONTENT_APPROVED)
    auditor = ctx(make_staff(Role.AUDITOR), Role.AUDITOR, organisation)
    assert selectors.queue_awaiting_signoff(actor=auditor) == []
    assert selectors.queue_awaiting_content_review(actor=auditor) == []
    assert selectors.queue_ready_to_publish(actor=auditor) == []


def test_drafts_changes_requested_and_waiting_on_others(version_in, as_designer, as_designer2):
    version_in(VersionStatus.DRAFT, name="Draft one")
    version_in(VersionStatus.CHANGES_REQUESTED, name="Sent back")
    version_in(VersionStatus.SUBMITTED, name="In review")
    version_in(VersionStatus.CONTENT_APPROVED, name="At sign-off")
    assert names(selectors.queue_my_drafts(actor=as_designer)) == ["Draft one"]
    [sent_back] = selectors.queue_changes_requested(actor=as_designer)
    assert (sent_back.version.template.name, sent_back.waiting_for) == (
        "Sent back",
        "changes requested by Tom Okafor",
    )
    waiting = selectors.queue_waiting_on_others(actor=as_designer)
    assert [(i.version.template.name, i.waiting_for) for i in waiting] == [
        ("In review", "content review by another content designer"),
        ("At sign-off", "clinical sign-off by a clinical safety officer"),
    ]
    # Another designer has no drafts of their own
    assert selectors.queue_my_drafts(actor=as_designer2) == []


def test_ready_to_publish(version_in, as_designer):
    version_in(VersionStatus.SIGNED_OFF)
    assert names(selectors.queue_ready_to_publish(actor=as_designer)) == ["Appointment booked"]


def test_a_queue_reads_a_fixed_number_of_queries(version_in, as_cso, django_assert_max_num_queries):
    for n in range(5):
        version_in(VersionStatus.CONTENT_APPROVED, name=f"Template {n}")
    with django_assert_max_num_queries(2):  # the versions, and their reviews
        assert len(selectors.queue_awaiting_signoff(actor=as_cso)) == 5


# --- Home panels ----------------------------------------------------------------------


def panels(actor: Actor) -> dict[str, object]:
    return {panel["heading"]: panel for panel in home_panels_for(actor)}


def test_clinical_safety_officer_home_lists_versions_awaiting_signoff_with_waiting_time(version_in, as_cso):
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        version = version_in(VersionStatus.CONTENT_APPROVED)
    panel = panels(as_cso)["Awaiting your clinical sign-off"]
    [item] = panel["items"]
    assert (item.text, item.note) == ("Appointment booked, version 1.0", "waiting 3 days")
    assert item.href == f"/templates/{version.template_id}/versions/{version.id}/"
    assert list(panels(as_cso)) == ["Awaiting your clinical sign-off"]


def test_empty_panels_say_what_would_appear_and_how(as_cso, as_designer):
    assert panels(as_cso)["Awaiting your clinical sign-off"]["empty"] == (
        "Versions appear here when a content designer's draft passes content review."
    )
    designer_panels = panels(as_designer)
    assert list(designer_panels) == [
        "Your drafts",
        "Changes requested on your versions",
        "Your versions waiting on others",
        "Signed off, ready to publish",
        "Awaiting your content review",
    ]
    assert all(panel["items"] == [] for panel in designer_panels.values())
    assert designer_panels["Your drafts"]["action_href"] == "/templates/new/"


def test_content_designer_home_shows_what_their_versions_wait_for(version_in, as_designer):
    version_in(VersionStatus.CONTENT_APPROVED)
    [item] = panels(as_designer)["Your versions waiting on others"]["items"]
    assert (item.text, item.note) == (
        "Appointment booked, version 1.0",
        "waiting less than a minute for clinical sign-off by a clinical safety officer",
    )


def test_a_changes_request_reaches_the_authors_home(version_in, as_designer, as_designer2):
    version = version_in(VersionStatus.SUBMITTED)
    draft = services.version_changes_request(
        actor=as_designer2, version=version, content_hash=version.content_hash, comments="Say where to park."
    )
    [item] = panels(as_designer)["Changes requested on your versions"]["items"]
    assert (item.text, item.href) == (
        "Appointment booked, draft",
        f"/templates/{draft.template_id}/versions/{draft.id}/edit/",
    )
    assert item.note == "changes requested by Tom Okafor, less than a minute ago"
