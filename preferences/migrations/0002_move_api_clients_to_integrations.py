"""API clients and idempotency records moved to notifyadmin.integrations (which copies the rows
in its 0002 before these tables are dropped)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("preferences", "0001_initial"),
        ("integrations", "0002_move_api_clients_from_preferences"),
    ]

    operations = [
        migrations.DeleteModel(name="IdempotencyRecord"),
        migrations.DeleteModel(name="ApiClient"),
    ]
