"""A URL configuration for logging tests only: a page that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a page")


urlpatterns = [
    path("broken/", broken, name="broken"),
    path("", include("notifyadmin.urls")),
]
