"""API routes of this app under /api/v1/preferences/. Each view declares its access
(Permission.PREFERENCE_API: client systems only, see notifyadmin.integrations.authentication)."""

from django.urls import path

from preferences.api import views as api

urlpatterns = [
    path("patients/lookup/", api.PatientLookupView.as_view(), name="preferences-api-lookup"),
    path("patients/<uuid:patient_id>/", api.PatientPreferencesView.as_view(), name="preferences-api-patient"),
    path("patients/<uuid:patient_id>/changes/", api.PatientChangeView.as_view(), name="preferences-api-change"),
    path("opt-outs/", api.OptOutView.as_view(), name="preferences-api-opt-out"),
]
