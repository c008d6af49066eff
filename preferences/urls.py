"""Pages of this app. Each view declares its access (notifyadmin.accounts.access).
Patient URLs hold only the opaque patient id, never an identifier."""

from django.urls import path

from preferences import views

app_name = "preferences"

urlpatterns = [
    path("", views.patient_find_view, name="patient-find"),
    path("<uuid:patient_id>/", views.patient_detail, name="patient-detail"),
    path("<uuid:patient_id>/preferences/", views.preferences_change_view, name="preferences-change"),
    path("<uuid:patient_id>/contact/<uuid:contact_point_id>/reveal/", views.contact_reveal_view, name="contact-reveal"),
    path("<uuid:patient_id>/caller-check/reveal/", views.identity_reveal_view, name="identity-reveal"),
    path("<uuid:patient_id>/details/", views.patient_details_view, name="patient-details"),
    path("<uuid:patient_id>/contact/add/", views.contact_point_add_view, name="contact-add"),
    path(
        "<uuid:patient_id>/contact/<uuid:contact_point_id>/status/",
        views.contact_point_status_view,
        name="contact-status",
    ),
    path("<uuid:patient_id>/timeline/", views.patient_timeline_view, name="patient-timeline"),
    path("<uuid:patient_id>/timeline/compare/", views.patient_compare_view, name="patient-compare"),
    path("<uuid:patient_id>/timeline/revert/", views.patient_revert_view, name="patient-revert"),
]
