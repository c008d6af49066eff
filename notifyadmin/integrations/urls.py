"""Administrators' pages for API clients. Each route declares its access
(Permission.API_CLIENT_MANAGE); URLs hold only opaque ids."""

from django.urls import path

from notifyadmin.integrations import views

app_name = "integrations"

urlpatterns = [
    path("api-clients/", views.client_list, name="client-list"),
    path("api-clients/new/", views.client_create, name="client-create"),
    path("api-clients/<uuid:client_id>/", views.client_detail, name="client-detail"),
    path("api-clients/<uuid:client_id>/rotate/", views.key_rotate, name="key-rotate"),
    path("api-clients/<uuid:client_id>/permissions/", views.client_permissions, name="client-permissions"),
    path("api-clients/<uuid:client_id>/deactivate/", views.client_deactivate, name="client-deactivate"),
    path("api-clients/<uuid:client_id>/keys/<uuid:key_id>/revoke/", views.key_revoke, name="key-revoke"),
]
