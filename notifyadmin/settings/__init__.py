"""Settings per environment: base, local (make run), test (make test), and the deployed
environments sandbox, int and production (each on deployed.py).

NOTIFY_ENVIRONMENT chooses the module (`settings_module_for`); each module refuses to load for
another environment, so a deployed environment can never fall back to local settings.
"""

ENVIRONMENT_SETTINGS = {
    "local": "notifyadmin.settings.local",
    "sandbox": "notifyadmin.settings.sandbox",
    "int": "notifyadmin.settings.int",
    "production": "notifyadmin.settings.production",
}


def settings_module_for(environment: str) -> str:
    """The settings module of a NOTIFY_ENVIRONMENT value; ValueError for any other value."""
    try:
        return ENVIRONMENT_SETTINGS[environment]
    except KeyError:
        raise ValueError(
            f"NOTIFY_ENVIRONMENT must be one of {', '.join(ENVIRONMENT_SETTINGS)}; it is {environment!r}."
        ) from None
