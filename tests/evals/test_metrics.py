"""Every metric on hand-made answers with known values, including the unmeasured cases."""

from __future__ import annotations

import pytest

from assistant.models import Answer, Citation, Passage
from core.models import Chunk, make_chunk_id
from evals import metrics

pytestmark = pytest.mark.unit

P1 = (
    "Arbeidstaker som har vært i arbeidslivet i minst tre år og som har vært ansatt hos arbeidsgiveren "
    "de siste to år, har rett til hel eller delvis permisjon i inntil tre år. Utdanning må være yrkesrelatert."
)
P2 = (
    "Turnusarbeidere som er innvilget permisjon med lønn for å delta på kurs, gis ny fridag som kompensasjon."
)


def chunk(text: str, position: int = 0) -> Chunk:
    return Chunk(
        chunk_id=make_chunk_id("doc", position, text),
        doc_id="doc",
        document="Dokument",
        short_name="Dok",
        kind="guide",
        text=text,
        section_path=("Del",),
        provision=None,
        heading=None,
        chunk_type="paragraph",
        page_start=None,
        page_end=None,
        char_start=0,
        char_end=len(text),
        position=position,
        doc_hash="doc",
    )


def answer(
    text: str, texts: tuple[str, ...] = (P1, P2), cited: tuple[int, ...] = (), refused: bool = False
) -> Answer:
    passages = tuple(Passage(n=i, chunk=chunk(t, i), score=1.0 / i) for i, t in enumerate(texts, 1))
    citations = tuple(
        Citation(
            n, passages[n - 1].chunk.chunk_id, "Dokument", None, "Del", None, passages[n - 1].chunk.text, 0
        )
        for n in cited
    )
    return Answer(question="q", text=text, refused=refused, citations=citations, passages=passages)


# ---------------------------------------------------------------------- sentences and markers


def test_split_sentences_keeps_markers_and_abbreviations() -> None:
    text = "Du har rett til permisjon, jf. HTA kap. 1 pkt. 14.2 [1]. Kurs gir ny fridag. [2] Neste setning [1][2]!"
    assert metrics.split_sentences(text) == [
        "Du har rett til permisjon, jf. HTA kap. 1 pkt. 14.2 [1].",
        "Kurs gir ny fridag [2].",
        "Neste setning [1][2]!",
    ]


def test_split_sentences_joins_pdf_line_breaks_and_splits_bullets() -> None:
    text = "Relevant \n\nkompetanse er avgjørende. Ordningen inkluderer:\n- Regional ordning\n• Desentralisert ordning"
    assert metrics.split_sentences(text) == [
        "Relevant kompetanse er avgjørende.",
        "Ordningen inkluderer:",
        "- Regional ordning",
        "• Desentralisert ordning",
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Ja [1].", [1]),
        ("A [2][3] b [2].", [2, 3]),
        ("A [1, 4].", [1, 4]),
        ("A [2-4].", [2, 3, 4]),
        ("Ingen.", []),
    ],
)
def test_markers(sentence: str, expected: list[int]) -> None:
    assert metrics.markers(sentence) == expected


def test_content_tokens_drop_short_words_stopwords_and_digits() -> None:
    assert metrics.content_tokens("Du har rett til 3 års permisjon i HTA, og det er bra.") == {
        "rett",
        "års",
        "permisjon",
        "hta",
        "bra",
    }


# ---------------------------------------------------------------------- the support judge


def test_supports_by_containment_ignoring_markers_and_punctuation() -> None:
    assert metrics.supports("Utdanning må være «yrkesrelatert» [1].", P1)
    assert not metrics.supports("Utdanning må være gratis [1].", P2)


def test_supports_by_token_coverage_threshold() -> None:
    passage = "Alfa beta gamma delta epsilon."
    # Five content tokens in each claim: 4 of 5 found (0.8) is enough, 3 of 5 is not.
    assert metrics.supports("Epsilon, delta, gamma, beta og zeta.", passage) is True
    assert metrics.supports("Epsilon, delta, gamma, omega og zeta.", passage) is False


def test_supports_window_is_three_consecutive_sentences() -> None:
    passage = "Alfa kommer. Beta kommer. Gamma kommer. Delta kommer. Epsilon kommer."
    assert metrics.supports("alfa beta gamma kommer", passage)
    assert not metrics.supports("alfa delta epsilon kommer", passage)  # spread over five sentences


def test_citation_precision_and_recall_known_values() -> None:
    text = (
        "Du må ha vært i arbeidslivet i minst tre år [1]. "
        "Turnusarbeidere gis ny fridag som kompensasjon [1][2]. "
        "Dette er en setning uten kilde."
    )
    support = metrics.sentence_support(answer(text))
    assert [s.cited for s in support] == [(1,), (1, 2), ()]
    assert [s.supporting for s in support] == [(1,), (2,), ()]
    assert metrics.citation_precision(support) == pytest.approx(2 / 3)
    assert metrics.citation_recall(support) == pytest.approx(2 / 3)


def test_marker_to_a_missing_passage_is_an_unsupported_citation() -> None:
    support = metrics.sentence_support(answer("Utdanning må være yrkesrelatert [7]."))
    assert metrics.citation_precision(support) == 0.0
    assert metrics.citation_recall(support) == 0.0


def test_unmeasured_citation_metrics_are_none() -> None:
    no_citations = metrics.sentence_support(answer("Utdanning må være yrkesrelatert."))
    assert metrics.citation_precision(no_citations) is None
    assert metrics.citation_recall(no_citations) == 0.0
    refused = metrics.sentence_support(answer("Det står ikke i kildene.", refused=True))
    assert refused == []
    assert metrics.citation_precision(refused) is None
    assert metrics.citation_recall(refused) is None


def test_custom_judge_is_used() -> None:
    support = metrics.sentence_support(answer("Hva som helst [1]."), judge=lambda s, p: True)
    assert metrics.citation_precision(support) == 1.0


# ---------------------------------------------------------------------- retrieval


def test_first_hit_rank_and_aggregates() -> None:
    texts = ["ingenting her", "Minst  «tre» år", "tre år"]
    assert metrics.first_hit_rank(texts, ["minst tre år"]) == 2
    assert metrics.first_hit_rank(texts, ["fem år"]) is None
    ranks = [1, 3, None, 2]
    assert metrics.hit_at_k(ranks, 1) == 0.25
    assert metrics.hit_at_k(ranks, 4) == 0.75
    assert metrics.mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)
    assert metrics.hit_curve(ranks, 4) == [0.25, 0.5, 0.75, 0.75]


def test_retrieval_metrics_unmeasured_without_items() -> None:
    assert metrics.hit_at_k([], 1) is None
    assert metrics.mean_reciprocal_rank([]) is None
    assert metrics.hit_curve([], 3) == [None, None, None]


# ---------------------------------------------------------------------- answers, refusals, latency


def test_answer_cites_evidence() -> None:
    evidence = ["ny fridag som kompensasjon"]
    assert metrics.answer_cites_evidence(answer("Ny fridag [2].", cited=(2,)), evidence)
    # The evidence is in passage 2, but only passage 1 is cited.
    assert not metrics.answer_cites_evidence(answer("Tre år [1].", cited=(1,)), evidence)
    assert not metrics.answer_cites_evidence(answer("Ny fridag [2].", cited=(2,), refused=True), evidence)


def test_refusal_rates_and_unmeasured() -> None:
    refused = [True, False, True, False, False]
    oos = [True, True, False, False, False]
    assert metrics.refusal_rates(refused, oos) == (0.5, pytest.approx(1 / 3))
    assert metrics.refusal_rates([False], [False]) == (None, 0.0)
    assert metrics.rate([]) is None


def test_percentile() -> None:
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert metrics.percentile([5.0], 95) == 5.0
    assert metrics.percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)
    assert metrics.percentile([], 50) is None


def test_no_llm_judge_without_a_configured_model(settings: object) -> None:
    assert metrics.make_llm_judge(settings) is None


def test_split_sentences_at_paragraph_labels_list_letters_and_markers() -> None:
    text = (
        "Dette reguleres av § 12-11 [1]. (2) Permisjon kan ikke kreves [2]. "
        "Før det har gått [1] a. dobbelt så lang tid og [1] b. minst ett år [1]. "
        "Gjelder barnehager, skoler m.v. Noen pakker er for alle [1]."
    )
    assert metrics.split_sentences(text) == [
        "Dette reguleres av § 12-11 [1].",
        "(2) Permisjon kan ikke kreves [2].",
        "Før det har gått [1]",
        "a. dobbelt så lang tid og [1]",
        "b. minst ett år [1].",
        "Gjelder barnehager, skoler m.v. Noen pakker er for alle [1].",
    ]


def test_split_sentences_line_ending_in_a_marker_ends_the_sentence() -> None:
    text = "Skal bidra til å [1]:\n• motivere til heltid [1]\nHTA kap. 3.2 Lokal lønnspolitikk [2]:"
    assert metrics.split_sentences(text) == [
        "Skal bidra til å [1]:",
        "• motivere til heltid [1]",
        "HTA kap. 3.2 Lokal lønnspolitikk [2]:",
    ]


def test_answer_quotes_evidence_only_when_its_own_text_holds_a_span() -> None:
    evidence = ["gis ny fridag som kompensasjon"]
    # the span is in the cited passage, but the answer quotes another sentence of it
    assert metrics.answer_cites_evidence(answer("Ny fridag [2].", cited=(2,)), evidence)
    assert not metrics.answer_quotes_evidence(answer("Ny fridag [2].", cited=(2,)), evidence)
    quoted = answer("Turnusarbeidere gis ny fridag [2] som kompensasjon [2].", cited=(2,))
    assert metrics.answer_quotes_evidence(quoted, evidence)  # markers inside the span are left out
    refused = answer("Turnusarbeidere gis ny fridag som kompensasjon [2].", cited=(2,), refused=True)
    assert not metrics.answer_quotes_evidence(refused, evidence)
