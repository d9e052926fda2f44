"""The long lists of a dashboard drawn in Python (the unit picker's options and "Warning signs
also in:"): the same markup the template drew, every value escaped."""

from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

from units.models import Unit


def unit(pk, code, name, indent=""):
    shown = Unit(pk=pk, code=code, name=name)
    shown.indent = indent
    return shown


def test_the_picker_marks_the_unit_shown_and_escapes_names():
    units = [unit(1, "HN", 'Hà Nội <"A&B">'), unit(2, "HN-W1", "Phường 1", "\u00a0" * 3)]
    html = Template("{% load unit_tags %}{% unit_options units chosen %}").render(
        Context({"units": units, "chosen": units[1]})
    )
    assert html == (
        '<option value="HN">Hà Nội &lt;&quot;A&amp;B&quot;&gt; (HN)</option>'
        '<option value="HN-W1" selected>\u00a0\u00a0\u00a0Phường 1 (HN-W1)</option>'
    )


def test_warning_signs_elsewhere_link_each_row_with_its_count():
    """The count as the template language draws a number."""
    rows = [
        SimpleNamespace(unit=unit(1, "W 1", "Phường <1>"), flag_total=2),
        SimpleNamespace(unit=unit(2, "W2", "Phường 2"), flag_total=1234),
    ]
    with translation.override("vi"):
        html = Template(
            "{% load flag_links from dashboard_tags %}{% flag_links rows month %}"
        ).render(Context({"rows": rows, "month": "2026-03"}))
        count = Template("{{ n }}").render(Context({"n": 1234}))
    assert html == (
        '<a href="/dashboard/?unit=W%201&amp;month=2026-03#flags-title">Phường &lt;1&gt;</a> (2), '
        '<a href="/dashboard/?unit=W2&amp;month=2026-03#flags-title">Phường 2</a> (' + count + ")"
    )
