from django.urls import path

from notifyadmin.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
]
