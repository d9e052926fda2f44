"""Every import of the application (units, cadres, tasks, scores, adjustments, pools, the grid's
upload): its columns and how to run it over `review_month`, for the tests that throw files at
all of them (test_import_fuzz, test_import_limits)."""

from types import SimpleNamespace

from directives.imports import TASK_COLUMNS, tasks_import
from scoring.io.imports import (
    ADJUSTMENT_COLUMNS,
    POOL_COLUMNS,
    SCORE_COLUMNS,
    adjustments_import,
    pools_import,
    scores_import,
)
from scoring.models import Phase
from scoring.month.services.grid import supervisor_grid_import
from tests.month.conftest import open_month
from units.services import CADRE_COLUMNS, UNIT_COLUMNS, cadres_import, units_import

GRID_COLUMNS = ["cadre_code", "full_name", "g1", "g2", "g3", "g4", "g5", "t"]
COLUMNS = {
    "units": UNIT_COLUMNS,
    "cadres": CADRE_COLUMNS,
    "tasks": TASK_COLUMNS,
    "scores": SCORE_COLUMNS,
    "adjustments": ADJUSTMENT_COLUMNS,
    "pools": POOL_COLUMNS,
    "grid": GRID_COLUMNS,
}
KINDS = list(COLUMNS)


def review_month(org) -> SimpleNamespace:
    """A month over W1-A in supervisor review (head HA, staff SA and SA2)."""
    return SimpleNamespace(period=open_month(org.a, phase=Phase.REVIEW), org=org)


def run_import(kind, world, data):
    """Import `data` as `kind` into `world` (`review_month`), as the command line or the
    grid's upload does."""
    month = world.period.month
    runners = {
        "units": lambda: units_import(data=data),
        "cadres": lambda: cadres_import(data=data),
        "tasks": lambda: tasks_import(data=data),
        "scores": lambda: scores_import(data=data, month=month),
        "adjustments": lambda: adjustments_import(data=data, month=month),
        "pools": lambda: pools_import(data=data, month=month),
        "grid": lambda: supervisor_grid_import(
            period=world.period,
            unit=world.org.a,
            rater=world.org.head_a,
            data=data,
            user=world.org.head_a.user,
        ),
    }
    return runners[kind]()
