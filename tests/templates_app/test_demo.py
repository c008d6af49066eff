"""Demo templates seed in every state and can be seeded twice."""

from notifyadmin.core.demo import seed_foundation
from templates_app import demo
from templates_app.models import MessageTemplate, TemplateVersion, VersionStatus


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
