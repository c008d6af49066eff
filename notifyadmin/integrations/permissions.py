"""The permissions an administrator may grant to a client system, with what each allows.

A client holds only what it was granted here; staff permissions can never be granted to it.
Add a permission for a new API (for example `event.submit`) to roles.py and to this table.
"""

from notifyadmin.accounts.roles import Permission

CLIENT_PERMISSIONS: dict[Permission, str] = {
    Permission.PREFERENCE_API: "Read and change patients' contact preferences, and record opt-outs",
    Permission.TEMPLATE_API: "Read published message templates",
    Permission.EVENT_SUBMIT: "Send events (appointments booked, cancelled...) that notifyadmin turns into messages",
}


def client_permission_choices() -> list[tuple[str, str]]:
    return [(permission.value, label) for permission, label in CLIENT_PERMISSIONS.items()]
