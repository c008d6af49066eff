"""API plumbing shared by every app: error bodies that never echo patient data."""

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from notifyadmin.core.correlation import get_correlation_id


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        response.data["correlation_id"] = get_correlation_id()
    return response
