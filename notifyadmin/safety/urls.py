from django.urls import path

from notifyadmin.safety import views

app_name = "safety"

urlpatterns = [
    path("", views.safety_case, name="case"),
]
