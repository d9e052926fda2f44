"""The framework's signed-in floor: bench/floor_settings.py (Django's defaults) with a database
and a session, and a view that asks who the user is (bench/floor_urls.py, /floor/user/).

What Django itself costs for a signed-in request before any page: the session read (from the
shared cache when the bench runs Redis, as the application's), the user read, Django's default
middleware. Used only by bench/run.py's servers; never deployed.
"""

import environ

from bench.floor_settings import *  # noqa: F403

env = environ.Env()
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 600
if env("CACHE_URL", default=""):
    CACHES = {"default": env.cache("CACHE_URL")}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
