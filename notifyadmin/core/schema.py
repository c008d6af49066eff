"""The OpenAPI schema view, with its access declaration."""

from drf_spectacular.views import SpectacularAPIView

from notifyadmin.accounts.access import Access


class SchemaView(SpectacularAPIView):
    access = Access(public_reason="the API contract; it describes endpoints and holds no data")
