"""The sample file of the task import: it imports after the units and cadres samples
(`units.samples`), its assigner being the head of the department there. Its weights are at
most 1, so it imports on the web as well, where a task outside the catalogue weighs at most 1
(docs/RULES.md §6)."""

import datetime as dt

TASK_EXAMPLES = [
    [
        "NV-XP-001",
        "Báo cáo tình hình trật tự xây dựng tháng",
        "CB900002",
        "CB900001",
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 20),
        "Báo cáo gửi UBND phường",
        1,
        "",
        "",
        0,
        0,
    ],
    [
        "NV-XP-002",
        "Rà soát hồ sơ cấp phép xây dựng",
        "CB900002",
        "CB900001",
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 25),
        "Danh sách hồ sơ đã rà soát",
        1,
        dt.date(2026, 3, 24),
        "có",
        0,
        1,
    ],
]
