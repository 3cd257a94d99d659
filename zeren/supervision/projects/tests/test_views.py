import pytest

from zeren.org.testing import make_user

pytestmark = pytest.mark.django_db


def test_list_detail_and_bottlenecks_for_an_officer(client, city, projects, django_assert_max_num_queries):
    client.force_login(make_user("officer", "supervision_officer", city["city"]))
    with django_assert_max_num_queries(12):
        html = client.get("/supervision/projects/").content.decode()
    assert "前海数据中心" in html and "光明智能制造产业园" in html
    assert "深圳市生态环境局" in html  # P1's current holder
    with django_assert_max_num_queries(12):
        page = client.get("/supervision/projects/P1/")
    html = page.content.decode()
    assert page.status_code == 200 and 'href="/supervision/cases/P1-eia/"' in html
    assert "vendor/echarts/echarts.min.js" in html and 'id="chart-data"' in html
    with django_assert_max_num_queries(12):
        html = client.get("/supervision/projects/bottlenecks/").content.decode()
    assert html.index("深圳市生态环境局") < html.index("深圳市发展和改革委员会")  # held 30 days vs 3


def test_a_department_sees_only_projects_it_has_a_hand_in(client, city, projects):
    client.force_login(make_user("env", "staff", city["environment"]))
    html = client.get("/supervision/projects/").content.decode()
    assert "前海数据中心" in html and "光明智能制造产业园" not in html
    assert client.get("/supervision/projects/P2/").status_code == 404
    assert "设置前置环节" not in client.get("/supervision/projects/P1/").content.decode()  # not the lead unit


def test_the_lead_unit_sets_a_prerequisite_and_a_loop_is_explained(client, city, projects):
    client.force_login(make_user("fgw", "staff", city["development"]))
    page = client.post("/supervision/projects/P1/dependencies/", {"stage": "approval", "requires": "construction"},
                       follow=True)
    assert "循环依赖" in page.content.decode()
    page = client.post("/supervision/projects/P1/dependencies/", {"stage": "eia", "requires": "approval"},
                       follow=True)
    assert page.status_code == 200 and "循环" not in page.content.decode()


def test_api(client, city, projects):
    client.force_login(make_user("officer", "supervision_officer", city["city"]))
    rows = client.get("/api/v1/projects/").json()
    assert {r["code"] for r in rows["items"]} == {"P1", "P2"}
    detail = client.get("/api/v1/projects/P1").json()
    assert detail["holders"] == ["SZ-HJ"] and detail["statutory_critical_days"] == 67
    assert detail["critical_path"] == ["eia", "construction"]
    assert {s["code"]: s["state"] for s in detail["stages"]} == {
        "approval": "approved", "construction": "waiting", "eia": "handling"}
    units = client.get("/api/v1/projects/bottlenecks").json()
    assert units[0]["unit_code"] == "SZ-HJ" and units[0]["held_days"] == 30
    assert client.get("/api/v1/projects/?status=completed").json()["count"] == 0


def test_english(client, city, projects):
    client.force_login(make_user("officer", "supervision_officer", city["city"]))
    client.cookies["django_language"] = "en"
    html = client.get("/supervision/projects/P1/").content.decode()
    assert "Critical path" in html and "Working days elapsed" in html
