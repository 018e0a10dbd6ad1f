"""Lookup of "§ n-m" provisions in documents users add, named by short name or title."""

from __future__ import annotations

import pytest

from assistant.lookup import lookup
from core.models import Chunk

pytestmark = pytest.mark.unit


def chunk(label: str, document: str, short: str, text: str, pos: int) -> Chunk:
    return Chunk(
        chunk_id=f"c{pos}",
        doc_id=short.lower(),
        document=document,
        short_name=short,
        kind="agreement",
        text=text,
        section_path=(short,),
        provision=label,
        heading=None,
        chunk_type="provision",
        page_start=2,
        page_end=2,
        char_start=0,
        char_end=len(text),
        position=pos,
        doc_hash="h" * 64,
    )


CHUNKS = [
    chunk("HA § 3-5", "Hovedavtalen", "HA", "Tillitsvalgte får fri med lønn.", 0),
    chunk("Særavtalen § 3-5", "Særavtale om reiser", "Særavtalen", "Reiseutgifter dekkes.", 1),
]


@pytest.mark.parametrize("ref", ["Hovedavtalen § 3-5", "HA 3-5", "hovedavtalen del B § 3-5", "HA § 3-5"])
def test_named_forms_find_the_provision(ref: str) -> None:
    view = lookup(ref, CHUNKS)
    assert view is not None and view.label == "HA § 3-5"


def test_an_unnamed_number_in_two_documents_is_not_guessed() -> None:
    assert lookup("3-5", CHUNKS) is None
