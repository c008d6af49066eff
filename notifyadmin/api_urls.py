"""API routes under /api/v1/. Each app adds its own api.py routes here."""

from django.urls import include, path

urlpatterns = [
    path("templates/", include("templates_app.api_urls")),
    path("preferences/", include("preferences.api_urls")),
]
