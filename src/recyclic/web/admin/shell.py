"""The back office's one pattern: a shell without data, then server-rendered fragments that are
authorised exactly like the API.

- A plain navigation to `/admin/...` (no `Authorization` header) gets the **shell**: the same
  HTML for everyone (layout, an empty navigation), no data, no secret. Its script
  (static/js/admin.js) gets an access token from the refresh cookie, like the till.
- The script then asks the **same URL** again with htmx, sending `Authorization: Bearer …`:
  the route's handler runs with the API's own dependencies (the current user re-read from the
  database, role, site scoping — another site's id is a 404) and answers the page's
  **fragment** (`render`), which also replaces the navigation and the account bar.
- Forms post with htmx (bearer header + `X-CSRF-Token`, checked for every write by the router)
  to page routes that call one service method; invalid input comes back as the re-rendered
  form with French messages (`read_form`, status 422, swapped by htmx); a domain error is the
  API's JSON error, shown by the script beside the form; the unit of work rolls back.

A page module makes its router with `admin_router()`, declares its handlers with a context
dependency (`ViewerPage`, `AdminPage`…) and returns `render(ctx, "admin/<page>.html", ...)`.
"""

# No `from __future__ import annotations` here: FastAPI reads the signature of these
# dependencies again for every route that uses them, and string annotations would be
# eval()-ed each time (hundreds of times at start-up).

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from recyclic.api.cookies import check_csrf
from recyclic.api.deps import CurrentUser, SessionDep, SettingsDep, SiteIdQuery
from recyclic.api.errors import field_messages
from recyclic.models.site import Site
from recyclic.models.user import Role, User
from recyclic.services.access.scope import is_super_admin, target_site
from recyclic.services.access.scope import require_role as check_role
from recyclic.services.people.sites import SiteService
from recyclic.web.admin.nav import NavEntry, entry_for, visible_to
from recyclic.web.assets import ASSETS_PREFIX, asset_bundle
from recyclic.web.csp import PAGE_HEADERS, content_security_policy
from recyclic.web.pages import templates

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROLE_LABELS = {
    Role.VIEWER: "Consultation",
    Role.OPERATOR: "Bénévole",
    Role.ADMIN: "Administration",
    Role.SUPER_ADMIN: "Fédération",
}


def shell_response(request: Request) -> HTMLResponse:
    """The back office's shell: the same HTML for every person (no data)."""
    entry = entry_for(request.url.path)
    html = (
        templates()
        .get_template("admin/shell.html")
        .render(
            assets=ASSETS_PREFIX,
            version=asset_bundle().version,
            title=entry.label if entry else "Administration",
        )
    )
    return HTMLResponse(
        html,
        headers={
            **PAGE_HEADERS,
            "Content-Security-Policy": content_security_policy(),
            "Cache-Control": "no-cache",
            "Vary": "Authorization",
        },
    )


class AdminRoute(APIRoute):
    """A back-office route: a GET without credentials is a navigation and gets the shell
    (the handler and its dependencies do not run); anything else runs the handler, whose
    dependencies authenticate and authorise the request as the API would."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            if request.method == "GET" and "authorization" not in request.headers:
                return shell_response(request)
            return await handler(request)

        return route


async def _csrf_for_writes(request: Request, settings: SettingsDep) -> None:
    """Every write of the back office echoes the CSRF token (on top of the bearer token)."""
    if request.method in _WRITE_METHODS:
        check_csrf(request, settings.secret_key.get_secret_value())


def admin_router() -> APIRouter:
    """The router of a page module: back-office routes, CSRF-checked writes, no OpenAPI."""
    return APIRouter(
        route_class=AdminRoute, include_in_schema=False, dependencies=[Depends(_csrf_for_writes)]
    )


@dataclass
class AdminContext:
    """Who is asking, for which site: what every fragment needs."""

    request: Request
    user: User
    site: Site
    # The sites the person may switch between (every site for a super admin).
    sites: list[Site]
    nav: list[NavEntry]
    current: NavEntry | None

    @property
    def role(self) -> Role:
        return self.user.role

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.user.role]

    @property
    def switches_sites(self) -> bool:
        return is_super_admin(self.user)

    def can(self, role: Role | str) -> bool:
        """True when the person holds at least `role` (show a button only then)."""
        return self.user.role.at_least(Role(role))

    def url(self, path: str, **params: Any) -> str:
        """A back-office link that keeps the chosen site (super admin) and adds `params`
        (None values are left out)."""
        query = {k: str(v) for k, v in params.items() if v is not None and v != ""}
        if self.switches_sites:
            query = {"site_id": str(self.site.id), **query}
        return f"{path}?{urlencode(query)}" if query else path


def page_context(minimum: Role) -> Callable[..., Coroutine[Any, Any, AdminContext]]:
    """A dependency: the page's context when the person holds at least `minimum` (else 403),
    on their own site (a super admin names one with `?site_id=`; anyone else naming another
    site's id gets a 404)."""

    async def dependency(
        request: Request, user: CurrentUser, session: SessionDep, site_id: SiteIdQuery = None
    ) -> AdminContext:
        check_role(user, minimum)
        sites = SiteService(session)
        site = await sites.get_site(user, target_site(user, site_id))
        choices = await sites.list_sites(user) if is_super_admin(user) else [site]
        return AdminContext(
            request=request,
            user=user,
            site=site,
            sites=choices,
            nav=visible_to(user.role),
            current=entry_for(request.url.path),
        )

    dependency.__name__ = f"page_context_{minimum.value}"
    return dependency


ViewerPage = Annotated[AdminContext, Depends(page_context(Role.VIEWER))]
OperatorPage = Annotated[AdminContext, Depends(page_context(Role.OPERATOR))]
AdminPage = Annotated[AdminContext, Depends(page_context(Role.ADMIN))]
SuperAdminPage = Annotated[AdminContext, Depends(page_context(Role.SUPER_ADMIN))]


def render(
    ctx: AdminContext, template: str, *, status_code: int = 200, **data: Any
) -> HTMLResponse:
    """A page's fragment: its template (extending admin/_fragment.html) with the context.
    Never cached: it holds the shop's data."""
    html = (
        templates().get_template(template).render(ctx=ctx, assets=ASSETS_PREFIX, Role=Role, **data)
    )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={**PAGE_HEADERS, "Cache-Control": "no-store", "Vary": "Authorization"},
    )


SchemaT = TypeVar("SchemaT", bound=BaseModel)


@dataclass
class FormInput(Generic[SchemaT]):
    """A submitted form: the typed values when valid, else the French message of each field;
    `values` holds what was typed, to fill the form again."""

    values: dict[str, Any]
    data: SchemaT | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.data is not None


async def read_form(request: Request, schema: type[SchemaT]) -> FormInput[SchemaT]:
    """Parse the request's form into `schema` (empty fields are left out, a repeated field
    becomes a list). Nothing is written before this succeeds."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key == "csrf_token":
            continue
        if key in values:
            previous = values[key]
            values[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            values[key] = value
    given = {k: v for k, v in values.items() if v != ""}
    try:
        return FormInput(values=values, data=schema.model_validate(given))
    except ValidationError as exc:
        return FormInput(values=values, errors=field_messages(exc.errors()))
