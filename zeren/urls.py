from importlib import import_module

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zeren.api import api
from zeren.portal import views as portal_views

handler500 = "zeren.core.views.server_error"  # 403 and 404: Django's handlers render zeren/core's templates

urlpatterns = [
    path("", portal_views.home, name="home"),  # the public portal (zeren.portal)
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# Each element app mounts its pages under its own name when it has a urls.py.
for _app in ["org", "audit", "duties", "targets", "supervision", "evaluation", "accountability", "oversight", "cockpit", "findings", "portal"]:
    try:
        import_module(f"zeren.{_app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"zeren.{_app}", f"zeren.{_app}.urls"):
            raise
        continue
    prefix = "" if _app == "portal" else f"{_app}/"
    urlpatterns.append(path(prefix, include(f"zeren.{_app}.urls")))

# The workbench (我的工作台), every signed-in role's landing page, is the cockpit app's too.
urlpatterns.append(path("workbench/", include("zeren.cockpit.workbench_urls")))

# Investment-project supervision lives inside supervision (zeren.supervision.projects).
urlpatterns.append(path("supervision/projects/", include("zeren.supervision.projects.urls")))

# Open311 GeoReport v2 for fault complaints (zeren.accountability.open311), at the path clients expect.
urlpatterns.append(path("open311/", include("zeren.accountability.open311")))
