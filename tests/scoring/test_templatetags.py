"""The template filter every page writes money with (docs/RULES.md §5, office formats): one
`vnd` filter, `units.formats.vnd_text`, on the month's pages, the months area, the office pages
and the dashboards alike."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.units.test_formats import MONEY

VND = Template("{% load vnd from month_tags %}{{ amount|vnd }}")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("amount", "text"), [*MONEY, (None, "—")])
def test_the_vnd_filter_writes_money_as_offices_do(amount, text, language):
    with translation.override(language):
        assert VND.render(Context({"amount": amount})) == text


def test_a_missing_amount_is_a_dash_not_an_error():
    assert VND.render(Context()) == "—"
