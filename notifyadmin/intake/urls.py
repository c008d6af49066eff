from django.urls import path

from notifyadmin.intake import views

app_name = "intake"

urlpatterns = [
    path("mappings/", views.mapping_list, name="mapping-list"),
    path("mappings/<slug:event_type>/", views.mapping_edit, name="mapping-edit"),
    path("log/", views.event_log, name="event-log"),
]
