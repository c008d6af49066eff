"""Top-level routes. Every route declares who may use it (notifyadmin.accounts.access);
tests/test_route_access.py walks this configuration and fails for any route without one.
Django admin is for superusers only and is exempted by namespace in that test."""

from django.contrib import admin
from django.urls import include, path

from notifyadmin.core import views as core_views
from notifyadmin.core.schema import SchemaView

urlpatterns = [
    path("", include("notifyadmin.core.urls")),
    path("accounts/", include("notifyadmin.accounts.urls")),
    path("oidc/", include("notifyadmin.accounts.cis2.urls")),
    path("audit/", include("audit.urls")),
    path("templates/", include("templates_app.urls")),
    path("patients/", include("preferences.urls")),
    path("sending/", include("notifyadmin.sending.urls")),
    path("callbacks/nhs-notify/", include("notifyadmin.sending.callback_urls")),
    path("safety-case/", include("notifyadmin.safety.urls")),
    path("integrations/", include("notifyadmin.integrations.urls")),
    path("events/", include("notifyadmin.intake.urls")),
    path("api/v1/", include("notifyadmin.api_urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("django-admin/", admin.site.urls),
]

handler400 = "notifyadmin.core.views.bad_request"
handler403 = "notifyadmin.core.views.permission_denied"
handler404 = "notifyadmin.core.views.page_not_found"
handler500 = "notifyadmin.core.views.server_error"
