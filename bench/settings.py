"""The application's settings with the benchmarks' floor view added (bench/urls.py).

Used only by bench/run.py's servers and probes; never deployed.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
