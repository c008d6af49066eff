"""API routes of this app under /api/v1/templates/. Each view declares its access."""

from django.urls import path

from templates_app import api

urlpatterns = [
    path("", api.PublishedTemplateListView.as_view(), name="templates-api-list"),
    path("<uuid:template_id>/", api.PublishedTemplateDetailView.as_view(), name="templates-api-detail"),
]
