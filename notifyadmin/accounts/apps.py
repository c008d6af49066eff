from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "notifyadmin.accounts"
    label = "accounts"
    verbose_name = "Organisations and staff"
