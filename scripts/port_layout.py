"""Reorganise the flat `scoring` app by capability (issue 13, part 2), mechanically.

Run from the repository root on a tree that still has the flat modules (`scoring/views_month.py`,
`scoring/services.py`, ...):

    .venv/bin/python scripts/port_layout.py          # moves, splits, rewrites, then ruff
    .venv/bin/python scripts/port_layout.py --dry-run   # prints what it would do

What it does, in order:

1. `git mv` each whole module of MOVES to its package (a module missing is skipped, so a tree
   already ported is left alone; a flat module named in neither map is reported and stays).
2. Splits each module of SPLITS into a package of small modules by moving its top-level
   definitions' source text (decorators and the comments above them included). A definition not
   named in the map (one added since the map was written) follows its nearest named neighbour
   above it (below it when it is the first); a module-level constant goes to the first module
   whose definitions use it. Each new module gets the original imports it uses and imports the
   names it needs from its sibling modules. The original module's docstring becomes the
   package's. The modules' dependency graph is checked for cycles.
3. Rewrites every reference across the repository: `from scoring.x import a`, `from scoring import
   x [as y]` (for a split module `y.name` becomes `<module>.name`, `setattr(y, "name", ...)` too),
   dotted strings (`include("scoring.urls_month")`, `"scoring.services.period_decide"`) and paths
   in the docs and pyproject (`scoring/views_month.py`).
4. Rewrites the open-work paragraph of docs/ARCHITECTURE.md into the map of the packages.
5. Runs `ruff check --fix` (import order, unused imports) and `ruff format` over the files touched,
   then `make messages` so the catalogues' source locations name the new modules.

Nothing is kept at the old import paths.
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import shutil
import subprocess
import symtable
import sys
import textwrap
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Whole modules: old dotted name -> new dotted name.
MOVES = {
    # the month
    "scoring.urls_month": "scoring.month.urls",
    "scoring.forms_month": "scoring.month.forms",
    "scoring.services_month": "scoring.month.services.grid",
    "scoring.deciding": "scoring.month.services.by_unit",
    "scoring.beside": "scoring.month.beside",
    "scoring.peers": "scoring.month.peers",
    "scoring.corrections": "scoring.month.corrections",
    "scoring.notices": "scoring.month.notices",
    "scoring.reminders": "scoring.month.reminders",
    # the dashboards
    "scoring.views_dashboard": "scoring.dashboards.views",
    "scoring.urls_dashboard": "scoring.dashboards.urls",
    "scoring.exports_dashboard": "scoring.dashboards.exports",
    "scoring.dashboards_output": "scoring.dashboards.output",
    "scoring.dashboards_on_time": "scoring.dashboards.on_time",
    "scoring.flags": "scoring.dashboards.flags",
    # a period's own pages, a task's month
    "scoring.views_period": "scoring.periods.views",
    "scoring.urls_period": "scoring.periods.urls",
    "scoring.views_taskmonth": "scoring.tasks_month.views",
    "scoring.urls_taskmonth": "scoring.tasks_month.urls",
    # files in and out
    "scoring.imports": "scoring.io.imports",
    "scoring.exports": "scoring.io.exports",
    "scoring.formats": "scoring.io.formats",
    "scoring.bulkwrite": "scoring.io.bulkwrite",
    # the demo ward
}

# The flat modules that stay where they are (the app's own: models, admin, the signals, the
# signals).
STAY = {
    "scoring.__init__",
    "scoring.admin",
    "scoring.apps",
    "scoring.errors",
    "scoring.events",
    "scoring.models",
    "scoring.reasons",
    "scoring.signals",
}


@dataclass
class Piece:
    module: str  # dotted
    doc: str
    names: list[str]


# Modules split by capability: old dotted name -> (the package's docstring source, its pieces).
# The first piece of each list is where names nobody placed end up when they have no neighbour.
SPLITS: dict[str, list[Piece]] = {
    "scoring.services": [
        Piece(
            "scoring.month.services.common",
            "What every write of the month shares: the period lock, the refusals of a frozen"
            " month, who may act (head, supervisor, administrator), the audit entry, and the"
            " parsing of typed values.",
            [
                "PRE_DECISION",
                "DATE_FIELDS",
                "APPEAL_DAYS",
                "REOPEN_DAYS",
                "MAX_PENALTY",
                "CLI_ACTOR",
                "today",
                "_lock",
                "_refuse_frozen",
                "_refuse_frozen_inputs",
                "_require_appeal_supervisor",
                "_is_admin",
                "_require_admin",
                "_require_head",
                "_require_supervisor",
                "_actor",
                "audit_entry",
                "_audit",
                "_text",
                "_decimal",
                "_name",
            ],
        ),
        Piece(
            "scoring.month.services.opening",
            "Opening a month and moving it through its steps (docs/RULES.md §2): the default"
            " deadlines, the members and their peers, a change of members, advancing the phase"
            " and reopening a late step.",
            [
                "default_dates",
                "_check_dates",
                "period_open",
                "_month_snapshot",
                "_peer_assignments",
                "MembersChange",
                "members_change",
                "period_refresh_members",
                "period_advance",
                "period_reopen_step",
            ],
        ),
        Piece(
            "scoring.month.services.scorecards",
            "Saving a scorecard (self, peer, supervisor): who may rate whom, points within each"
            " criterion's maximum, the optimistic version against a stale save.",
            [
                "points_refusal",
                "has_tasks_in_month",
                "scorecard_state",
                "stale_message",
                "scorecard_save",
            ],
        ),
        Piece(
            "scoring.month.services.adjustments",
            "The supervisor step's adjustments (bonuses, penalties, leave, discipline), the"
            " unit's reward pool and the outstanding quota (docs/RULES.md §2).",
            [
                "adjustment_refusal",
                "adjustment_state",
                "_adjustment_allowed",
                "adjustment_add",
                "adjustment_remove",
                "pool_set",
                "period_set_outstanding",
            ],
        ),
        Piece(
            "scoring.month.services.decide",
            "Deciding, publishing, locking and reopening a month: the engine run once, its"
            " results written, the raters' flags stored, the month published and locked.",
            [
                "_result_row",
                "period_decide",
                "_cycle_collector_paused",
                "_decide",
                "rater_flags_store",
                "period_publish",
                "_back_to_review",
                "period_lock",
                "period_reopen",
            ],
        ),
        Piece(
            "scoring.month.services.appeals",
            "Appeals and corrections: filing an appeal, answering it, deciding a corrected month"
            " again with its revision (docs/RULES.md §2).",
            [
                "appeal_file",
                "_check_answerable",
                "appeal_answer_check",
                "appeal_answer",
                "correction_decide",
                "_revised_results",
            ],
        ),
    ],
    "scoring.views_month": [
        Piece(
            "scoring.month.views.common",
            "What the month's pages share: finding the period, the unit and the membership"
            " through the scope (404 for an outsider), the step's problem, the form's initial"
            " points.",
            [
                "SELF",
                "PEER",
                "SUPERVISOR",
                "PUBLISHED",
                "MANUAL_TASK",
                "OPEN_PHASES",
                "_today",
                "_get_period",
                "_get_membership",
                "_get_period_unit",
                "_paths_in",
                "_get_period_for_reader",
                "_require_scope_head",
                "_under",
                "_ancestor_paths",
                "_periods_covering",
                "_step_problem",
                "_initial",
            ],
        ),
        Piece(
            "scoring.month.views.cadre",
            "A cadre's month: their page, the self-assessment and the peer evaluations.",
            ["my_month", "_score_page", "self_assessment", "peer_list", "peer_form"],
        ),
        Piece(
            "scoring.month.grid",
            "The head's score grid as data: one row per member with their cards, the figures"
            " beside them and the engine's preview, in a fixed number of queries.",
            [
                "Cell",
                "GridRow",
                "GridInputs",
                "_grid_inputs",
                "_stored_grid_inputs",
                "_grid_rows",
                "_unit_members",
                "_scored_count",
            ],
        ),
        Piece(
            "scoring.month.views.grid",
            "The head's score grid: the page, a row saved (htmx), an adjustment added or removed.",
            [
                "grid",
                "_row_response",
                "_grid_member",
                "_int_or_none",
                "grid_row",
                "grid_adjust",
                "grid_adjust_remove",
            ],
        ),
        Piece(
            "scoring.month.views.grid_files",
            "The grid as a workbook, its upload, and a cadre's tasks of the month.",
            ["grid_excel", "grid_upload", "cadre_tasks"],
        ),
        Piece(
            "scoring.month.views.decide",
            "The head's decision page (the quota groups, the tiers, the revisions) and the"
            " publication.",
            ["QuotaGroup", "decide", "_revisions", "_tier_counts", "_path_q", "publish"],
        ),
        Piece(
            "scoring.month.views.appeals",
            "The result page, filing an appeal, the appeals inbox, the answer, and a correction.",
            [
                "appeals",
                "appeal_reply",
                "_get_correction",
                "correction_detail",
                "result",
                "appeal_new",
            ],
        ),
        Piece(
            "scoring.month.views.progress",
            "The progress of heads and leaders, the manage and decisions pages, the banner of"
            " work due.",
            [
                "progress",
                "_by_member_name",
                "_full_name",
                "manage",
                "decisions",
                "_open_appeals",
                "due",
            ],
        ),
    ],
}

SPLITS["scoring.dashboard"] = [
    Piece(
        "scoring.dashboards.scope",
        "What every dashboard reads first: the unit shown, the units a leader may pick, the"
        " decided months and the trend's window; the figures' rounding.",
        [
            "FROZEN",
            "TIERS",
            "RATED",
            "ON_TIME",
            "TREND_MONTHS",
            "RANKING_PAGE_SIZE",
            "NOT_RATED",
            "_SUMS",
            "_CENT",
            "_rounded",
            "_percent",
            "dashboard_unit",
            "picker_units",
            "decided_months",
            "months_and_stamp",
            "trend_window",
        ],
    ),
    Piece(
        "scoring.dashboards.stats",
        "A unit's figures of a month (results, tasks, pools), added up over a subtree.",
        ["Stats", "_result_stats", "_add_task_stats", "_add_pool_stats"],
    ),
    Piece(
        "scoring.dashboards.league",
        "The league table of units and the raters flagged in a month.",
        [
            "rater_flags",
            "month_flags",
            "FLAGS_SHOWN",
            "LeagueRow",
            "LEAGUE_SORTS",
            "league_sort",
            "sort_league",
        ],
    ),
    Piece(
        "scoring.dashboards.selectors",
        "A dashboard's data in a fixed number of queries: the month's figures, the league, the"
        " flags and the trend.",
        [
            "FLAGGED_ROWS_SHOWN",
            "Dashboard",
            "dashboard_data",
            "_series_of",
            "_point",
            "_series_json",
            "_trend",
        ],
    ),
    Piece(
        "scoring.dashboards.ranking",
        "The ranking of cadres and a cadre's results: the name search (Vietnamese letters with or"
        " without their marks), the sorts, a cadre's tasks behind and adjustments.",
        [
            "VIETNAMESE",
            "fold",
            "_letter_variants",
            "LETTER_VARIANTS",
            "name_pattern",
            "_TOTAL_DESC",
            "RANKING_SORTS",
            "month_results",
            "ranking",
            "job_groups",
            "cadre_results",
            "tasks_behind",
            "adjustments_of",
        ],
    ),
]

SPLITS["scoring.selectors"] = [
    Piece(
        "scoring.month.selectors.inputs",
        "The engine's inputs, built here only: a regulation, a task, a whole period (in a fixed"
        " number of queries), and the preview of a month not yet decided.",
        [
            "MONTH_RE",
            "is_month",
            "engine_regulation",
            "month_regulation",
            "task_input",
            "PeriodInputs",
            "MEMBER_FIELDS",
            "period_inputs",
            "period_preview",
        ],
    ),
    Piece(
        "scoring.month.selectors.rating",
        "Who may rate whom and when: the steps' phases and deadlines, the peer scorecards,"
        " the rating rules of a month, a step's refusal, a frozen period.",
        [
            "DECIDED_PHASES",
            "PUBLISHED_PHASES",
            "ACTING_ROLES",
            "STEP_PHASE",
            "STEP_DEADLINE",
            "period_peer_cards",
            "RatingRules",
            "rating_rules",
            "step_refusal",
            "_reopened_until",
            "period_freezing",
        ],
    ),
    Piece(
        "scoring.month.selectors.periods",
        "Finding periods (of a month, a member, a date) and reading results: a month's and a"
        " year's.",
        [
            "period_for",
            "periods_of_month",
            "member_periods",
            "covering_periods",
            "month_results",
            "YearTable",
            "year_results",
        ],
    ),
]

SPLITS["scoring.demo"] = [
    Piece(
        "scoring.demo.ward",
        "The demo ward built from nothing: its departments and people with Vietnamese names,"
        " their roles and logins, the regulations' tasks; `build_demo` is the entry point.",
        [
            "DEMO_PASSWORD",
            "DEMO_LOGINS",
            "FAMILY",
            "MIDDLE",
            "GIVEN",
            "DEPARTMENTS",
            "LEADER_GROUP",
            "DemoSummary",
            "_Names",
            "build_demo",
            "_demo_accounts",
        ],
    ),
    Piece(
        "scoring.demo.history",
        "The demo ward's past months, decided, published and locked through the services like"
        " the command line: each cadre's level, the pools, penalties and appeals, and the raters"
        " whose habits the dashboards flag.",
        [
            "HISTORY_MONTHS",
            "STRUGGLING",
            "EQUALIZING",
            "EQUAL_SHARE",
            "SELF_INFLATING",
            "LENIENT",
            "RECIPROCAL",
            "MIN_PEER_CARDS",
            "POOL_PER_MEMBER",
            "PENALTIES",
            "DISCIPLINE",
            "LEAVE",
            "APPEAL",
            "_MonthHistory",
        ],
    ),
    Piece(
        "scoring.demo.levels",
        "The demo people's levels (a few excellent, most around the middle) and the small"
        " helpers of the demo's months: a unit's suffix, the month before, the ND335 regulation,"
        " a share of a criterion's maximum.",
        [
            "EXCELLENT_SHARE",
            "LEVEL_MEAN",
            "_level",
            "_general_share",
            "_suffix",
            "_month_before",
            "_nd335",
            "_quarter",
        ],
    ),
]

PACKAGE_DOCS = {
    "scoring.month": "The month of a unit: its pages, forms, grid, services and urls"
    " (docs/RULES.md §2).",
    "scoring.dashboards": "The leaders' dashboards: their reads, pages, exports, the converted"
    " output and the raters' flags.",
    "scoring.periods": "A period's own pages (its dates and members).",
    "scoring.tasks_month": "A task's month: the task page's scoring view.",
    "scoring.io": "Files in and out of the month: imports, exports, their formats and the bulk"
    " writer.",
    "scoring.demo": "The demo ward behind `manage.py seed_demo`.",
}

# A name the tests monkeypatch on a split module that several of its pieces import: the piece
# whose use the test means (the others are not patched).
PATCH_HOMES = {
    ("scoring.services", "rating_rules"): "scoring.month.services.scorecards",
    ("scoring.services", "insert_all"): "scoring.month.services.decide",
    ("scoring.services", "period_inputs"): "scoring.month.services.decide",
}
LINE_LENGTH = 100

# docs/ARCHITECTURE.md: the paragraph that called the suffix modules open work becomes the map.
OPEN_WORK = re.compile(
    r"The rest of `scoring` still has sibling modules named by suffix"
    r".*?\(open work, issue 13\)\.\n",
    re.S,
)
LAYOUT_DOC = """\
The rest of `scoring` is laid out the same way, one package per capability, so the tree shows
the product (`scripts/port_layout.py` moved the flat modules there):

```
scoring/month/            the month of a unit, in its pages and writes
  urls.py, forms.py       the month's URLs (namespace `month`) and forms
  views/                  common.py (finding the period, unit and membership through the
                          scope), cadre.py (my month, self-assessment, peers), grid.py (the
                          head's grid and its rows), grid_files.py (the grid as a workbook,
                          its upload, a cadre's tasks), decide.py (decide, publish),
                          appeals.py (result, appeal, inbox, answer, correction),
                          progress.py (progress, manage, decisions, the banner of work due)
  grid.py                 the grid's rows as data (cards, figures beside them, the preview)
  services/               the writes: common.py (the lock, the refusals of a frozen month,
                          who may act, the audit entry), opening.py (open, members, advance,
                          reopen a step), scorecards.py, adjustments.py (and pools, outstanding
                          units), decide.py (decide, publish, lock, reopen), appeals.py
                          (appeals and corrections), grid.py (a grid row saved)
  selectors/              the reads: inputs.py (the engine's inputs, built here only),
                          rating.py (who may rate whom and when), periods.py (finding periods,
                          a month's and a year's results)
  beside.py, peers.py, corrections.py, notices.py, reminders.py
                          the figures beside the grid, the peer assignment, a correction's
                          plan, the revision notices, the reminders
scoring/dashboards/       the leaders' dashboards: scope.py (unit, picker, decided months),
                          stats.py, league.py, selectors.py (a dashboard's data), ranking.py,
                          flags.py (the raters' warning signs, pure), views.py, urls.py,
                          exports.py, output.py (the converted output)
scoring/periods/          a period's own pages (views.py, urls.py)
scoring/tasks_month/      a task's month (views.py, urls.py)
scoring/io/               imports.py, exports.py (the command line's files), formats.py
                          (points and money as typed), bulkwrite.py (rows written in bulk)
scoring/demo/             ward.py (`build_demo`), levels.py, history.py (the past months)
```

At the app's top stay what every capability shares: `models.py` (one set of models and
migrations), `admin.py`, `errors.py`, `events.py`, `signals.py`, `reasons.py`, the
`templatetags` and the commands. A module stays small enough to read in one sitting:
`tests/test_layering.py` fails on a module of `scoring` (the engine and `models.py` aside)
over 500 lines. A capability that grows gets a package the same way.
"""

TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".txt", ".html", ".json"}
SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", "staticfiles", "locale", "htmlcov"}


def sh(*args: str, check: bool = True) -> str:
    return subprocess.run(args, cwd=ROOT, check=check, capture_output=True, text=True).stdout


def path_of(dotted: str) -> Path:
    return ROOT / (dotted.replace(".", "/") + ".py")


def package_of(dotted: str) -> str:
    return dotted.rsplit(".", 1)[0]


# --- splitting -------------------------------------------------------------------------------


@dataclass
class Stmt:
    node: ast.stmt
    text: str  # with decorators and the comments right above it
    names: set[str]  # names it binds at module level
    uses: set[str]  # names it reads


@dataclass
class Split:
    old: str
    doc: str | None
    future: bool
    imports: list[ast.stmt]
    source: str
    placed: dict[str, list[Stmt]] = field(default_factory=dict)  # new module -> statements
    where: dict[str, str] = field(default_factory=dict)  # defined name -> new module
    imported: dict[str, str] = field(default_factory=dict)  # imported name -> new module
    users: dict[str, list[str]] = field(default_factory=dict)  # imported name -> its users


def bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    names: set[str] = set()
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    for t in targets:
        for n in ast.walk(t):
            if isinstance(n, ast.Name):
                names.add(n.id)
    return names


def global_refs(table: symtable.SymbolTable) -> set[str]:
    """The module-level names a function or class body (and what it nests) reads."""
    out = {sym.get_name() for sym in table.get_symbols() if sym.is_referenced() and sym.is_global()}
    if table.get_type() == "class":
        out |= {
            sym.get_name()
            for sym in table.get_symbols()
            if sym.is_referenced() and not sym.is_assigned() and not sym.is_imported()
        }
    for child in table.get_children():
        out |= global_refs(child)
    return out


def module_scope_parts(node: ast.stmt) -> list[ast.AST]:
    """The parts of a statement evaluated in the module (decorators, defaults, bases,
    annotations), or the whole statement when it is not a def or class."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        a = node.args
        parts: list[ast.AST] = [*node.decorator_list, *a.defaults]
        parts += [d for d in a.kw_defaults if d is not None]
        parts += [x.annotation for x in (*a.posonlyargs, *a.args, *a.kwonlyargs) if x.annotation]
        parts += [x.annotation for x in (a.vararg, a.kwarg) if x and x.annotation]
        if node.returns:
            parts.append(node.returns)
        return parts
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    return [node]


def annotation_names(node: ast.AST) -> set[str]:
    out: set[str] = set()
    for n in ast.walk(node):
        ann = getattr(n, "annotation", None) or getattr(n, "returns", None)
        if isinstance(ann, ast.AST):
            out |= used_names(ann, annotation=True)
    return out


def statement_uses(node: ast.stmt, tables: dict[tuple[str, int], symtable.SymbolTable]) -> set[str]:
    out: set[str] = set()
    for part in module_scope_parts(node):
        out |= used_names(part)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        table = tables.get((node.name, node.lineno))
        if table is None:
            return out | used_names(node)
        out |= global_refs(table) | annotation_names(node)
    return out


def used_names(node: ast.AST, annotation: bool = False) -> set[str]:
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif annotation and isinstance(n, ast.Constant) and isinstance(n.value, str):
            out.update(re.findall(r"[A-Za-z_]\w*", n.value))  # "Period | None"
    return out


def statement_text(lines: list[str], node: ast.stmt, prev_end: int) -> str:
    start = node.lineno
    if getattr(node, "decorator_list", None):
        start = min(d.lineno for d in node.decorator_list)
    # comments right above (no blank line between), but not past the previous statement
    # every comment between the previous statement and this one travels with this one
    first = prev_end + 1
    while first < start and not lines[first - 1].strip():
        first += 1
    end = node.end_lineno or node.lineno
    return "\n".join(lines[first - 1 : end])


def plan_split(old: str, pieces: list[Piece]) -> Split:
    source = path_of(old).read_text()
    tree = ast.parse(source)
    lines = source.splitlines()
    tables = {
        (t.get_name(), t.get_lineno()): t
        for t in symtable.symtable(source, old, "exec").get_children()
    }
    body = list(tree.body)
    doc = None
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        doc = body[0].value.value
        body = body[1:]
    future = False
    imports: list[ast.stmt] = []
    stmts: list[Stmt] = []
    prev_end = tree.body[0].end_lineno if doc is not None else 0
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            future = True
        elif isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(node)
        else:
            if not bound_names(node):
                sys.exit(f"{old}: a top-level statement binds nothing (line {node.lineno})")
            stmts.append(
                Stmt(
                    node,
                    statement_text(lines, node, prev_end),
                    bound_names(node),
                    statement_uses(node, tables),
                )
            )
        prev_end = node.end_lineno or node.lineno
    split = Split(old, doc, future, imports, source)
    named = {name: p.module for p in pieces for name in p.names}
    known = {n for s in stmts for n in s.names}
    for name in named:
        if name not in known:
            print(f"  note: {old}.{name} is in the map but not in the module (gone?)")
    # 1. definitions named in the map; the others follow their nearest named neighbour
    target: list[str | None] = []
    for s in stmts:
        hit = [named[n] for n in s.names if n in named]
        target.append(hit[0] if hit else None)
    is_def = [
        isinstance(s.node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for s in stmts
    ]
    # 2. unnamed constants: the first module whose (placed) definitions use them
    for i, s in enumerate(stmts):
        if target[i] is None and not is_def[i]:
            users = [
                target[j]
                for j, other in enumerate(stmts)
                if j != i and target[j] is not None and s.names & other.uses
            ]
            if users:
                target[i] = users[0]
    # 3. the rest: the nearest named neighbour above, else below, else the first piece
    for i in range(len(stmts)):
        if target[i] is None:
            above = [target[j] for j in range(i - 1, -1, -1) if target[j] is not None]
            below = [target[j] for j in range(i + 1, len(stmts)) if target[j] is not None]
            target[i] = (above or below or [pieces[0].module])[0]
            print(f"  placed {old}.{sorted(stmts[i].names)[0]} (not in the map) in {target[i]}")
    for p in pieces:
        split.placed[p.module] = []
    for s, t in zip(stmts, target, strict=True):
        assert t is not None
        split.placed[t].append(s)
        for n in s.names:
            split.where[n] = t
    # where does each imported name end up? the first module that uses it
    for imp in imports:
        for alias in imp.names:  # type: ignore[attr-defined]
            bound = (alias.asname or alias.name).split(".")[0]
            users = [
                m for m, placed in split.placed.items() if any(bound in s.uses for s in placed)
            ]
            split.users[bound] = users
            split.imported[bound] = (users or [pieces[0].module])[0]
    return split


def render_piece(split: Split, module: str, doc: str) -> str:
    placed = split.placed[module]
    uses = set().union(*(s.uses for s in placed)) if placed else set()
    mine = {n for s in placed for n in s.names}
    out = [docstring(doc), ""]
    if split.future:
        out += ["from __future__ import annotations", ""]
    for imp in split.imports:
        kept = [
            a
            for a in imp.names  # type: ignore[attr-defined]
            if (a.asname or a.name).split(".")[0] in uses
        ]
        if not kept:
            continue
        names = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept)
        if isinstance(imp, ast.ImportFrom):
            out.append(f"from {'.' * imp.level}{imp.module or ''} import {names}")
        else:
            out.append(f"import {names}")
    siblings: dict[str, list[str]] = defaultdict(list)
    for name in sorted(uses - mine):
        other = split.where.get(name)
        if other and other != module:
            siblings[other].append(name)
    for other, names in sorted(siblings.items()):
        out.append(f"from {other} import {', '.join(names)}")
    out += ["", ""]
    out.append("\n\n\n".join(s.text for s in placed))
    return "\n".join(out).rstrip() + "\n"


def docstring(doc: str) -> str:
    wrapped = textwrap.fill(doc, width=96, initial_indent='"""', break_on_hyphens=False)
    return wrapped + '"""'


def sibling_graph(split: Split) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, placed in split.placed.items():
        for s in placed:
            for name in s.uses:
                other = split.where.get(name)
                if other and other != module:
                    graph[module].add(other)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


# --- rewriting references --------------------------------------------------------------------


class Resolver:
    def __init__(self, moves: dict[str, str], splits: dict[str, Split]):
        self.moves = moves
        self.splits = splits
        self.new_names: set[str] = set()
        for new in list(moves.values()) + [m for s in splits.values() for m in s.placed]:
            parts = new.split(".")
            self.new_names |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}

    def module_for(self, old: str, name: str) -> str:
        """The new module that holds (or imports and uses) `name` of the old module `old`."""
        if old in self.moves:
            return self.moves[old]
        split = self.splits[old]
        if name in split.where:
            return split.where[name]
        if (old, name) in PATCH_HOMES:
            return PATCH_HOMES[old, name]
        users = split.users.get(name, [])
        if len(users) > 1:
            print(f"  warning: {old}.{name} is imported by {users}: the first is used")
        if name in split.imported:
            return split.imported[name]
        print(f"  warning: {old}.{name} is neither defined nor imported there")
        return next(iter(split.placed))

    def package(self, old: str) -> str:
        """What a bare mention of the old module becomes."""
        if old in self.moves:
            return self.moves[old]
        return package_of(next(iter(self.splits[old].placed)))

    def known(self, old: str) -> bool:
        return old in self.moves or old in self.splits


def format_import(module: str, names: list[str], indent: str) -> str:
    return f"from {module} import {', '.join(names)}"


def rewrite_python(text: str, res: Resolver) -> str:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def span(node: ast.AST) -> tuple[int, int]:
        return (
            offsets[node.lineno - 1] + node.col_offset,  # type: ignore[attr-defined]
            offsets[node.end_lineno - 1] + node.end_col_offset,  # type: ignore[attr-defined]
        )

    edits: list[tuple[int, int, str]] = []
    module_aliases: dict[str, str] = {}  # local alias -> old split module
    taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    taken |= {
        (a.asname or a.name).split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    alias_for_module: dict[str, str] = {}
    extra_imports: dict[ast.stmt, list[str]] = defaultdict(list)

    def local_alias(alias: str, new_module: str) -> str:
        if new_module in alias_for_module:
            return alias_for_module[new_module]
        base = f"{alias}_{new_module.rsplit('.', 1)[1]}"
        name = base
        while name in taken:
            name += "_"
        taken.add(name)
        alias_for_module[new_module] = name
        return name

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            indent = " " * node.col_offset
            if res.known(node.module):
                groups: dict[str, list[str]] = defaultdict(list)
                for a in node.names:
                    new = res.module_for(node.module, a.name)
                    groups[new].append(a.name + (f" as {a.asname}" if a.asname else ""))
                new_text = f"\n{indent}".join(
                    format_import(m, ns, indent) for m, ns in groups.items()
                )
                edits.append((*span(node), new_text))
            elif node.module == "scoring" and any(
                res.known(f"scoring.{a.name}") for a in node.names
            ):
                kept, new_lines = [], []
                for a in node.names:
                    old = f"scoring.{a.name}"
                    if old in res.moves:
                        pkg, _, leaf = res.moves[old].rpartition(".")
                        local = a.asname or a.name
                        new_lines.append(
                            f"from {pkg} import {leaf}" + (f" as {local}" if local != leaf else "")
                        )
                    elif old in res.splits:
                        module_aliases[a.asname or a.name] = old
                        extra_imports[node].append("")  # placeholder: filled below
                    else:
                        kept.append(a.name + (f" as {a.asname}" if a.asname else ""))
                if kept:
                    new_lines.insert(0, f"from scoring import {', '.join(kept)}")
                edits.append((*span(node), f"\n{indent}".join(new_lines) or "pass"))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if res.known(a.name):
                    print(f"  warning: `import {a.name}` left as is (line {node.lineno})")

    # attribute uses of a split module imported whole: `services.period_decide`
    needed: dict[str, tuple[str, str]] = {}  # local alias -> (new module, old alias)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in module_aliases
        ):
            old = module_aliases[node.value.id]
            new = res.module_for(old, node.attr)
            local = local_alias(node.value.id, new)
            needed[local] = (new, node.value.id)
            edits.append((*span(node.value), local))
        if (
            isinstance(node, ast.Call)
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in module_aliases
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            old = module_aliases[node.args[0].id]
            new = res.module_for(old, node.args[1].value)
            local = local_alias(node.args[0].id, new)
            needed[local] = (new, node.args[0].id)
            edits.append((*span(node.args[0]), local))
    # the split module's import becomes the imports of the modules used
    for imp in extra_imports:
        indent = " " * imp.col_offset
        lines_new = []
        for start, end, new_text in [e for e in edits if e[:2] == span(imp)]:
            edits.remove((start, end, new_text))
            if new_text != "pass":
                lines_new.append(new_text)
        for local, (new, _old_alias) in sorted(needed.items()):
            pkg, _, leaf = new.rpartition(".")
            lines_new.append(f"from {pkg} import {leaf} as {local}")
        edits.append((*span(imp), f"\n{indent}".join(lines_new) or "pass"))

    for start, end, new_text in sorted(set(edits), reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


def rewrite_strings(text: str, res: Resolver) -> str:
    """Dotted names and paths in strings, comments and documents."""
    olds = sorted(list(res.moves) + list(res.splits), key=len, reverse=True)
    alternation = "|".join(re.escape(o.split(".", 1)[1]) for o in olds)

    def dotted(m: re.Match[str]) -> str:
        old = f"scoring.{m.group(1)}"
        name = m.group(2)
        if f"{old}{name or ''}" in res.new_names:
            return m.group(0)  # already a new name (scoring.demo.ward)
        if name and old in res.splits:
            return f"{res.module_for(old, name[1:])}{name}"
        return f"{res.package(old)}{name or ''}"

    text = re.sub(rf"(?<![\w./])scoring\.({alternation})\b(\.[A-Za-z_]\w*)?", dotted, text)

    def slashed(m: re.Match[str]) -> str:
        old = f"scoring.{m.group(1)}"
        name = m.group(2)
        if old in res.splits:
            if name:
                new = res.module_for(old, name)
                return new.replace(".", "/") + f".py: {name}"
            return res.package(old).replace(".", "/") + "/"
        return res.moves[old].replace(".", "/") + ".py" + (f": {name}" if name else "")

    return re.sub(rf"(?<![\w./])scoring/({alternation})\.py(?:: (\w+))?", slashed, text)


def repository_files() -> list[Path]:
    out = []
    for line in sh("git", "ls-files").splitlines():
        p = ROOT / line
        if p == Path(__file__).resolve():
            continue  # this script names the old modules on purpose
        wanted = p.suffix in TEXT_SUFFIXES or p.name == "Makefile"
        if wanted and not any(part in SKIP_DIRS for part in Path(line).parts) and p.is_file():
            out.append(p)
    return out


def rewrap(text: str) -> str:
    """Break the comment and docstring lines a longer module name pushed past the line length."""
    lines = text.splitlines(keepends=True)
    in_doc: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if (
                tok.type == tokenize.STRING
                and tok.start[0] != tok.end[0]
                and tok.string.startswith('"""')
                and not tok.line[: tok.start[1]].strip()
            ):
                in_doc.update(range(tok.start[0], tok.end[0] + 1))  # docstring lines, 1-based
    except (tokenize.TokenError, SyntaxError):
        return text
    out = []
    for number, line in enumerate(lines, 1):
        body = line.rstrip("\n")
        stripped = body.lstrip()
        indent = body[: len(body) - len(stripped)]
        comment = stripped.startswith("#")
        mine = "scoring." in body or "scoring/" in body
        while len(body) > LINE_LENGTH and mine and (comment or number in in_doc):
            cut = body.rfind(" ", len(indent) + 2, LINE_LENGTH + 1)
            if cut <= len(indent) + 2:
                break
            out.append(body[:cut] + "\n")
            body = indent + ("# " if comment else "") + body[cut + 1 :]
        out.append(body + ("\n" if line.endswith("\n") else ""))
    return "".join(out)


# --- main ------------------------------------------------------------------------------------


def ensure_package(dotted: str, dry: bool, created: list[Path]) -> None:
    parts = dotted.split(".")
    for i in range(2, len(parts) + 1):
        pkg = ".".join(parts[:i])
        init = ROOT / pkg.replace(".", "/") / "__init__.py"
        if not init.exists() and init not in created:
            doc = PACKAGE_DOCS.get(pkg, "")
            created.append(init)
            if not dry:
                init.parent.mkdir(parents=True, exist_ok=True)
                init.write_text(docstring(doc) + "\n" if doc else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument(
        "--no-messages",
        action="store_true",
        help="leave the .po files' source locations as they were (no `make messages`)",
    )
    args = parser.parse_args()
    dry = args.dry_run

    moves = {o: n for o, n in MOVES.items() if path_of(o).exists()}
    for old, new in MOVES.items():
        if old not in moves and not path_of(new).exists():
            print(f"  note: {old} is absent (not on this tree)")
    splits = {}
    for old, pieces in SPLITS.items():
        if path_of(old).exists():
            print(f"split {old}")
            splits[old] = plan_split(old, pieces)
            cycle = find_cycle(sibling_graph(splits[old]))
            if cycle:
                sys.exit(f"import cycle after splitting {old}: {' -> '.join(cycle)}")
    flat = {
        f"scoring.{p.stem}"
        for p in (ROOT / "scoring").glob("*.py")
        if f"scoring.{p.stem}" not in STAY | set(moves) | set(splits)
    }
    for old in sorted(flat):
        print(f"  warning: {old} is in neither map: left where it is")
    if not moves and not splits:
        print("nothing to do: the tree is already laid out")
        return
    res = Resolver(moves, splits)

    # rewrite references first (the old files are still where the parser expects them)
    touched: list[Path] = []
    for path in repository_files():
        text = path.read_text()
        new = rewrite_python(text, res) if path.suffix == ".py" else text
        new = rewrite_strings(new, res)
        if path.suffix == ".py" and new != text:
            new = rewrap(new)
        if new != text:
            touched.append(path)
            if not dry:
                path.write_text(new)
    print(f"rewrote references in {len(touched)} files")
    architecture = ROOT / "docs" / "ARCHITECTURE.md"
    if architecture.exists() and not dry:
        text = architecture.read_text()
        if OPEN_WORK.search(text):
            architecture.write_text(OPEN_WORK.sub(lambda _: LAYOUT_DOC, text, count=1))
            print("docs/ARCHITECTURE.md: the layout described")
        else:
            print("  warning: docs/ARCHITECTURE.md has no open-work paragraph to replace")

    created: list[Path] = []
    for old, new in moves.items():
        print(f"git mv {path_of(old).relative_to(ROOT)} {path_of(new).relative_to(ROOT)}")
        ensure_package(package_of(new), dry, created)
        if not dry:
            sh("git", "mv", str(path_of(old)), str(path_of(new)))
    for old, split in splits.items():
        pieces = SPLITS[old]
        pkg = package_of(pieces[0].module)
        ensure_package(pkg, dry, created)
        if split.doc:
            init = ROOT / pkg.replace(".", "/") / "__init__.py"
            if not dry:
                init.write_text(f'"""{split.doc}"""\n')  # as it was
        # history follows the largest piece
        biggest = max(pieces, key=lambda p: sum(len(s.text) for s in split.placed[p.module]))
        for piece in pieces:
            ensure_package(package_of(piece.module), dry, created)
            text = rewrite_python(render_piece(split, piece.module, piece.doc), res)
            text = rewrap(rewrite_strings(text, res))
            target = path_of(piece.module)
            print(f"  {target.relative_to(ROOT)}: {len(split.placed[piece.module])} definitions")
            if dry:
                continue
            if piece is biggest:
                sh("git", "mv", str(path_of(old)), str(target))
            target.write_text(text)
            touched.append(target)
    if dry:
        return
    for init in created:
        sh("git", "add", str(init))
    for piece_list in SPLITS.values():
        for piece in piece_list:
            if path_of(piece.module).exists():
                sh("git", "add", str(path_of(piece.module)))
    files = sorted(
        {str(p) for p in touched if p.exists() and p.suffix == ".py"}
        | {str(path_of(n)) for n in moves.values()}
        | {str(p) for p in created}
    )
    ruff = str(ROOT / ".venv/bin/ruff") if (ROOT / ".venv/bin/ruff").exists() else "ruff"
    subprocess.run([ruff, "check", "--fix", "--select", "I,F401", "-q", *files], cwd=ROOT)
    subprocess.run([ruff, "format", "-q", *files], cwd=ROOT)
    if not args.no_messages and shutil.which("xgettext"):
        # the catalogues' "#: scoring/views_month.py:12" locations follow the modules
        subprocess.run(["make", "-s", "messages"], cwd=ROOT, check=True, capture_output=True)
        print("make messages: the catalogues' source locations follow the modules")
    print("done: now run manage.py check, ruff check ., mypy and the tests")


if __name__ == "__main__":
    main()
