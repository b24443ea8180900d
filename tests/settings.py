"""The site's settings plus the throw-away app that shows a new app needs one line."""

from taizhang.config.settings import *  # noqa: F403
from taizhang.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.throwaway"]
