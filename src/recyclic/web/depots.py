"""The reception desk (/depots): a page shell like the till's, its script does the rest.

The shell holds no data; every deposit and outbound flow comes from the JSON API with the
person's token, so the page is authorised exactly like the API routes behind it (role, own
site, another site's deposit is a 404 the page shows as such).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from recyclic.web.pages import render_page

router = APIRouter(include_in_schema=False)


@router.get("/depots")
async def reception_desk() -> HTMLResponse:
    """Record deposits (typed or dictated), today's list, the admins' review, outbound flows."""
    return render_page("depots.html", title="Accueil des dépôts")


@router.get("/depots/{deposit_ref}")
async def reception_deposit(deposit_ref: str) -> HTMLResponse:
    """One deposit: the same shell, which reads the id from the address (the API answers 404
    for an unknown id or another site's)."""
    return render_page("depots.html", title="Accueil des dépôts")
