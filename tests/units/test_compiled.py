"""A query compiled once per shape gives the rows its queryset gives, for any values of its
arguments; one whose arguments Django would transform is refused rather than kept wrong."""

import datetime as dt

import pytest
from django.db.models import Count, F

from tests.factories import MembershipFactory
from units.compiled import CompiledRows
from units.models import Cadre, Membership, valid_on_q

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 31)


def memberships(cadre_ids, on, unit_id):
    """A list, a date and an id; an annotation between the columns; dates to convert."""
    return (
        Membership.objects.filter(valid_on_q(on), cadre_id__in=cadre_ids)
        .exclude(unit_id=unit_id)
        .annotate(roles=Count("cadre__roles"), code=F("cadre__code"))
        .order_by("cadre__code", "pk")
        .values_list("code", "roles", "valid_from", "valid_to", "unit__code")
    )


def test_the_rows_are_the_querysets_whatever_the_values(org):
    MembershipFactory(cadre=org.staff_a, unit=org.b, valid_to=dt.date(2026, 10, 15))
    MembershipFactory(cadre=org.head_a, unit=org.b, valid_from=dt.date(2026, 11, 1))
    query = CompiledRows(Membership, memberships)
    ids = list(Cadre.objects.values_list("pk", flat=True))
    for cadre_ids, on, unit in (
        (ids, DAY, org.w2),
        (ids[:3], dt.date(2026, 10, 10), org.a),
        (ids[3:6], dt.date(2026, 11, 2), org.w1),  # the same shape, other values
        ([org.staff_a.pk, org.staff_a.pk], dt.date(2026, 10, 10), org.city),
    ):
        expected = list(memberships(cadre_ids, on, unit.pk))
        assert query.rows(cadre_ids, on, unit.pk) == expected
        assert expected and all(isinstance(row, tuple) for row in expected)


def test_a_shape_is_built_once_and_an_empty_list_reads_nothing(org, django_assert_num_queries):
    built = []

    def build(cadre_ids, unit_id):
        built.append(len(cadre_ids))
        return (
            Membership.objects.filter(cadre_id__in=cadre_ids, unit_id=unit_id)
            .order_by("cadre__code")
            .values_list("cadre__code")
        )

    query = CompiledRows(Membership, build)
    assert query.rows([org.staff_a.pk], org.a.pk) == [("SA",)]
    assert query.rows([org.staff_b.pk], org.b.pk) == [("SB",)]
    assert query.rows([org.staff_b.pk, org.head_b.pk], org.b.pk) == [("HB",), ("SB",)]
    assert query.rows([org.staff_a.pk, org.head_a.pk], org.a.pk) == [("HA",), ("SA",)]
    assert built == [1, 1, 2, 2]  # two sets of stand-ins for each shape, then never again
    with django_assert_num_queries(0):
        assert query.rows([], org.a.pk) == []


def test_an_argument_django_transforms_is_refused(org):
    shifted = CompiledRows(
        Membership,
        lambda cadre_id, on: Membership.objects.filter(
            cadre_id=cadre_id, valid_from__lte=on + dt.timedelta(days=1)
        ).values_list("pk"),
    )
    with pytest.raises(ValueError, match="transformed"):
        shifted.rows(org.staff_a.pk, DAY)
    moved = CompiledRows(
        Cadre, lambda cadre_id: Cadre.objects.filter(pk=cadre_id + 1).values_list("code")
    )
    with pytest.raises(ValueError, match="transformed"):
        moved.rows(org.staff_a.pk)


def test_only_ids_dates_and_lists_of_ids_are_taken(org):
    by_code = CompiledRows(
        Cadre, lambda code: Cadre.objects.filter(code__startswith=code).values_list("pk")
    )
    with pytest.raises(TypeError):
        by_code.rows("S")
