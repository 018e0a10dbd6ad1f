"""/api/permisjon/*: JSON and .docx answers, Norwegian 422s naming the field, the OpenAPI schema."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient

from assistant.permisjon import rules
from core.settings import Settings
from tests.ui.fake_assistant import FakeAssistant
from ui.api import create_api
from ui.api_permisjon import DOCX_MEDIA
from ui.feedback import FeedbackStore

pytestmark = pytest.mark.unit


@pytest.fixture
def client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    api = create_api(settings, FakeAssistant(settings=settings), FeedbackStore.in_data_dir(tmp_path))
    with TestClient(api, raise_server_exceptions=False) as c:
        yield c


def test_sjekk_returns_cited_conditions(client: TestClient) -> None:
    r = client.post("/permisjon/sjekk", json={"years_working_life": 4, "years_with_employer": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"verdict", "as_of", "conditions", "pay", "employer_refusal", "next_steps", "notes"}
    assert body["verdict"] == "avhenger"  # the other fields are unknown
    first = body["conditions"][0]
    assert first["status"] == "oppfylt"
    assert set(first["citation"]) == {"document", "provision", "ledd", "quote"}
    assert "minst tre år" in first["citation"]["quote"]


def test_sjekk_one_year_with_employer(client: TestClient) -> None:
    body = client.post("/permisjon/sjekk", json={"years_working_life": 4, "years_with_employer": 1}).json()
    assert body["verdict"] == "ikke rett"
    assert body["conditions"][1]["status"] == "ikke oppfylt"


def test_svarfrist_json_and_docx(client: TestClient) -> None:
    payload = {"received": "2026-12-01", "length": {"amount": 4, "unit": "måneder"}}
    body = client.post("/permisjon/svarfrist", json=payload).json()
    assert body["deadline"] == "2027-03-01"
    assert "1. mars 2027" in body["draft_reply_markdown"]
    r = client.post("/permisjon/svarfrist?format=docx", json=payload)
    assert r.status_code == 200 and r.headers["content-type"] == DOCX_MEDIA
    assert "svar-utdanningspermisjon.docx" in r.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert rules.REPLY_SHORT.quote in text


def test_varsel_json_lists_missing_and_docx_cites_requirement(client: TestClient) -> None:
    body = client.post("/permisjon/varsel", json={"education": "Videreutdanning i veiledning"}).json()
    assert body["complete"] is False
    assert [m["field"] for m in body["missing"]] == ["length", "admission", "level"]
    assert rules.NOTICE_CONTENT.quote in body["markdown"]
    r = client.post("/permisjon/varsel", params={"format": "docx"}, json={"education": "Veiledning"})
    assert r.headers["content-type"] == DOCX_MEDIA
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert rules.NOTICE_CONTENT.quote in text


@pytest.mark.parametrize(
    ("path", "payload", "field", "needle"),
    [
        ("sjekk", {"years_working_life": -3}, "years_working_life", "kan ikke være negativt"),
        ("sjekk", {"years_with_employer": -1}, "years_with_employer", "kan ikke være negativt"),
        ("sjekk", {"start": "2026-01-01", "earlier_leave_start": "2026-05-01"}, "forespørselen", "feil rekkefølge"),
        ("sjekk", {"length": {"amount": 4, "unit": "år"}}, "forespørselen", "«length»: permisjonen er lengre enn tre år"),
        ("sjekk", {"level": "master"}, "level", "ugyldig verdi"),
        ("varsel", {"length": {"amount": 40, "unit": "måneder"}}, "forespørselen", "lengre enn tre år"),
        ("svarfrist", {"length": {"amount": 4, "unit": "måneder"}}, "received", "«received» mangler"),
        ("svarfrist", {"received": "1. desember", "length": {"amount": 4, "unit": "måneder"}}, "received", "feil format"),
        ("svarfrist", {"received": "2026-12-01", "length": {"amount": 1100, "unit": "dager"}}, "forespørselen",
         "lengre enn tre år"),
    ],
)  # fmt: skip
def test_invalid_input_is_a_norwegian_422_naming_the_field(
    client: TestClient, path: str, payload: dict[str, Any], field: str, needle: str
) -> None:
    r = client.post(f"/permisjon/{path}", json=payload)
    assert r.status_code == 422
    body = r.json()
    assert needle in body["error"]
    assert body["details"][0]["field"] == field
    if field == "forespørselen":  # cross-field errors name the field in the message itself
        assert "«" in body["error"]


def test_bad_format_parameter(client: TestClient) -> None:
    r = client.post("/permisjon/varsel?format=pdf", json={})
    assert r.status_code == 422 and "format" in r.json()["error"]


def test_openapi_documents_every_field(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/permisjon/sjekk", "/permisjon/varsel", "/permisjon/svarfrist"):
        assert path in schema["paths"]
    components = schema["components"]["schemas"]
    for name in ("SjekkInput", "VarselInput", "SvarfristInput", "Length"):
        props = components[name]["properties"]
        undocumented = [k for k, v in props.items() if not v.get("description")]
        assert undocumented == [], f"{name}: {undocumented}"
    assert components["SjekkInput"]["properties"]["years_working_life"]["anyOf"][0].get("minimum") == 0 or (
        components["SjekkInput"]["properties"]["years_working_life"].get("minimum") == 0
    )
