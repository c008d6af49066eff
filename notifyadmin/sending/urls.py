from django.urls import path

from notifyadmin.sending import operations, patient_views, self_test_views, views

app_name = "sending"

urlpatterns = [
    path("kill-switches/", views.kill_switch_list, name="kill-switch-list"),
    path("kill-switches/stop/", views.kill_switch_set, name="kill-switch-set"),
    path("kill-switches/<uuid:switch_id>/clear/", views.kill_switch_clear, name="kill-switch-clear"),
    path("operations/", operations.operations_view, name="operations"),
]

urlpatterns += [
    path("patients/<uuid:patient_id>/messages/", patient_views.message_history_view, name="patient-history"),
    path(
        "patients/<uuid:patient_id>/messages/export/",
        patient_views.message_history_export_view,
        name="patient-history-export",
    ),
    path("patients/<uuid:patient_id>/send/", patient_views.manual_send_view, name="patient-send"),
]

# Sending a test to yourself (content designers and clinical safety officers).
urlpatterns += [
    path("tests/", self_test_views.self_tests_view, name="self-tests"),
    path("tests/contact-details/", self_test_views.self_test_contact_view, name="test-contact"),
    path("tests/versions/<uuid:version_id>/", self_test_views.self_test_view, name="self-test"),
]
