"""Pages of this app. Each view declares its access (notifyadmin.accounts.access)."""

from django.urls import path

from templates_app import views

app_name = "templates_app"

urlpatterns = [
    path("", views.template_list, name="template-list"),
    path("new/", views.template_create, name="template-create"),
    path("work-queue/", views.work_queue, name="work-queue"),
    path("routing-plans/", views.routing_plans, name="routing-plans"),
    path("<uuid:template_id>/", views.template_detail, name="template-detail"),
    path("<uuid:template_id>/compare/", views.version_compare, name="version-compare"),
    path("<uuid:template_id>/versions/new/", views.version_new_draft, name="version-new-draft"),
    path("<uuid:template_id>/versions/<uuid:version_id>/", views.version_detail, name="version-detail"),
    path("<uuid:template_id>/versions/<uuid:version_id>/edit/", views.version_edit, name="version-edit"),
    path("<uuid:template_id>/versions/<uuid:version_id>/preview/", views.version_preview, name="version-preview"),
    path(
        "<uuid:template_id>/versions/<uuid:version_id>/preview/letter.pdf",
        views.version_letter_pdf,
        name="version-letter-pdf",
    ),
    path("<uuid:template_id>/versions/<uuid:version_id>/submit/", views.version_submit, name="version-submit"),
    path("<uuid:template_id>/versions/<uuid:version_id>/withdraw/", views.version_withdraw, name="version-withdraw"),
    path(
        "<uuid:template_id>/versions/<uuid:version_id>/content-review/",
        views.version_content_review,
        name="version-content-review",
    ),
    path("<uuid:template_id>/versions/<uuid:version_id>/sign-off/", views.version_sign_off, name="version-sign-off"),
    path("<uuid:template_id>/versions/<uuid:version_id>/publish/", views.version_publish, name="version-publish"),
    path("<uuid:template_id>/versions/<uuid:version_id>/retire/", views.version_retire, name="version-retire"),
]
