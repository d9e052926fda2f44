import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("username", "landmark"),
    [
        ("admin", "Tất cả đơn vị"),
        ("lanhdao", "Đơn vị tôi theo dõi"),
        ("truongphong", "Đơn vị tôi phụ trách"),
        ("canbo", "Công việc của tôi"),
    ],
)
def test_each_demo_login_lands_on_its_home_page(demo, log_in, console_errors, username, landmark):
    page = log_in(username)
    expect(page.get_by_role("heading", name=landmark)).to_be_visible()
    assert console_errors == []


def test_wrong_password_is_refused_in_vietnamese(demo, page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("tên đăng nhập và mật khẩu", exact=False)).to_be_visible()


def test_language_switch_to_english_and_back(demo, log_in):
    page = log_in("canbo")
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    page.get_by_label("Language").select_option("vi")
    expect(page.get_by_role("heading", name="Công việc của tôi")).to_be_visible()


def test_head_browses_the_unit_tree_and_cannot_open_another_department(demo, log_in, live_server):
    page = log_in("truongphong")
    page.get_by_role("link", name="Đơn vị", exact=True).first.click()
    expect(page.get_by_role("link", name="Phòng Kinh tế, Hạ tầng và Đô thị")).to_be_visible()
    expect(page.get_by_role("link", name="Phòng Văn hóa - Xã hội")).to_have_count(0)
    response = page.goto(f"{live_server.url}/units/HH-VHXH/")
    assert response.status == 404
