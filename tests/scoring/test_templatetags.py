"""The template filters every page writes money with (docs/RULES.md §5, office formats): one
`vnd` filter, `units.formats.vnd_text`, on the month's pages, the months area, the office pages
and the dashboards alike."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from units.formats import vnd_text


def vnd(amount, language="vi") -> str:
    with translation.override(language):
        return Template("{% load vnd from month_tags %}{{ amount|vnd }}").render(
            Context({"amount": amount})
        )


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (17_000_000, "17.000.000"),
        (0, "0"),
        (-4_000, "-4.000"),
        (10**15, "1.000.000.000.000.000"),
        (Decimal("1428000"), "1.428.000"),
        (None, "—"),
    ],
)
def test_the_vnd_filter_writes_money_as_offices_do(amount, text, language):
    assert vnd(amount, language) == text


def test_a_missing_amount_is_a_dash_not_an_error():
    assert Template("{% load vnd from month_tags %}{{ nothing|vnd }}").render(Context()) == "—"


@pytest.mark.parametrize("amount", [0, 999, 1_000, 2_142_000, 10**12])
def test_the_filter_is_the_formats_function(amount):
    assert vnd(amount) == vnd_text(amount)
