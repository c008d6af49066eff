"""Pages of this app. Each view declares its access (notifyadmin.accounts.access)."""

app_name = "preferences"

urlpatterns: list = []  # type: ignore[type-arg]
