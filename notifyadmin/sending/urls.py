from django.urls import path

from notifyadmin.sending import operations, views

app_name = "sending"

urlpatterns = [
    path("kill-switches/", views.kill_switch_list, name="kill-switch-list"),
    path("kill-switches/stop/", views.kill_switch_set, name="kill-switch-set"),
    path("kill-switches/<uuid:switch_id>/clear/", views.kill_switch_clear, name="kill-switch-clear"),
    path("operations/", operations.operations_view, name="operations"),
]
