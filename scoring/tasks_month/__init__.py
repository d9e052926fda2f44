"""A task's month: the task page's scoring view."""
