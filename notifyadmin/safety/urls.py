from django.urls import path

from notifyadmin.safety import hazard_views, views

app_name = "safety"

urlpatterns = [
    path("", views.safety_case, name="case"),
    path("hazards/", hazard_views.hazard_list, name="hazards"),
    path("hazards/raise/", hazard_views.hazard_raise, name="hazard-raise"),
    path("hazards/<str:hazard_id>/", hazard_views.hazard_detail, name="hazard"),
    path("hazards/<str:hazard_id>/status/", hazard_views.hazard_status, name="hazard-status"),
]
