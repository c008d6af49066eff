from django.urls import path

from notifyadmin.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("switch-role/", views.switch_role, name="switch-role"),
    path("staff/", views.staff_list, name="staff-list"),
]
