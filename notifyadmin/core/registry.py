"""Registries each app fills from its own `AppConfig.ready()`: navigation, home page panels,
demo seeders and Celery queues. The kernel owns the mechanism; an app owns its entries, so a
new feature is added in its own folder, not by editing central lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from notifyadmin.accounts.roles import Permission, Role

if TYPE_CHECKING:
    from notifyadmin.core.actor import Actor
    from notifyadmin.core.demo import DemoContext

T = TypeVar("T")


class Registry(Generic[T]):
    """Keyed entries in a stable order (`order`, then registration); a key registers once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, tuple[int, int, T]] = {}

    def register(self, key: str, entry: T, *, order: int = 100) -> T:
        if key in self._entries and self._entries[key][2] != entry:
            raise ValueError(f"{self.name}: {key!r} is already registered")
        self._entries.setdefault(key, (order, len(self._entries), entry))
        return entry

    def __iter__(self) -> Iterator[T]:
        return iter(entry for _, _, entry in sorted(self._entries.values(), key=lambda item: item[:2]))

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def keys(self) -> list[str]:
        return [key for key, _ in sorted(self._entries.items(), key=lambda item: item[1][:2])]


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission


@dataclass(frozen=True)
class HomeCard:
    """A link to a page the role works in."""

    heading: str
    description: str
    url_name: str
    permission: Permission
    roles: frozenset[Role] | None = None  # None: every role the permission admits


@dataclass(frozen=True)
class HomeItem:
    """One line of work on a home panel: what, a link to it, and a note (waiting time...)."""

    text: str
    href: str
    note: str = ""


@dataclass(frozen=True)
class HomePanel:
    """A list of the actor's own work on their home page (drafts to finish, versions awaiting
    sign-off...). `items(actor)` reads it; `empty` says what would appear and how to make it."""

    heading: str
    permission: Permission
    items: Callable[[Actor], list[HomeItem]]
    empty: str
    roles: frozenset[Role] | None = None
    action_text: str = ""
    action_url_name: str = ""


@dataclass(frozen=True)
class Seeder:
    """A demo seeder: a function taking the DemoContext, run by `seed_demo` in order."""

    seed: Callable[[DemoContext], Any]


@dataclass(frozen=True)
class Queue:
    name: str
    description: str = ""
    routes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Schedule:
    """Periodic work run by django-celery-beat: every `every_seconds`, or at a UK-time crontab
    (`minute`, `hour`)."""

    name: str
    task: str
    every_seconds: int | None = None
    minute: str = "*"
    hour: str = "*"


NAVIGATION: Registry[NavItem] = Registry("navigation")
HOME_CARDS: Registry[HomeCard] = Registry("home cards")
HOME_PANELS: Registry[HomePanel] = Registry("home panels")
SEEDERS: Registry[Seeder] = Registry("demo seeders")
QUEUES: Registry[Queue] = Registry("queues")
SCHEDULES: Registry[Schedule] = Registry("schedules")
