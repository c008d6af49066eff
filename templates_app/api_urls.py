"""API routes of this app under /api/v1/. Each view declares its access."""

urlpatterns: list = []  # type: ignore[type-arg]
