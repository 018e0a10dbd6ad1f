"""The JSON HTTP API, a FastAPI app mounted under ``/api`` (OpenAPI at ``/api/openapi.json``).

Every route is a plain ``def``, so FastAPI runs the blocking assistant calls in its
thread pool and many users are served at once. Errors always come back as
``{"error": "<Norwegian message>"}``: a ``KompetanseError`` with its own message and a
fitting status (503 when the index is unavailable), request validation as 422, and
anything unexpected as a short generic 500 (the traceback goes to the log).
"""

from __future__ import annotations

import http.client
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.models import AnswerJSON, Turn
from assistant.service import Assistant
from core.errors import (
    AmbiguousReferenceError,
    DocumentError,
    EmptyIndexError,
    IndexMismatchError,
    IndexUnavailableError,
    KompetanseError,
)
from core.settings import Settings
from ui.api_permisjon import router as permisjon_router
from ui.feedback import FeedbackStore, mask_fnr
from ui.health import HealthProbe
from ui.server import is_loopback
from ui.writer import TOKEN_HEADER, IndexWriter, report_to_dict

log = logging.getLogger(__name__)

# Questions are capped by ``retrieval.max_question_chars`` (see :func:`ask_request_model`). Other
# text (an earlier answer in the history, a rated answer) may be longer, up to this.
MAX_TEXT_CHARS = 100_000
NOT_BLANK = r"\S"  # at least one non-space character (JSON Schema patterns are unanchored)
MAX_HISTORY_TURNS = 50
GENERIC_ERROR = "Noe gikk galt på serveren. Prøv igjen om litt, eller kontakt administratoren."
EMPTY_QUESTION = "Spørsmålet er tomt. Skriv et spørsmål."

Role = Literal["ansatt", "leder", "tillitsvalgt"]


class HistoryTurn(BaseModel):
    """One earlier turn of the conversation."""

    model_config = ConfigDict(regex_engine="python-re")  # the same `\S` as JSON Schema tools

    role: Literal["user", "assistant"] = Field(description="user: the question; assistant: the answer text.")
    content: str = Field(
        min_length=1, max_length=MAX_TEXT_CHARS, pattern=NOT_BLANK, description="The text of the turn."
    )


class AskRequest(BaseModel):
    """A question, with the earlier conversation for follow-ups."""

    model_config = ConfigDict(regex_engine="python-re")  # the same `\S` as JSON Schema tools

    question: str = Field(
        min_length=1,
        pattern=NOT_BLANK,
        description="The question, with at least one non-space character (at most "
        "`retrieval.max_question_chars`; see the app's schema).",
        examples=["Har jeg rett på utdanningspermisjon?"],
    )
    history: list[HistoryTurn] = Field(
        default_factory=list, max_length=MAX_HISTORY_TURNS, description="Earlier turns, oldest first."
    )
    role: Role | None = Field(
        None,
        description="Who is asking: ansatt, leder or tillitsvalgt. It does not change the answer (the sources "
        "are the same for everyone); it is written with the question to the log when "
        "`log_questions` is on. Send it again with `/api/feedback` to record it with a rating.",
    )


def ask_request_model(max_question_chars: int) -> type[AskRequest]:
    """:class:`AskRequest` with the question capped at ``max_question_chars`` (in the schema too).

    The one cap is ``retrieval.max_question_chars``: the API rejects a longer question
    (422), and the assistant truncates longer text from other callers to it.
    """
    question = (
        str,
        Field(
            min_length=1,
            max_length=max_question_chars,
            pattern=NOT_BLANK,
            description=f"The question, with at least one non-space character and at most "
            f"{max_question_chars} characters (`retrieval.max_question_chars`).",
            examples=["Har jeg rett på utdanningspermisjon?"],
        ),
    )
    model: type[AskRequest] = create_model("AskRequest", __base__=AskRequest, question=question)
    return model


class ErrorResponse(BaseModel):
    """Every error: a Norwegian message, and for invalid input the failing fields."""

    error: str
    details: list[dict[str, str]] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (400, "Forespørselen kunne ikke leses"),
        (401, "Innlogging kreves"),
        (404, "Fant ikke"),
        (422, "Ugyldig forespørsel"),
        (500, "Uventet feil"),
        (503, "Indeksen er utilgjengelig"),
    )
}


class FeedbackRequest(BaseModel):
    """A rating of one answer; stored locally, never sent anywhere."""

    model_config = ConfigDict(regex_engine="python-re")  # the same `\S` as JSON Schema tools

    question: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=NOT_BLANK)
    answer: str = Field(max_length=MAX_TEXT_CHARS, description="The answer text that was rated.")
    chunk_ids: list[str] = Field(
        default_factory=list, max_length=100, description="Chunk ids the answer cited."
    )
    rating: Literal[1, -1] = Field(description="1 = nyttig, -1 = ikke nyttig.")
    comment: str = Field("", max_length=5_000)
    role: Role | None = Field(
        None, description="Who asked: ansatt, leder or tillitsvalgt; stored with the rating."
    )


def error_status(exc: KompetanseError) -> int:
    """The HTTP status for a ``KompetanseError``: 503 when the index cannot serve, 400 for bad input files,
    409 for a provision reference that matches several documents (the body lists the candidates)."""
    if isinstance(exc, IndexUnavailableError | EmptyIndexError | IndexMismatchError):
        return status.HTTP_503_SERVICE_UNAVAILABLE
    if isinstance(exc, DocumentError):
        return status.HTTP_400_BAD_REQUEST
    if isinstance(exc, AmbiguousReferenceError):
        return status.HTTP_409_CONFLICT
    return status.HTTP_500_INTERNAL_SERVER_ERROR


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "forespørselen"


def validation_message(error: dict[str, Any]) -> str:
    """A Norwegian message for one pydantic validation error."""
    field, kind, ctx = _field(tuple(error.get("loc", ()))), error.get("type", ""), error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "string_pattern_mismatch" or (kind == "string_too_short" and field == "question"):
        return EMPTY_QUESTION if field == "question" else f"Feltet «{field}» er tomt. Skriv noe i det."
    if kind == "missing":
        return f"Feltet «{field}» mangler."
    if kind == "string_too_long" and field == "question":
        return f"Spørsmålet er for langt (høyst {ctx.get('max_length', '')} tegn). Skriv det kortere."
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length", "")
        return f"Feltet «{field}» er for langt (høyst {limit})."
    if kind in ("string_too_short", "too_short"):
        return f"Feltet «{field}» er tomt eller for kort."
    if kind in ("literal_error", "enum"):
        return f"Feltet «{field}» har en ugyldig verdi (tillatt: {ctx.get('expected', '')})."
    if kind == "json_invalid":
        return "Forespørselen er ikke gyldig JSON."
    return f"Feltet «{field}» har feil format."


class BasicAuth:
    """FastAPI dependency: HTTP Basic login when ``ui.username``/``ui.password`` are set, else open."""

    def __init__(self, settings: Settings) -> None:
        self.username = settings.ui.username
        self.password = settings.ui.password.get_secret_value() if settings.ui.password else ""
        self.basic = HTTPBasic(auto_error=False, realm="Kompetanseassistenten")

    async def __call__(self, request: Request) -> None:
        if not (self.username and self.password):
            return
        credentials = await self.basic(request)
        ok = credentials is not None and (
            secrets.compare_digest(credentials.username.encode(), self.username.encode())
            & secrets.compare_digest(credentials.password.encode(), self.password.encode())
        )
        if not ok:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail="Innlogging kreves (brukernavn og passord).",
                headers={"WWW-Authenticate": 'Basic realm="Kompetanseassistenten"'},
            )


def _install_error_handlers(api: FastAPI) -> None:
    @api.exception_handler(KompetanseError)
    async def _kompetanse_error(request: Request, exc: KompetanseError) -> JSONResponse:
        log.warning("%s on %s: %s", type(exc).__name__, request.url.path, exc.detail or exc.message)
        body: dict[str, Any] = {"error": str(exc)}
        if isinstance(exc, AmbiguousReferenceError):
            body["candidates"] = list(exc.candidates)
        return JSONResponse(body, status_code=error_status(exc))

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"field": _field(tuple(e.get("loc", ()))), "message": validation_message(e)} for e in exc.errors()
        ]
        message = details[0]["message"] if details else "Ugyldig forespørsel."
        return JSONResponse({"error": message, "details": details}, status_code=422)

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        defaults = {
            400: "Forespørselen kunne ikke leses. Send gyldig JSON i UTF-8.",
            404: "Fant ikke det du spurte etter.",
            405: "Metoden er ikke tillatt her.",
        }
        # Starlette's own English phrases ("Not Found", body-parse errors) are replaced;
        # our Norwegian details are kept. We never raise 400 ourselves.
        ours = (
            isinstance(exc.detail, str)
            and exc.detail not in http.client.responses.values()
            and exc.status_code != 400
        )
        fallback = defaults.get(exc.status_code, "Forespørselen kunne ikke behandles.")
        body = {"error": exc.detail if ours else fallback}
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @api.middleware("http")
    async def _unexpected(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            return await call_next(request)
        except Exception:
            log.exception("Unexpected error on %s %s", request.method, mask_fnr(request.url.path))
            return JSONResponse({"error": GENERIC_ERROR}, status_code=500)


class AdminIngestRequest(BaseModel):
    """Files or folders (absolute paths on this machine) for the app to ingest; none = the corpus folder."""

    paths: list[str] | None = Field(None, max_length=10_000)
    rebuild: bool = False


def create_api(
    settings: Settings, assistant: Assistant, feedback: FeedbackStore, writer: IndexWriter | None = None
) -> FastAPI:
    """The ``/api`` application over ``assistant``; protected by HTTP Basic when a login is configured.

    With a ``writer``, ``POST /api/admin/ingest`` (not in the schema) lets `kompetanse ingest`
    hand its work to this process: loopback only, authenticated by the writer's per-start token.
    """
    api = FastAPI(
        title="Kompetanseassistenten API",
        description="Svar med kildehenvisninger om læring, kompetanseutvikling og utdanningspermisjon.",
        version="1",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; the schema alone stays local.
        redoc_url=None,
        openapi_url="/openapi.json",
        responses=ERROR_RESPONSES,
    )
    _install_error_handlers(api)
    probe = HealthProbe(settings, assistant)
    router = APIRouter(dependencies=[Depends(BasicAuth(settings))])

    def ask(body: AskRequest) -> dict[str, Any]:
        """Answer a question with citations, or refuse when the sources do not cover it."""
        history = [Turn(role=t.role, content=t.content) for t in body.history]
        return assistant.ask(body.question, history=history, role=body.role).to_dict()

    # The request model carries this app's question cap, so the schema and the validation say it.
    ask.__annotations__["body"] = ask_request_model(settings.retrieval.max_question_chars)
    router.post(
        "/ask",
        summary="Still et spørsmål",
        response_description="Answer JSON (see README).",
        response_model=AnswerJSON,
    )(ask)

    @router.get("/provisions", summary="Søk i bestemmelser")
    def provisions(q: Annotated[str, Query(max_length=500)] = "") -> dict[str, Any]:
        """All provisions and guide sections, filtered by ``q`` when given."""
        views = assistant.provisions(q)
        return {"query": q, "count": len(views), "provisions": [v.to_dict() for v in views]}

    @router.get("/provisions/{ref:path}", summary="Hent én bestemmelse")
    def provision(ref: str) -> dict[str, Any]:
        """One provision by any common reference form ("HTA 14.2", "aml. § 12-11", "Hovedavtalen § 3-5");
        404 if unknown, 409 with the ``candidates`` when the number is in several documents."""
        view = assistant.lookup(ref[:200])
        if view is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=assistant.not_found(ref))
        return view.to_dict()

    @router.get("/documents", summary="Dokumentene i indeksen")
    def documents() -> dict[str, Any]:
        """The indexed documents with chunk and provision counts."""
        docs = assistant.documents()
        return {"count": len(docs), "documents": [d.to_dict() for d in docs]}

    @router.get("/samtale", summary="Sjekkliste for medarbeidersamtalen")
    def samtale(
        focus: Annotated[str, Query(max_length=500)] = "", limit: Annotated[int, Query(ge=1, le=50)] = 12
    ) -> dict[str, Any]:
        """A ranked, cited checklist for a medarbeidersamtale, with a Markdown rendering."""
        return assistant.samtale(focus, limit=limit).to_dict()

    @router.post("/feedback", summary="Gi tilbakemelding på et svar", status_code=201)
    def post_feedback(body: FeedbackRequest) -> dict[str, Any]:
        """Store a rating locally in the data folder; nothing is sent anywhere."""
        fid = feedback.add(
            body.question, body.answer, body.chunk_ids, body.rating, body.comment, body.role or ""
        )
        return {"id": fid, "stored": True}

    @router.get("/health", summary="Status")
    def health() -> JSONResponse:
        """ok (200) when a test query against the index succeeds; else empty, unavailable or reloading (503)."""
        body, code = probe.check()
        return JSONResponse(body, status_code=code)

    router.include_router(permisjon_router)  # /permisjon/sjekk, /varsel, /svarfrist
    api.include_router(router)

    @api.post("/admin/ingest", include_in_schema=False)
    def admin_ingest(
        request: Request,
        body: AdminIngestRequest,
        token: Annotated[str, Header(alias=TOKEN_HEADER)] = "",
    ) -> dict[str, Any]:
        """Ingest on behalf of `kompetanse ingest` in this process, the index's only writer."""
        client = request.client.host if request.client else ""
        if (
            writer is None
            or not is_loopback(client)
            or not secrets.compare_digest(token.encode(), writer.token.encode())
        ):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Ikke tilgang.")
        paths = [Path(p) for p in body.paths] if body.paths is not None else None
        return report_to_dict(writer.ingest(paths, rebuild=body.rebuild))

    return api
