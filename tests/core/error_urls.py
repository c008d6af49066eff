"""The app's URLs, its error handlers, and a page that fails (for the 500 page tests)."""

from notifyadmin.urls import handler400, handler403, handler404, handler500  # noqa: F401
from tests.core.logging_urls import urlpatterns  # noqa: F401
