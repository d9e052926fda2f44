"""A task assigned from the demo ward's catalogue, in real Chromium: the weight is computed
from the product's coefficient and the quantity, shown on the form and kept on the task
(docs/RULES.md §6)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from directives.catalogue.models import CatalogueItem
from directives.models import Task
from units.models import Cadre

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Thẩm định hồ sơ cấp phép xây dựng nhà ở riêng lẻ"


@pytest.fixture
def frozen_day(monkeypatch):
    """The 20th of a month about a year and a half ahead: no demo task falls in it."""
    day = (timezone.localdate() + dt.timedelta(days=540)).replace(day=20)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return day


def test_a_head_assigns_from_the_catalogue_and_sees_the_weight_computed(
    demo, frozen_day, page, log_in, live_server, console_errors
):
    canbo = Cadre.objects.get(user__username="canbo")
    dossier = CatalogueItem.objects.get(
        regulation__code="ND335", job_group=canbo.job_group, code__endswith="-HS"
    )
    assert dossier.coefficient == 0.5

    log_in("truongphong")
    page.goto(f"{live_server.url}/tasks/board/")
    page.get_by_role("link", name="Giao việc").click()
    weight = page.get_by_label("Trọng số sản phẩm quy đổi", exact=True)
    expect(weight).to_be_visible()
    page.get_by_label("Người chủ trì (rõ người)").select_option(str(canbo.pk))
    page.get_by_label("Nhiệm vụ (rõ việc)").fill(TITLE)
    page.get_by_label("Ngày giao").fill(f"{frozen_day.replace(day=5):%d/%m/%Y}")
    page.get_by_label("Hạn hoàn thành (rõ thời gian)").fill(
        f"{frozen_day.replace(day=25):%d/%m/%Y}"
    )
    page.get_by_label("Kết quả, sản phẩm cần đạt (rõ sản phẩm)").fill("Tờ trình kèm hồ sơ")
    page.get_by_label("Sản phẩm quy chuẩn (danh mục)").select_option(str(dossier.pk))
    # From the catalogue the weight is shown, not typed.
    expect(weight).to_be_hidden()
    page.get_by_label("Số lượng").fill("3")
    computed = page.locator("#computed-weight output")
    expect(computed).to_have_text("0,5 × 3 = 1,5")
    page.get_by_label("Số lượng").fill("5")
    expect(computed).to_have_text("0,5 × 5 = 2,5")
    page.get_by_role("button", name="Giao việc").click()

    expect(page.get_by_text("Đã giao nhiệm vụ")).to_be_visible()
    row = page.locator("tbody", has_text=TITLE)
    expect(row.get_by_text(dossier.code)).to_be_visible()
    expect(row.locator("td").nth(5)).to_contain_text("2,5")
    task = Task.objects.get(title=TITLE)
    assert (task.product_id, task.quantity, task.weight) == (dossier.pk, 5, 2.5)

    # The task's page says where the weight comes from; the board filters by the product.
    row.get_by_role("link", name=task.code).click()
    expect(page.locator("#task-weight")).to_contain_text("2,5 = 0,5 × 5 hồ sơ")
    page.goto(f"{live_server.url}/tasks/board/?month={frozen_day:%Y-%m}&product={dossier.pk}")
    expect(page.locator("tbody", has_text=TITLE)).to_be_visible()
    assert console_errors == []
