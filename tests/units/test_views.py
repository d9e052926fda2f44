import pytest
from django.urls import reverse

from tests.factories import UnitFactory, member

pytestmark = pytest.mark.django_db


def test_every_page_sends_anonymous_users_to_login(client, org):
    for url in [
        reverse("home"),
        reverse("units:tree"),
        reverse("units:detail", args=["W1-A"]),
        reverse("units:cadre", args=["SA"]),
        reverse("units:import"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
    response = client.post(reverse("units:password_link", args=["SA"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_vietnamese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_home_shows_each_role_its_own_content(login, org):
    assert "Phòng A" in login(org.head_a).get(reverse("home")).content.decode()
    page = login(org.leader_w1).get(reverse("home")).content.decode()
    assert "Phường Một" in page
    assert "Phường Hai" not in page


class TestUnitTree:
    def test_head_sees_only_their_subtree(self, login, org):
        page = login(org.head_a).get(reverse("units:tree")).content.decode()
        assert "Phòng A" in page
        assert "Phòng B" not in page
        assert "Phường Một" not in page

    def test_leader_sees_their_ward_and_below(self, login, org):
        page = login(org.leader_w1).get(reverse("units:tree")).content.decode()
        for name in ("Phường Một", "Phòng A", "Phòng B"):
            assert name in page
        assert "Phường Hai" not in page

    def test_query_count_does_not_grow_with_units(self, login, org, django_assert_num_queries):
        client = login(org.leader_w1)
        for i in range(20):
            member(UnitFactory(parent=org.w1, code=f"W1-X{i}"))
        # session, user, scope (one query), units with member counts
        with django_assert_num_queries(4):
            response = client.get(reverse("units:tree"))
        assert response.content.decode().count("/units/W1-X") == 20


class TestUnitDetail:
    url = staticmethod(lambda code: reverse("units:detail", args=[code]))

    def test_outsider_gets_404(self, login, org):
        assert login(org.head_b).get(self.url("W1-A")).status_code == 404
        assert login(org.leader_w2).get(self.url("W1-A")).status_code == 404
        assert login(org.staff_a).get(self.url("W1-B")).status_code == 404

    def test_allowed_users_see_members_and_roles(self, login, org):
        for who in (org.head_a, org.leader_w1, org.staff_a, org.admin):
            response = login(who).get(self.url("W1-A"))
            assert response.status_code == 200
            assert org.staff_a.full_name in response.content.decode()

    def test_a_plain_cadre_gets_no_profile_links(self, login, org):
        page = login(org.staff_a).get(self.url("W1-A")).content.decode()
        assert reverse("units:cadre", args=["SA2"]) not in page

    def test_query_count_does_not_grow_with_members(self, login, org, django_assert_num_queries):
        client = login(org.head_a)
        for i in range(25):
            member(org.a, code=f"M{i:02d}")
        # session, user, scope (1), unit, ancestors, members, roles, subunits
        with django_assert_num_queries(8):
            response = client.get(self.url("W1-A"))
        assert response.content.decode().count("M2") >= 6


class TestCadreProfile:
    url = staticmethod(lambda code: reverse("units:cadre", args=[code]))

    def test_cadre_sees_own_profile_but_not_a_colleagues(self, login, org):
        client = login(org.staff_a)
        assert client.get(self.url("SA")).status_code == 200
        assert client.get(self.url("SA2")).status_code == 404

    def test_head_sees_staff_of_their_unit_only(self, login, org):
        client = login(org.head_a)
        assert client.get(self.url("SA")).status_code == 200
        assert client.get(self.url("SB")).status_code == 404

    def test_leader_and_admin_see_profiles_in_scope(self, login, org):
        assert login(org.leader_w1).get(self.url("SB")).status_code == 200
        assert login(org.leader_w2).get(self.url("SB")).status_code == 404
        assert login(org.admin).get(self.url("SB")).status_code == 200

    def test_query_count_is_fixed(self, login, org, django_assert_num_queries):
        client = login(org.head_a)
        # session, user, scope (1), cadre, its unit, memberships (the unit today among them),
        # roles
        with django_assert_num_queries(7):
            client.get(self.url("SA"))


class TestPasswordLink:
    """The page's ladder; the rule itself: tests/security/test_password_links.py."""

    url = staticmethod(lambda code: reverse("units:password_link", args=[code]))

    def test_the_admin_gets_the_form(self, login, org):
        response = login(org.admin).get(self.url("SA"))
        assert response.status_code == 200
        assert 'name="replace"' in response.content.decode()

    def test_read_only_leader_gets_403(self, login, org):
        assert login(org.leader_w1).post(self.url("SA")).status_code == 403

    def test_cadre_cannot_issue_links_even_for_themself(self, login, org):
        assert login(org.staff_a).post(self.url("SA")).status_code == 403

    def test_outsider_gets_404(self, login, org):
        assert login(org.head_b).post(self.url("SA")).status_code == 404

    def test_put_is_not_allowed(self, login, org):
        assert login(org.admin).put(self.url("SA")).status_code == 405


class TestImportPage:
    url = reverse_lazy = staticmethod(lambda: reverse("units:import"))

    def test_only_admins_may_import(self, login, org):
        for who in (org.head_a, org.leader_w1, org.staff_a):
            assert login(who).get(self.url()).status_code == 403
        assert login(org.admin).get(self.url()).status_code == 200

    def test_a_good_file_is_imported(self, login, org):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = "code,name,kind,parent_code\nW3,Phường Ba,ward,HN\n".encode()
        response = login(org.admin).post(
            self.url(), {"kind": "units", "file": SimpleUploadedFile("u.csv", data)}, follow=True
        )
        assert response.status_code == 200
        assert "1" in str(next(iter(response.context["messages"])))
        assert org.city.children.filter(code="W3").exists()

    def test_bad_rows_are_listed_and_nothing_is_written(self, login, org):
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = b"code,name,kind,parent_code\nW3,,ward,HN\nW4,P,ward,NOPE\nW/5,P,ward,HN\n"
        response = login(org.admin).post(
            self.url(), {"kind": "units", "file": SimpleUploadedFile("u.csv", data)}
        )
        assert [(e.row, e.column) for e in response.context["failure"].errors] == [
            (2, "name"),
            (3, "parent_code"),
            (4, "code"),
        ]
        page = response.content.decode()
        assert "Không có gì được nhập" in page
        assert not org.city.children.filter(code__in=["W3", "W4"]).exists()


def test_healthz_answers_anonymous_users_with_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
