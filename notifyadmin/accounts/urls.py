from django.urls import path

from notifyadmin.accounts import organisation_views, stepup, views
from notifyadmin.accounts.cis2 import mapping_views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("switch-role/", views.switch_role, name="switch-role"),
    path("staff/", views.staff_list, name="staff-list"),
    path("confirm-it-is-you/", stepup.confirm_password, name="stepup"),
    path("role-mappings/", mapping_views.role_mapping_list, name="role-mapping-list"),
    path("role-mappings/new/", mapping_views.role_mapping_create, name="role-mapping-create"),
    path("role-mappings/<str:mapping_id>/", mapping_views.role_mapping_edit, name="role-mapping-edit"),
    path("role-mappings/<str:mapping_id>/delete/", mapping_views.role_mapping_delete, name="role-mapping-delete"),
    path("organisation/", organisation_views.organisation_detail, name="organisation"),
]
