"""``/api/permisjon/*``: the rights check, the written notice and the reply deadline as JSON or .docx.

Each route returns JSON; with ``?format=docx`` the notice and the reply deadline return
the draft as a Word file download instead. Invalid input gives the API's Norwegian 422
``{"error", "details"}`` (the handler in ``ui.api``), naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from assistant.permisjon import docx, sjekk, svarfrist, varsel
from assistant.permisjon.models import SjekkInput, SvarfristInput, VarselInput

DOCX_MEDIA = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Format = Annotated[
    Literal["json", "docx"], Query(description="json (default) or docx: the draft as a Word file download.")
]

router = APIRouter(prefix="/permisjon", tags=["utdanningspermisjon"])


def _docx_response(markdown: str, filename: str) -> Response:
    return Response(
        docx.markdown_to_docx(markdown),
        media_type=DOCX_MEDIA,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/sjekk", summary="Rettighetssjekk for utdanningspermisjon")
def post_sjekk(body: SjekkInput) -> dict[str, Any]:
    """Check the case against aml. § 12-11 (1) and (3); pay and costs after HTA 14.2; every point cited."""
    return sjekk.check(body).to_dict()


@router.post(
    "/varsel",
    summary="Skriftlig varsel til arbeidsgiver",
    responses={200: {"content": {DOCX_MEDIA: {}}, "description": "JSON, or the .docx with format=docx"}},
)
def post_varsel(body: VarselInput, format: Format = "json") -> Any:
    """A draft notice with the fields aml. § 12-11 (4) requires; missing fields are listed, not invented."""
    notice = varsel.draft(body)
    if format == "docx":
        return _docx_response(notice.markdown, "varsel-utdanningspermisjon.docx")
    return notice.to_dict()


@router.post(
    "/svarfrist",
    summary="Arbeidsgivers svarfrist og utkast til svar",
    responses={200: {"content": {DOCX_MEDIA: {}}, "description": "JSON, or the .docx with format=docx"}},
)
def post_svarfrist(body: SvarfristInput, format: Format = "json") -> Any:
    """The last date for the written reply under aml. § 12-11 (5), what it must contain, and a draft reply."""
    result = svarfrist.compute(body)
    if format == "docx":
        return _docx_response(result.markdown, "svar-utdanningspermisjon.docx")
    return result.to_dict()
