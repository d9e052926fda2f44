"""The month run in the browser by the head of its scope, and moving by itself on its dates
(docs/RULES.md §2): open, advance or step back, reopen a step for named units, refresh the members,
pools and outstanding units, reminders, decide, publish and lock, and `run_schedule`."""
