"""The catalogue of standard products and the weight of a task (docs/RULES.md §6)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives import services
from directives.catalogue.imports import catalogue_import
from directives.catalogue.models import CatalogueItem
from directives.catalogue.selectors import catalogue_regulation, items_in_force
from directives.catalogue.services import task_approve_weight
from directives.imports import tasks_import
from directives.models import AuditEntry, Regulation, Task, TaskEvent, TaskEventKind
from tests.directives.helpers import ASSIGNED, assign
from tests.factories import member
from units.tabular import ImportFailed

pytestmark = pytest.mark.django_db

D = Decimal
NOW = dt.datetime(2026, 10, 6, 9, 0, tzinfo=dt.UTC)


def item(regulation, code="SP-HS", job_group="specialist", coefficient="0.5", **extra):
    values = {"name_vi": "Thẩm định hồ sơ", "unit_of_measure": "hồ sơ"} | extra
    return CatalogueItem.objects.create(
        regulation=regulation,
        job_group=job_group,
        code=code,
        coefficient=D(coefficient),
        **values,
    )


def item_form(**over):
    """The add and edit form of a catalogue item, filled in; `over` changes fields."""
    return {
        "job_group": "specialist",
        "code": "SP-BC",
        "name_vi": "Báo cáo tháng",
        "name_en": "Monthly report",
        "unit_of_measure": "báo cáo",
        "coefficient": "1",
        "note": "",
    } | over


@pytest.fixture
def nd335(org):
    return Regulation.objects.get(code="ND335")


@pytest.fixture
def dossier(nd335):
    return item(nd335)


# --- the catalogue in force ------------------------------------------------------------------


def test_the_catalogue_in_force_is_the_newest_valid_regulation_with_items(org, nd335):
    assert catalogue_regulation(ASSIGNED) is None
    item(nd335)
    later = Regulation.objects.create(code="ND335-v2", name="v2", valid_from=dt.date(2026, 11, 1))
    item(later, coefficient="0.75")
    assert catalogue_regulation(ASSIGNED) == nd335
    assert catalogue_regulation(dt.date(2026, 11, 1)) == later
    assert [i.regulation for i in items_in_force(on=ASSIGNED, job_groups=["specialist"])] == [nd335]
    assert not items_in_force(on=ASSIGNED, job_groups=["leader"]).exists()


# --- assigning from the catalogue --------------------------------------------------------------


class TestAssignFromTheCatalogue:
    def test_the_weight_is_the_coefficient_times_the_quantity(self, org, dossier):
        task = assign(org, product=dossier, quantity=D(3))
        assert (task.weight, task.product, task.quantity, task.coefficient) == (
            D("1.50"),
            dossier,
            D(3),
            D("0.5"),
        )

    def test_a_weight_typed_above_the_catalogue_is_refused(self, org, dossier):
        with pytest.raises(ValidationError) as refused:
            assign(org, product=dossier, quantity=D(2), weight=D(50))
        (message,) = refused.value.message_dict["weight"]
        assert "0,5 × 2 = 1, not 50" in message or "0,5 × 2 = 1, không phải 50" in message
        assert not Task.objects.exists()

    def test_the_same_weight_typed_is_accepted(self, org, dossier):
        assert assign(org, product=dossier, quantity=D(4), weight=D(2)).weight == D(2)

    def test_an_item_of_another_job_group_is_refused(self, org, nd335):
        other = item(nd335, code="SP-CD", job_group="leader")
        with pytest.raises(ValidationError) as refused:
            assign(org, product=other)
        assert "leader" in refused.value.message_dict["product"][0]

    def test_an_item_of_a_catalogue_not_in_force_is_refused(self, org, nd335, dossier):
        later = Regulation.objects.create(code="ND-v9", name="v9", valid_from=dt.date(2027, 1, 1))
        future = item(later)
        with pytest.raises(ValidationError) as refused:
            assign(org, product=future)
        assert "SP-HS" in refused.value.message_dict["product"][0]

    def test_outside_the_catalogue_the_weight_is_at_most_one(self, org):
        assert assign(org, weight=D("0.5")).weight == D("0.5")
        assert assign(org).weight == D(1)
        with pytest.raises(ValidationError) as refused:
            assign(org, weight=D("1.25"))
        assert "1,25" in refused.value.message_dict["weight"][0]

    def test_a_changed_coefficient_never_moves_an_assigned_task(self, org, dossier):
        task = assign(org, product=dossier, quantity=D(2))
        dossier.coefficient = D(3)
        dossier.save()
        task.refresh_from_db()
        assert (task.weight, task.coefficient) == (D(1), D("0.5"))


# --- a higher weight outside the catalogue -----------------------------------------------------


@pytest.fixture
def ward_head(org):
    return member(org.w1, role="head", code="HW1", job_group="leader")


@pytest.fixture
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.usefixtures("frozen_clock")
class TestApproveWeight:
    def test_the_assigners_own_superior_approves_with_a_reason(self, org, ward_head):
        task = assign(org)
        task_approve_weight(
            task=task, by=ward_head, weight=D(3), reason="Hồ sơ phức tạp", user=None, on=ASSIGNED
        )
        task.refresh_from_db()
        assert task.weight == D(3)
        event = task.events.get(kind=TaskEventKind.WEIGHT_APPROVED)
        assert event.author == ward_head and "Hồ sơ phức tạp" in event.reason
        entry = AuditEntry.objects.get(action="task_weight_approved")
        assert (entry.object_id, entry.old, entry.new) == (
            task.code,
            {"weight": "1.00"},
            {"weight": "3"},
        )

    @pytest.mark.parametrize("who", ["head_a", "staff_a", "head_b", "staff_a2"])
    def test_the_assigner_the_assignee_a_peer_and_a_colleague_cannot(self, org, ward_head, who):
        task = assign(org)
        with pytest.raises(PermissionDenied):
            task_approve_weight(
                task=task, by=getattr(org, who), weight=D(3), reason="Lý do", on=ASSIGNED
            )
        task.refresh_from_db()
        assert task.weight == D(1)
        assert not TaskEvent.objects.filter(kind=TaskEventKind.WEIGHT_APPROVED).exists()

    def test_a_task_from_the_catalogue_is_not_approved_by_hand(self, org, ward_head, dossier):
        task = assign(org, product=dossier)
        with pytest.raises(ValidationError):
            task_approve_weight(task=task, by=ward_head, weight=D(3), reason="x", on=ASSIGNED)

    def test_a_reason_is_required(self, org, ward_head):
        task = assign(org)
        with pytest.raises(ValidationError):
            task_approve_weight(task=task, by=ward_head, weight=D(3), reason=" ", on=ASSIGNED)

    def test_the_task_page_offers_the_approval_to_the_superior_only(self, login, org, ward_head):
        task = assign(org)
        url = reverse("directives:detail", args=[task.code])
        action = reverse("directives:action", args=[task.code, "weight"])
        assert action in login(ward_head).get(url).content.decode()
        assert action not in login(org.head_a).get(url).content.decode()
        data = {"weight": "2", "reason": "Khối lượng lớn"}
        assert login(org.head_a).post(action, data).status_code == 403
        assert login(org.staff_a).post(action, data).status_code == 403
        assert login(org.head_b).post(action, data).status_code == 404
        response = login(ward_head).post(action, data)
        assert response.status_code == 302
        task.refresh_from_db()
        assert task.weight == D(2)


# --- the catalogue import --------------------------------------------------------------------

HEADER = "Nhóm vị trí việc làm,Mã,Tên,Tên tiếng Anh,Đơn vị tính,Hệ số quy đổi,Ghi chú"


def csv(*rows, header=HEADER):
    return "\n".join([header, *rows]).encode()


class TestCatalogueImport:
    def test_a_csv_with_vietnamese_headers_adds_and_changes_items(self, org, nd335, dossier):
        counts = catalogue_import(
            data=csv(
                'specialist,SP-HS,Thẩm định hồ sơ,Dossier appraisal,hồ sơ,"0,75",',
                "specialist,SP-BC,Báo cáo tháng,Monthly report,báo cáo,1,Gửi đúng hạn",
            ),
            regulation=nd335,
            file_name="danh-muc.csv",
        )
        assert counts == {"created": 1, "updated": 1, "unchanged": 0}
        items = dict(nd335.catalogue_items.values_list("code", "coefficient"))
        assert items == {"SP-HS": D("0.75"), "SP-BC": D(1)}
        entry = AuditEntry.objects.get(action="catalogue_import")
        assert entry.object_id == "ND335" and entry.new["file"] == "danh-muc.csv"

    def test_bad_rows_are_named_and_nothing_is_written(self, org, nd335, dossier):
        with pytest.raises(ImportFailed) as refused:
            catalogue_import(
                data=csv(
                    "specialist,SP-A,Tên,,hồ sơ,0,",
                    "specialist,SP-B,Tên,,hồ sơ,mười,",
                    ",SP-C,Tên,,hồ sơ,1,",
                    "specialist,SP-B,Tên,,hồ sơ,1,",
                    "specialist,SP D,Tên,,hồ sơ,1,",
                    "specialist,SP-E,Tên,,hồ sơ,101,",
                ),
                regulation=nd335,
            )
        assert [(e.row, e.column) for e in refused.value.errors] == [
            (2, "coefficient"),
            (3, "coefficient"),
            (4, "job_group"),
            (5, "code"),
            (6, "code"),
            (7, "coefficient"),
        ]
        assert list(nd335.catalogue_items.all()) == [dossier]
        assert not AuditEntry.objects.exists()

    def test_a_missing_column_is_named(self, org, nd335):
        with pytest.raises(ImportFailed) as refused:
            catalogue_import(
                data=csv("specialist,SP-A,Tên", header="Mã,Tên,Ghi chú"), regulation=nd335
            )
        assert {e.column for e in refused.value.errors} == {
            "job_group",
            "unit_of_measure",
            "coefficient",
        }

    def test_an_xlsx_file_imports(self, org, nd335):
        from openpyxl import Workbook

        book = Workbook()
        book.active.append(["Nhóm chức danh", "Mã", "Tên", "Đơn vị tính", "Hệ số"])
        book.active.append(["specialist", "SP-BB", "Biên bản kiểm tra", "biên bản", 0.5])
        import io

        out = io.BytesIO()
        book.save(out)
        catalogue_import(data=out.getvalue(), regulation=nd335)
        assert nd335.catalogue_items.get().coefficient == D("0.5")


# --- the task import with product_code --------------------------------------------------------

TASK_HEADER = (
    "code,title,assignee_code,assigned_by_code,assigned_on,deadline,expected_result,weight,"
    "completed_on,accepted,major_errors,delays"
)


def task_csv(*rows, extra=""):
    return "\n".join([TASK_HEADER + extra, *rows]).encode()


def task_row(code="NV1", weight="", tail=""):
    return f"{code},Thẩm định hồ sơ,SA,HA,2026-10-05,2026-10-25,Tờ trình,{weight},,false,0,0{tail}"


@pytest.mark.usefixtures("frozen_clock")
class TestTaskImport:
    def test_a_product_code_gives_the_computed_weight(self, org, dossier):
        tasks_import(
            data=task_csv(task_row(tail=",SP-HS,3"), extra=",Mã sản phẩm,Số lượng"),
            user=org.head_a.user,
            importer=org.head_a,
            within_paths=[org.a.path],
        )
        task = Task.objects.get()
        assert (task.product, task.quantity, task.weight) == (dossier, D(3), D("1.5"))

    def test_a_weight_beside_a_product_code_must_equal_the_computed_one(self, org, dossier):
        with pytest.raises(ImportFailed) as refused:
            tasks_import(
                data=task_csv(
                    task_row(weight="40", tail=",SP-HS,2"), extra=",product_code,quantity"
                ),
                user=org.head_a.user,
                importer=org.head_a,
                within_paths=[org.a.path],
            )
        assert [(e.row, e.column) for e in refused.value.errors] == [(2, "weight")]
        assert not Task.objects.exists()

    def test_an_unknown_product_code_is_named(self, org, dossier):
        with pytest.raises(ImportFailed) as refused:
            tasks_import(
                data=task_csv(task_row(tail=",SP-XX"), extra=",product_code"),
                user=org.head_a.user,
                importer=org.head_a,
                within_paths=[org.a.path],
            )
        assert [(e.row, e.column) for e in refused.value.errors] == [(2, "product_code")]

    def test_the_web_refuses_a_hidden_weight_outside_the_catalogue(self, org):
        with pytest.raises(ImportFailed) as refused:
            tasks_import(
                data=task_csv(task_row(weight="10")),
                user=org.head_a.user,
                importer=org.head_a,
                within_paths=[org.a.path],
            )
        assert [(e.row, e.column) for e in refused.value.errors] == [(2, "weight")]
        assert not Task.objects.exists()

    def test_the_command_line_still_takes_any_weight(self, org):
        tasks_import(data=task_csv(task_row(weight="10")))
        assert Task.objects.get().weight == D(10)

    def test_a_row_repeating_an_existing_tasks_weight_is_unchanged(self, org, ward_head):
        task = assign(org, code="NV1")
        task_approve_weight(task=task, by=ward_head, weight=D(4), reason="Lớn", on=ASSIGNED)
        counts = tasks_import(
            data=task_csv(task_row(weight="4").replace("Thẩm định hồ sơ", task.title)),
            user=org.head_a.user,
            importer=org.head_a,
            within_paths=[org.a.path],
        )
        assert Task.objects.get().weight == D(4)
        assert counts["created"] == 0


# --- a new version never changes a decided month -----------------------------------------------


def test_a_new_regulation_version_copies_the_catalogue_and_leaves_tasks_alone(org, dossier):
    task = assign(org, product=dossier, quantity=D(2))
    copy = services.regulation_new_version(regulation=dossier.regulation)
    assert list(copy.catalogue_items.values_list("code", "coefficient")) == [("SP-HS", D("0.5"))]
    catalogue_import(data=csv('specialist,SP-HS,Thẩm định hồ sơ,,hồ sơ,"0,8",'), regulation=copy)
    task.refresh_from_db()
    assert (task.product, task.weight) == (dossier, D(1))
    dossier.refresh_from_db()
    assert dossier.coefficient == D("0.5")


def test_the_catalogue_of_a_regulation_a_decided_month_pins_never_changes(org, dossier):
    from scoring.models import Phase
    from tests.dashboard.factories import PeriodFactory

    PeriodFactory(month="2026-09", scope=org.w1, phase=Phase.DECIDED, regulation=dossier.regulation)
    with pytest.raises(ImportFailed) as refused:
        catalogue_import(
            data=csv('specialist,SP-HS,Hồ sơ,,hồ sơ,"0,9",'), regulation=dossier.regulation
        )
    assert "ND335" in str(refused.value)
    dossier.refresh_from_db()
    assert dossier.coefficient == D("0.5")


# --- the pages -------------------------------------------------------------------------------

CATALOGUE = reverse("directives:catalogue")


class TestCataloguePages:
    def test_anyone_signed_in_reads_the_catalogue_anonymous_goes_to_login(
        self, client, login, org, dossier
    ):
        assert client.get(CATALOGUE).status_code == 302
        for who in (org.staff_a, org.head_a, org.leader_w1):
            page = login(who).get(CATALOGUE + "?regulation=ND335").content.decode()
            assert "SP-HS" in page and "Thẩm định hồ sơ" in page
            assert reverse("directives:catalogue_edit", args=["ND335", dossier.pk]) not in page
        page = login(org.admin).get(CATALOGUE + "?regulation=ND335").content.decode()
        assert reverse("directives:catalogue_edit", args=["ND335", dossier.pk]) in page

    @pytest.mark.parametrize("who", ["staff_a", "head_a", "leader_w1"])
    def test_only_the_administrator_writes(self, login, org, dossier, who):
        client = login(getattr(org, who))
        add = reverse("directives:catalogue_add", args=["ND335"])
        edit = reverse("directives:catalogue_edit", args=["ND335", dossier.pk])
        upload = reverse("directives:catalogue_import")
        data = item_form(code="SP-X", name_vi="X", unit_of_measure="cái", coefficient="9")
        for url in (add, edit, upload):
            assert client.get(url).status_code == 403
            assert client.post(url, data).status_code == 403
        assert list(CatalogueItem.objects.values_list("code", "coefficient")) == [
            ("SP-HS", D("0.5"))
        ]

    def test_an_unknown_regulation_or_item_is_404(self, login, org, dossier):
        client = login(org.admin)
        assert client.get(CATALOGUE + "?regulation=NOPE").status_code == 404
        assert client.get(reverse("directives:catalogue_add", args=["NOPE"])).status_code == 404
        hn = reverse("directives:catalogue_edit", args=["HN3814", dossier.pk])
        assert client.get(hn).status_code == 404

    def test_the_administrator_adds_an_item_and_bad_input_is_named(self, login, org, nd335):
        client = login(org.admin)
        url = reverse("directives:catalogue_add", args=["ND335"])
        data = item_form(coefficient="0")
        page = client.post(url, data).content.decode()
        assert "0,01" in page or "0.01" in page
        assert not CatalogueItem.objects.exists()
        assert client.post(url, data | {"coefficient": "1"}).status_code == 302
        page = client.post(url, data | {"coefficient": "2"}).content.decode()
        assert "Danh mục của ND335 đã có mã SP-BC" in page
        assert CatalogueItem.objects.get().coefficient == D(1)
        assert AuditEntry.objects.filter(action="catalogue_item_saved").count() == 1

    def test_the_import_page_lists_bad_rows_in_vietnamese(self, login, org, nd335):
        client = login(org.admin)
        upload = SimpleUploadedFile("danh-muc.csv", csv("specialist,SP-A,Tên,,hồ sơ,không,"))
        response = client.post(
            reverse("directives:catalogue_import"), {"regulation": nd335.pk, "file": upload}
        )
        page = response.content.decode()
        assert "Không có gì được nhập" in page and "“không” không phải là số" in page
        assert 'data-error-row="2" data-error-column="coefficient"' in page
        assert not CatalogueItem.objects.exists()

    def test_the_sample_file_imports(self, login, org, nd335):
        client = login(org.admin)
        sample = client.get(reverse("directives:catalogue_sample", args=["xlsx"])).content
        upload = SimpleUploadedFile("mau.xlsx", sample)
        response = client.post(
            reverse("directives:catalogue_import"), {"regulation": nd335.pk, "file": upload}
        )
        assert response.status_code == 302
        assert nd335.catalogue_items.get(code="SP-TD-01").coefficient == D("0.5")

    def test_the_catalogue_page_costs_the_same_queries_for_3_and_300_items(
        self, login, org, nd335, django_assert_num_queries
    ):
        client = login(org.admin)
        for n in range(3):
            item(nd335, code=f"SP-{n:03d}")

        # session, user, scope (cadre, roles), regulation, regulations, the catalogue in
        # force, job groups, items with their task counts; the frozen check (periods)
        def count():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                page = client.get(CATALOGUE + "?regulation=ND335").content.decode()
            return len(captured), page.count("<tr>")

        small, rows = count()
        CatalogueItem.objects.bulk_create(
            CatalogueItem(
                regulation=nd335,
                job_group=f"group {n % 7}",
                code=f"SP-B{n:03d}",
                name_vi="Sản phẩm",
                unit_of_measure="cái",
                coefficient=D(1),
            )
            for n in range(297)
        )
        large, more = count()
        assert large == small
        assert more == rows + 297
        with django_assert_num_queries(small):
            client.get(CATALOGUE + "?regulation=ND335")


@pytest.mark.usefixtures("frozen_clock")
class TestAssignForm:
    url = staticmethod(lambda: reverse("directives:assign", args=["W1-A"]))

    def data(self, org, **overrides):
        return {
            "assignee": org.staff_a.pk,
            "title": "Thẩm định hồ sơ cấp phép xây dựng",
            "assigned_on": "06/10/2026",
            "deadline": "25/10/2026",
            "expected_result": "Tờ trình",
        } | overrides

    def test_the_form_offers_the_products_of_the_units_job_groups(self, login, org, dossier):
        item(dossier.regulation, code="SP-LD", job_group="nobody here")
        page = login(org.head_a).get(self.url()).content.decode()
        assert f'value="{dossier.pk}" data-coefficient="0.50"' in page
        assert "SP-LD" not in page

    def test_a_forged_weight_beside_a_product_is_refused_in_vietnamese(self, login, org, dossier):
        data = self.data(org, product=dossier.pk, quantity="2", weight="50")
        page = login(org.head_a).post(self.url(), data).content.decode()
        assert "không được nhập tay" in page and "0,5 × 2 = 1, không phải 50" in page
        assert not Task.objects.exists()

    def test_a_forged_weight_outside_the_catalogue_is_refused_in_vietnamese(self, login, org):
        page = login(org.head_a).post(self.url(), self.data(org, weight="80")).content.decode()
        assert "Nhiệm vụ ngoài danh mục có trọng số tối đa 1; bạn đã nhập 80" in page
        assert not Task.objects.exists()

    def test_from_the_catalogue_the_weight_is_computed(self, login, org, dossier):
        data = self.data(org, product=dossier.pk, quantity="3")
        assert login(org.head_a).post(self.url(), data).status_code == 302
        assert Task.objects.get().weight == D("1.5")

    def test_the_board_filters_by_catalogue_item(self, login, org, dossier):
        from_catalogue = assign(org, product=dossier, title="Hồ sơ A")
        assign(org, title="Việc khác")
        page = login(org.head_a).get(
            reverse("directives:board", args=["W1-A"]),
            {"month": "2026-10", "product": dossier.pk},
        )
        html = page.content.decode()
        assert f'id="task-{from_catalogue.code}"' in html and "Việc khác" not in html
