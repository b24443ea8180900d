"""What each installed app contributes to the shell, found the way Django admin finds
admin.py: a new domain app is one folder plus one INSTALLED_APPS line.

An app contributes through its AppConfig and its modules:

- `ledgers.py`, `figures.py` — found by the engine (core/apps.py);
- `demo.py` — demo steps (`@demo_step(order)`, shell/demo.py);
- `urls.py` — its `urlpatterns`, included at the site root;
- `api.py` — routes on the engine's `api` object;
- `AppConfig.navigation` — [(url name, label, order[, who])]: `who`, the dotted path of a
  function(user) -> bool, shows the entry only to those it lets in (an entry must never
  lead to 无权访问); without it, to every signed-in user;
- `AppConfig.commands` — {public sub-command: (management command, help)};
- `AppConfig.home_panels` — [(dotted path of a function(request) -> HTML, order)];
- `AppConfig.me_sections` — the same, for 我的 (what the member did in that app)."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.utils.module_loading import import_string


def _configs():
    return [c for c in apps.get_app_configs() if c.name.startswith("taizhang.")] + [
        c for c in apps.get_app_configs() if not c.name.startswith(("taizhang.", "django."))
    ]


def navigation(user=None) -> list[tuple[str, str]]:
    """The entries `user` may use (all of them when no user is given), in order."""
    entries = sorted(
        (e for c in _configs() for e in getattr(c, "navigation", [])), key=lambda e: e[2]
    )
    return [
        (name, label)
        for name, label, _, *who in entries
        if user is None or not who or import_string(who[0])(user)
    ]


def commands() -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for config in _configs():
        found.update(getattr(config, "commands", {}))
    return found


def home_panels() -> list:
    entries = [e for c in _configs() for e in getattr(c, "home_panels", [])]
    return [import_string(path) for path, _ in sorted(entries, key=lambda e: e[1])]


def me_sections() -> list:
    entries = [e for c in _configs() for e in getattr(c, "me_sections", [])]
    return [import_string(path) for path, _ in sorted(entries, key=lambda e: e[1])]


def url_modules() -> list:
    """Every installed app's urls.py (the shell's own last: its catch-alls stay last)."""
    found = []
    for config in _configs():
        name = f"{config.name}.urls"
        if config.label != "shell" and find_spec(name) is not None:
            found.append(import_module(name))
    return found
