"""Every route declares who may use it. Django admin (superusers only) is the one exemption."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

from notifyadmin.accounts.access import access_of, public, requires
from notifyadmin.accounts.roles import PERMISSIONS, Permission, Role

EXEMPT_NAMESPACES = {"admin"}  # Django admin: its own superuser/staff checks


def walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, object]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            child_namespace = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), child_namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.callback


def undeclared_routes(patterns: list) -> list[str]:
    return [
        route
        for route, namespace, callback in walk(patterns)
        if namespace not in EXEMPT_NAMESPACES and access_of(callback) is None
    ]


def test_every_route_declares_its_roles():
    routes = list(walk(get_resolver().url_patterns))
    assert len(routes) > 10
    assert undeclared_routes(get_resolver().url_patterns) == []


def test_the_walk_finds_an_undeclared_route():
    from django.urls import path

    def undeclared(request):  # pragma: no cover - never called
        raise AssertionError

    declared = public("test")(lambda request: None)
    assert undeclared_routes([path("a/", undeclared), path("b/", declared)]) == ["a/"]


# Permissions held by client systems, never by a member of staff.
SYSTEM_ONLY = {
    Permission.PREFERENCE_API,
    Permission.TEMPLATE_API,
    Permission.MESSAGE_DISPATCH,
    Permission.EVENT_SUBMIT,
}


def test_every_permission_names_its_roles():
    assert set(PERMISSIONS) == set(Permission)
    assert [p for p in Permission if not PERMISSIONS[p] and p not in SYSTEM_ONLY] == []


def test_requires_declares_its_permission():
    view = requires(Permission.AUDIT_VIEW)(lambda request: None)
    assert access_of(view).permission is Permission.AUDIT_VIEW
    assert Role.AUDITOR in PERMISSIONS[access_of(view).permission]


def test_sending_a_test_to_yourself_is_for_content_designers_and_clinical_safety_officers_only():
    from django.urls import resolve, reverse

    assert PERMISSIONS[Permission.MESSAGE_SEND_TEST] == {Role.CONTENT_DESIGNER, Role.CLINICAL_SAFETY_OFFICER}
    urls = [
        reverse("sending:self-tests"),
        reverse("sending:test-contact"),
        reverse("sending:self-test", args=["00000000-0000-0000-0000-000000000001"]),
    ]
    assert [access_of(resolve(url).func).permission for url in urls] == [Permission.MESSAGE_SEND_TEST] * 3
