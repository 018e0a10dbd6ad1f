"""Loading and validating evaluation question files; evidence normalisation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import REPO_ROOT
from evals.dataset import (
    CorpusText,
    DatasetError,
    contains_evidence,
    dataset_problems,
    guess_language,
    load_dataset,
    normalize,
    span_problems,
)

pytestmark = pytest.mark.unit

GOOD = {
    "id": "aml-12-11-vilkar",
    "question": "Kan jeg få fri for å studere?",
    "evidence": ["har vært i arbeidslivet i minst tre år"],
    "out_of_scope": False,
    "role": "employee",
    "history": [],
}


def write(tmp_path: Path, *lines: object) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_loads_items_in_order_with_history_and_language(tmp_path: Path) -> None:
    follow_up = {
        **GOOD,
        "id": "oppfolging-nn",
        "question": "Og kva med løn?",
        "history": [
            {"role": "user", "content": "Får eg permisjon?"},
            {"role": "assistant", "content": "Ja [1]."},
        ],
    }
    oos = {
        "id": "oos-ferie",
        "question": "Hvor mange feriedager har jeg?",
        "evidence": [],
        "out_of_scope": True,
    }
    items = load_dataset(write(tmp_path, GOOD, "", follow_up, oos))
    assert [i.id for i in items] == ["aml-12-11-vilkar", "oppfolging-nn", "oos-ferie"]
    assert items[0].evidence == ("har vært i arbeidslivet i minst tre år",)
    assert [t.role for t in items[1].history] == ["user", "assistant"]
    assert (items[0].lang, items[1].lang) == ("nb", "nn")
    assert items[2].out_of_scope and items[2].evidence == () and items[2].role == "employee"
    assert items[2].line == 4  # the blank line still counts


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "linje 2: ugyldig JSON"),
        (json.dumps([1, 2]), "linje 2: hver linje må være et JSON-objekt"),
        (json.dumps({**GOOD, "id": "b", "question": " "}), "«question» må være en ikke-tom tekst"),
        (json.dumps({**GOOD, "id": "b", "evidense": ["x"]}), "ukjente felt evidense"),
        (json.dumps({**GOOD, "id": "b", "out_of_scope": True}), "skal ikke ha «evidence»"),
        (json.dumps({**GOOD, "id": "b", "evidence": []}), "trenger minst ett utdrag"),
        (json.dumps({**GOOD, "id": "b", "evidence": "tre år"}), "«evidence» må være en liste"),
        (json.dumps({**GOOD, "id": "b", "role": "boss"}), "«role» må være en av employee, manager, union"),
        (json.dumps({**GOOD, "id": "b", "out_of_scope": "no"}), "«out_of_scope» må være true eller false"),
        (json.dumps({**GOOD, "id": "b", "history": [{"role": "bot", "content": "x"}]}), "«history» nr. 1"),
        (json.dumps({**GOOD, "id": "b", "history": [{"role": "user"}]}), "mangler tekst i «content»"),
        (json.dumps(GOOD), "id 'aml-12-11-vilkar' er allerede brukt på linje 1"),
    ],
)
def test_errors_name_the_line(tmp_path: Path, line: str, expected: str) -> None:
    path = write(tmp_path, GOOD, line)
    with pytest.raises(DatasetError) as err:
        load_dataset(path)
    assert expected in str(err.value)
    assert f"{path}, linje 2" in str(err.value)


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="Fant ikke spørsmålsfila"):
        load_dataset(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetError, match="inneholder ingen spørsmål"):
        load_dataset(write(tmp_path, "", "  "))


def test_normalize_ignores_case_whitespace_quotes_and_dash_variants() -> None:
    assert normalize("  Hvor\n «Skoen»   TRYKKER” ") == "hvor skoen trykker"
    assert normalize("lærings\u2010 og ‘innovasjons’kultur") == "lærings- og innovasjonskultur"
    assert normalize('"A"\t\tB') == "a b"


def test_contains_evidence_any_span_across_line_breaks() -> None:
    passage = (
        "Gjennom samarbeid med tillitsvalgte får ledelsen verdifulle innspill på hvor \n\n«skoen trykker»"
    )
    assert contains_evidence(passage, ["finnes ikke", "innspill på hvor skoen trykker"])
    assert not contains_evidence(passage, ["ledelsen får innspill"])
    assert not contains_evidence(passage, [])


def test_guess_language_from_suffix_or_english_words() -> None:
    assert guess_language("x-en", "Hva er dette?") == "en"
    assert guess_language("x-nn", "Kva er dette?") == "nn"
    assert guess_language("x", "What does the employer have to do?") == "en"
    assert guess_language("x", "Hva må arbeidsgiver gjøre?") == "nb"


@pytest.mark.parametrize("split", ["tuning", "locked", "real"])
def test_bundled_split_loads_and_its_evidence_spans_are_sound(split: str) -> None:
    items = load_dataset(REPO_ROOT / "evals" / "data" / f"{split}.jsonl")
    assert any(i.out_of_scope for i in items) and any(not i.out_of_scope for i in items)
    # Real users' spans are kept verbatim as given, even where they cross a line of the source.
    corpus = CorpusText.of_folder(REPO_ROOT / "corpus")
    assert dataset_problems(items, corpus, one_line=split != "real") == []


def test_tuning_and_locked_splits_share_no_topic_id_question_or_span() -> None:
    tuning = load_dataset(REPO_ROOT / "evals" / "data" / "tuning.jsonl")
    locked = load_dataset(REPO_ROOT / "evals" / "data" / "locked.jsonl")
    assert all(i.topic for i in [*tuning, *locked])
    assert not {i.topic for i in tuning} & {i.topic for i in locked}
    assert not {i.id for i in tuning} & {i.id for i in locked}
    assert not {normalize(i.question) for i in tuning} & {normalize(i.question) for i in locked}
    assert not {e for i in tuning for e in i.evidence} & {e for i in locked for e in i.evidence}


def test_span_problems_name_what_is_wrong() -> None:
    corpus = CorpusText.of_folder(REPO_ROOT / "corpus")
    assert span_problems("har rett til hel eller delvis permisjon", corpus) == []
    assert "finnes ikke" in span_problems("rett til gratis kaffe", corpus)[0]
    assert "midt i et ord" in span_problems("ett til hel eller delvis permisjon", corpus)[0]
