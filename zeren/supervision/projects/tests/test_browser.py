import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_page_draws_the_graph_and_the_critical_path(page, live_server, settings):
    from django.utils import timezone

    from zeren.demo.context import DemoContext
    from zeren.org import demo as org_demo
    from zeren.supervision import demo as supervision_demo
    from zeren.supervision.projects import demo as projects_demo
    from zeren.supervision.projects.models import Project

    ctx = DemoContext(size="small", seed=2007, today=timezone.localdate(), quiet=True)
    for step in (org_demo, supervision_demo, projects_demo):
        step.build(ctx)
    assert Project.objects.count() == 5
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", settings.ZEREN_DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.goto(f"{live_server.url}/supervision/projects/")
    assert page.locator("table.list tbody tr").count() == 5
    page.screenshot(path="/tmp/projects-list.png", full_page=True)
    page.locator("table.list tbody tr a").first.click()
    page.wait_for_selector("#dag canvas")
    page.wait_for_selector("#gantt canvas")
    assert page.locator("tr.critical").count() >= 1
    assert page.locator("text=关键路径").first.is_visible()
    page.screenshot(path="/tmp/projects-detail.png", full_page=True)
    page.goto(f"{live_server.url}/supervision/projects/bottlenecks/")
    page.wait_for_selector("#held canvas")
    page.screenshot(path="/tmp/projects-bottlenecks.png", full_page=True)
