from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("patient/", views.patient_lookup, name="patient-lookup"),
    path("export.csv", views.event_export, name="event-export"),
    path("verify/", views.verify, name="verify"),
    path("verify/<uuid:verification_id>/", views.verification_detail, name="verification"),
]
