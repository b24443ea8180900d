"""The site's settings plus the throw-away app that shows a new app needs one line."""

from taizhang.config.settings import *  # noqa: F403
from taizhang.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.throwaway"]
# Two-factor login is off for the suite (users log in with a password, as before); the
# two-factor tests turn it on with override_settings.
TWO_FACTOR_ROLES: list[str] = []
