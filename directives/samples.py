"""The sample file of the task import: it imports after the units and cadres samples
(`units.samples`), its assigner being the head of the department there. Its weights are at
most 1, so it imports on the web as well, where a task outside the catalogue weighs at most 1
(docs/RULES.md §6)."""

import datetime as dt

MARCH_2 = dt.date(2026, 3, 2)


def _task(code, title, deadline, result, *, completed_on="", accepted="", delays=0):
    """A row of TASK_COLUMNS: a task the department's head (CB900001) gave CB900002 on 2 March
    2026, weighing 1, without a major error."""
    assignee, assigner, assigned_on, weight, major_errors = "CB900002", "CB900001", MARCH_2, 1, 0
    return [
        code,
        title,
        assignee,
        assigner,
        assigned_on,
        deadline,
        result,
        weight,
        completed_on,
        accepted,
        major_errors,
        delays,
    ]


TASK_EXAMPLES = [
    _task(
        "NV-XP-001",
        "Báo cáo tình hình trật tự xây dựng tháng",
        dt.date(2026, 3, 20),
        "Báo cáo gửi UBND phường",
    ),
    _task(
        "NV-XP-002",
        "Rà soát hồ sơ cấp phép xây dựng",
        dt.date(2026, 3, 25),
        "Danh sách hồ sơ đã rà soát",
        completed_on=dt.date(2026, 3, 24),
        accepted="có",
        delays=1,
    ),
]
