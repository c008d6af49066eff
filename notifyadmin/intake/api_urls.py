"""API routes of intake under /api/v1/events (access declared on the view: event.submit)."""

from django.urls import path

from notifyadmin.intake.api import EventsView

urlpatterns = [
    path("", EventsView.as_view(), name="intake-api-events"),
]
