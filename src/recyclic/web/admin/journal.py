"""Journal verification (`/admin/journal`): recompute the site's hash chain, show the result
and, when it is broken, the first entry in fault as stored (admins, like
`GET /api/v1/journal/verify`)."""

from __future__ import annotations

from fastapi.responses import HTMLResponse

from recyclic.api.deps import SessionDep
from recyclic.services.cash.journal import JournalService
from recyclic.web.admin.shell import AdminPage, admin_router, render

router = admin_router()

# The verification's reasons, as a person reads them.
REASONS = {
    "missing entry": "une écriture manque (numéro sauté)",
    "previous hash does not match": "l'empreinte précédente ne correspond pas à l'écriture d'avant",
    "hash does not match the stored payload": "le contenu enregistré a été modifié "
    "(son empreinte ne correspond plus)",
    "payload is not JSON": "le contenu enregistré est illisible",
    "payload is not a JSON object": "le contenu enregistré est illisible",
    "columns differ from the hashed payload": "les colonnes diffèrent du contenu scellé",
    "chain shorter than its head": "des écritures ont été supprimées à la fin du journal",
    "differs from a closing's recorded head": "l'écriture diffère de celle qu'une clôture a "
    "enregistrée",
}


@router.get("/admin/journal")
async def journal_page(ctx: AdminPage, session: SessionDep, verifier: bool = False) -> HTMLResponse:
    """The verification button; with `?verifier=1`, the verification's result."""
    result = broken = None
    if verifier:
        service = JournalService(session)
        result = await service.verify(ctx.site.id)
        if result.first_broken_seq is not None:
            broken = await service.entry(ctx.site.id, result.first_broken_seq)
    reason = REASONS.get(result.reason or "", result.reason) if result else None
    return render(ctx, "admin/journal.html", result=result, broken=broken, reason=reason)
