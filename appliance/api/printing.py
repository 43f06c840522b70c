"""The desk's printed documents: one event's document as an A4 PDF (scrutineer or chair)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter

from appliance.api import Id
from appliance.errors import NotFound
from appliance.i18n import for_request
from appliance.printing import DOCS, box_key_text, unknown_document
from appliance.services import Context, marks_report
from appliance.trust.auth import OFFICIALS, Principal

Doc = Annotated[str, PathParameter(min_length=1, max_length=40, description=f"one of {', '.join(DOCS)}")]


class PrintController(Controller):
    path = "/api"
    tags = ["printing"]

    @get(
        "/events/{event_id:int}/print/{doc:str}",
        summary="A printed document of the event (A4 PDF): " + ", ".join(DOCS),
        media_type="application/pdf",
        response_description="The document: an A4 PDF with a header, page x of y and the box's checksum on every page",
        opt={"roles": OFFICIALS},
    )
    async def document(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        event_id: Id,
        doc: Doc,
        request: Request,
    ) -> Response[bytes]:
        if doc not in DOCS:
            raise NotFound(unknown_document(doc), "doc")
        from appliance.printing import pdf  # WeasyPrint (0.5 s, Pango) loads with the first document, not at start

        language = for_request(request.cookies, request.headers.get("accept-language"))  # the asker's language
        body = await pdf.document_async(ctx.store, event_id, doc, box_key_text(Path(ctx.settings.data_dir)), language)
        disposition = f'inline; filename="event-{event_id}-{doc}.pdf"'
        return Response(body, media_type="application/pdf", headers={"Content-Disposition": disposition})

    @get(
        "/events/{event_id:int}/marks-report",
        summary="The marks report as data (what the printed marks report shows): each computed round's crosses or "
        "places by judge, with the totals and the Skating columns",
        opt={"roles": OFFICIALS},
    )
    async def marks(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], event_id: Id, request: Request
    ) -> dict:
        language = for_request(request.cookies, request.headers.get("accept-language"))
        return await marks_report.marks_report(ctx, event_id, language)
