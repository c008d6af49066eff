"""Pages of this app. Each view declares its access (notifyadmin.accounts.access)."""

app_name = "templates_app"

urlpatterns: list = []  # type: ignore[type-arg]
