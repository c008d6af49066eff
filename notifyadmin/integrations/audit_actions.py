"""Audit actions of client-system integrations (registered in IntegrationsConfig.ready)."""

ACTIONS = {
    "api_client.created": "API client created",
    "api_client.deactivated": "API client deactivated",
    "api_client.permissions.changed": "API client's permissions changed",
    "api_key.created": "API key created",
    "api_key.rotated": "API key rotated",
    "api_key.revoked": "API key revoked",
}
