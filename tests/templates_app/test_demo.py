"""Demo templates seed in every state and can be seeded twice."""

from notifyadmin.core.demo import seed_foundation
from templates_app import demo
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus
from templates_app.selectors import history_rows, template_history


def test_demo_seeds_every_state_and_is_safe_to_run_twice(db):
    context = seed_foundation(password="demo-password-123")
    demo.seed(context)
    demo.seed(context)
    assert MessageTemplate.objects.count() == len(demo.DEMO_TEMPLATES)
    statuses = set(TemplateVersion.objects.values_list("status", flat=True))
    assert statuses >= {
        VersionStatus.DRAFT,
        VersionStatus.SUBMITTED,
        VersionStatus.CONTENT_APPROVED,
        VersionStatus.SIGNED_OFF,
        VersionStatus.PUBLISHED,
        VersionStatus.SUPERSEDED,
    }
    assert TemplateVersion.objects.filter(contents__language="cy").exists()


def test_demo_template_history_names_the_demo_staff_who_made_it(db):
    # Given the demo templates, seeded outside any request (as `make run` does)
    context = seed_foundation(password="demo-password-123")
    demo.seed(context)

    # When the history of the template that went through every step is read
    template = MessageTemplate.objects.get(name="Screening invitation")
    rows = history_rows(template_history(template=template))

    # Then each sentence names the person who took the step (Tom wrote it, Priya reviewed it,
    # Helen signed it off), never "The system"
    sentences = [row["sentence"] for row in reversed(rows)]
    assert sentences == [
        "Tom Okafor created the template",
        "Tom Okafor started a new draft",
        "Tom Okafor saved the draft of version 1.0",
        "Tom Okafor submitted version 1.0 for content review",
        "Priya Shah approved the content of version 1.0",
        "Helen Marsh signed off version 1.0",
        "Tom Okafor published version 1.0",
        "Tom Okafor made the template send with the version just published",
        "Tom Okafor started a new draft",
        "Tom Okafor saved the draft of version 1.1",
        "Tom Okafor submitted version 1.1 for content review",
        "Priya Shah approved the content of version 1.1",
        "Helen Marsh signed off version 1.1",
        "Tom Okafor published a newer version, so version 1.0 was superseded",
        "Tom Okafor published version 1.1",
        "Tom Okafor made the template send with the version just published",
    ]
