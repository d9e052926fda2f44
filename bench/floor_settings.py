"""The framework floor of the benchmarks: Django itself, and nothing of FiveClear.

A project as `django-admin startproject` makes it (its default apps and its default middleware,
in its order) with one view answering a fixed string (bench/floor_urls.py). bench/run.py serves
it with the same gunicorn, workers and wrk connections as the application, so a page's ratio to
it says how much of what Django can do the page keeps. No database: the view reads nothing and
a request without a session cookie never opens one.

Used only by bench/run.py's servers; never deployed.
"""

import os

SECRET_KEY = os.environ.get("SECRET_KEY", "bench-framework-floor-" + "x" * 40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

# Django's default middleware (startproject's settings.py, Django 5.2), in its order.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bench.floor_urls"
DATABASES: dict = {}
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
