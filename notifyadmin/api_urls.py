"""API routes under /api/v1/. Each app adds its own api.py routes here. The last route answers
every unmatched path with a 404 problem document, never an HTML page."""

from django.urls import include, path, re_path

from notifyadmin.core.api import api_not_found

urlpatterns = [
    path("templates/", include("templates_app.api_urls")),
    path("preferences/", include("preferences.api_urls")),
    path("events", include("notifyadmin.intake.api_urls")),
    re_path(r"^.*$", api_not_found, name="api-not-found"),
]
