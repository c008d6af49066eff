"""Mounted at /oidc/. Names without a namespace, as mozilla-django-oidc reverses them."""

from django.urls import path

from notifyadmin.accounts.cis2 import views

urlpatterns = [
    path("authenticate/", views.authentication_init, name="oidc_authentication_init"),
    path("callback/", views.authentication_callback, name="oidc_authentication_callback"),
    path("stepup/", views.stepup, name="oidc_stepup"),
    path("backchannel-logout/", views.backchannel_logout, name="oidc_backchannel_logout"),
]
