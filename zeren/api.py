"""The JSON API (django-ninja), served under ``/api/v1/`` with OpenAPI at ``/api/v1/openapi.json``.

Each app contributes a router in its ``api.py``; it is mounted here under the app's name.
"""

from importlib import import_module

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.openapi.docs import ABS_TPL_PATH, Swagger


class BundledSwagger(Swagger):
    """The docs page with the swagger-ui files django-ninja ships, not its CDN (which may be unreachable).

    django-ninja uses its bundled page only when "ninja" is an installed app; zeren does not
    install it (settings.NINJA_DIR says why), so the "CDN" template is pointed at the bundled one.
    """

    template_cdn = str(ABS_TPL_PATH / "swagger.html")


api = NinjaAPI(
    docs=BundledSwagger(),
    title="zeren API",
    version="1",
    description="zeren (责任): administrative responsibility system — organisation, duties, supervision.",
    urls_namespace="api",
)


@api.exception_handler(ValueError)
def nul_in_json(request: HttpRequest, exc: ValueError) -> HttpResponse:
    """A JSON body whose strings hold U+0000: PostgreSQL cannot store it; the client gets 422, not 500."""
    if "NUL" not in str(exc):
        raise exc
    return api.create_response(request, {"detail": "NUL (0x00) characters are not allowed in text"}, status=422)

ROUTERS = [
    "org", "workcal", "audit", "findings", "duties", "targets", "supervision", "evaluation", "accountability",
    "oversight", "cockpit", "portal",
]

for _name in ROUTERS:
    try:
        _module = import_module(f"zeren.{_name}.api")
    except ModuleNotFoundError as exc:  # app without an API yet
        if exc.name != f"zeren.{_name}.api":
            raise
        continue
    api.add_router(f"/{_name}/", _module.router)

# Investment-project supervision, an app nested in supervision.
api.add_router("/projects/", import_module("zeren.supervision.projects.api").router)
