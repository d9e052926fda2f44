"""factory_boy factories for every model, in one place."""

import importlib
import io

import factory
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from openpyxl import Workbook

from units.models import Cadre, Membership, Role, Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-fiveclear-1")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Phòng số {n}")
    kind = "department"
    parent = None


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    code = factory.Sequence(lambda n: f"CB{n:05d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..code"))
    job_group = "specialist"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    cadre = factory.SubFactory(CadreFactory)
    unit = factory.SubFactory(UnitFactory)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    cadre = factory.SubFactory(CadreFactory)
    unit = factory.SubFactory(UnitFactory)
    role = "head"


def member(unit, *, role=None, job_group="specialist", **cadre_fields):
    """A cadre who belongs to `unit` (and holds `role` over it, if given)."""
    cadre = CadreFactory(job_group=job_group, **cadre_fields)
    MembershipFactory(cadre=cadre, unit=unit)
    if role:
        RoleFactory(cadre=cadre, unit=unit, role=role)
    return cadre


def ensure_regulations():
    """ND335 and HN3814 as their data migration writes them.

    Transactional tests (browser, concurrency) flush the tables afterwards, data migrations'
    rows included, so a later test in the same worker writes them again the migration's way.
    """
    from directives.models import Regulation

    if not Regulation.objects.filter(code="ND335").exists():
        migration = importlib.import_module(
            "directives.migrations.0001_squashed_0009_dossiers_satisfaction"
        )
        migration.create(django_apps, None)


def xlsx(rows) -> bytes:
    """An .xlsx file of `rows` (the first is the header, if any), as an import reads it."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def error_cells(failure) -> list[tuple[int, str]]:
    """The (row, column) of each error of a refused import, as `pytest.raises(ImportFailed)`
    caught it."""
    return [(e.row, e.column) for e in failure.value.errors]
