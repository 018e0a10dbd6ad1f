"""Hybrid retrieval on a small in-memory index (hash embedder)."""

import math

import numpy as np
import pytest

from assistant.rank_signals import Candidate, sentence_closeness, unit
from assistant.retriever import HybridSearcher
from core.answer_settings import RetrievalSettings
from core.asking import asked_text
from core.intents import INTENTS
from index.embeddings import HashEmbeddings
from tests.assistant.fakes import CHUNKS, MemoryIndex, make_chunk

pytestmark = pytest.mark.unit


@pytest.fixture
def searcher() -> HybridSearcher:
    embedder = HashEmbeddings()
    return HybridSearcher(MemoryIndex(CHUNKS, embedder), embedder, RetrievalSettings())


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("hva står i 4.2.4", "HTA kap. 4 pkt. 4.2.4"),
        ("HTA 14.2", "HTA kap. 1 pkt. 14.2"),
        ("paragraf 12-11", "aml. § 12-11"),
    ],
)
def test_named_provision_comes_first(searcher: HybridSearcher, question: str, label: str) -> None:
    hits = searcher.search(question, 3)
    assert hits[0].chunk.provision == label
    assert hits[0].exact_provision


def test_other_inflections_find_the_phrase(searcher: HybridSearcher) -> None:
    # The lexical ranking on its own: the hash embedder's similarities are noise, so the fused ranking
    # would test them (this test passed by that noise until the embedded question changed). Stems meet
    # across inflections: "skriftlige varselet" finds "skriftlig varsel".
    best = searcher.bm25.search("Hva må stå i det skriftlige varselet til arbeidsgiveren?", 3)[0]
    assert "skriftlig varsel" in searcher.chunks[best.index].text


def test_refresh_rebuilds_only_when_generation_changes(searcher: HybridSearcher) -> None:
    assert searcher.refresh() is True
    assert searcher.refresh() is False
    searcher.index.gen = "2"  # type: ignore[attr-defined]
    assert searcher.refresh() is True


def test_empty_question_returns_nothing(searcher: HybridSearcher) -> None:
    assert searcher.search("   ", 3) == []


def test_each_part_of_a_multi_part_post_brings_its_own_best_passage() -> None:
    talks = [
        make_chunk(
            f"Medarbeidersamtalen om læring og kompetansebehov, del {i}: leder og medarbeider.",
            position=60 + i,
        )
        for i in range(4)
    ]
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex([*CHUNKS, *talks], embedder), embedder, RetrievalSettings())
    post = (
        "Medarbeidersamtalen med lederen om læring og kompetansebehov nærmer seg. "
        "Hva tar vi opp i medarbeidersamtalen om læring? Må jeg gi skriftlig varsel?"
    )
    parts = ("Hva tar vi opp i medarbeidersamtalen om læring?", "Må jeg gi skriftlig varsel?")
    whole = searcher.search(post, 3)
    split = searcher.search(post, 3, parts=parts, slots=3)
    assert not any("skriftlig varsel" in h.chunk.text for h in whole)  # lost in the whole post
    assert any("skriftlig varsel" in h.chunk.text for h in split)  # among the passages quoted from
    assert split[0].chunk == whole[0].chunk  # the overall best still leads


def _deferral_pair() -> list:
    # A made-up pair: an agreement clause that hands the right over to a statute, and the statute's limit.
    deferring = make_chunk(
        "7.1 Fagbrevpermisjon\n\nRett til fagbrevpermisjon reguleres av opplæringsloven § 4-2. "
        "Permisjon skal gis med mindre særlige grunner taler mot det, og med lønn når arbeidsgiver krever kurset.",
        position=1,
        doc_id="avtale",
        kind="agreement",
        provision="Avtalen pkt. 7.1",
        references=("oppl. § 4-2",),
    )
    statute = make_chunk(
        "§ 4-2 (2) Fagbrevpermisjon kan likevel ikke kreves når det er til hinder for driften.",
        position=2,
        doc_id="oppl",
        kind="law",
        provision="oppl. § 4-2",
    )
    return [deferring, statute]


def _scores(question: str, penalty: float) -> dict[str | None, float]:
    embedder = HashEmbeddings()
    settings = RetrievalSettings(deferral_penalty=penalty)
    searcher = HybridSearcher(MemoryIndex(_deferral_pair(), embedder), embedder, settings)
    return {h.chunk.provision: h.score for h in searcher.search(question, 2)}


@pytest.mark.parametrize(
    ("question", "penalised"),
    [
        ("Kan de nekte meg fagbrevpermisjon?", True),  # the limit of the right: the statute decides
        ("Har jeg rett til fagbrevpermisjon?", True),
        ("Får jeg lønn under fagbrevpermisjon?", False),  # pay: the agreement's own rule decides
        ("Hvem betaler kurset når jeg tar fagbrevpermisjon?", False),  # costs: likewise
        ("Hva er fagbrevpermisjon?", False),  # no kind of rule asked for
        ("Kan de nekte meg fagbrevpermisjon etter avtalen?", False),  # asked under the clause's own agreement
    ],
)
def test_a_passage_handing_the_right_to_another_provision_gives_way_on_questions_about_the_right(
    question: str, penalised: bool
) -> None:
    with_penalty, without = _scores(question, 0.5), _scores(question, 0.0)
    drop = without["Avtalen pkt. 7.1"] - with_penalty["Avtalen pkt. 7.1"]
    assert drop == pytest.approx(0.5 if penalised else 0.0)
    assert with_penalty["oppl. § 4-2"] == pytest.approx(without["oppl. § 4-2"])


def test_a_passage_handing_the_right_over_earns_no_deciding_bonus_for_it() -> None:
    # The clause words a limit ("særlige grunner"), but the statute it defers the right to decides.
    embedder = HashEmbeddings()

    def scores(question: str, bonus: float) -> dict[str | None, float]:
        settings = RetrievalSettings(deciding_bonus=bonus)
        other = make_chunk("Medarbeidersamtalen tar opp læring.", position=3, doc_id="veileder")
        searcher = HybridSearcher(MemoryIndex([*_deferral_pair(), other], embedder), embedder, settings)
        return {h.chunk.provision: h.score for h in searcher.search(question, 3)}

    deferred = "Kan arbeidsgiver nekte meg fagbrevpermisjon?"
    assert scores(deferred, 2.0)["Avtalen pkt. 7.1"] == pytest.approx(
        scores(deferred, 0.0)["Avtalen pkt. 7.1"]
    )
    assert scores(deferred, 2.0)["oppl. § 4-2"] > scores(deferred, 0.0)["oppl. § 4-2"]
    own = "Kan arbeidsgiver nekte meg fagbrevpermisjon etter avtalen?"
    assert scores(own, 2.0)["Avtalen pkt. 7.1"] > scores(own, 0.0)["Avtalen pkt. 7.1"]


def test_a_follow_up_is_ranked_for_the_kind_of_rule_it_asks_not_the_earlier_turn() -> None:
    # The completed question still says "nekte" (the earlier turn); the user now asks who decides.
    limit = make_chunk(
        "(2) Permisjon kan likevel ikke kreves når det er til hinder for driften.",
        position=1,
        doc_id="lov",
        kind="law",
        provision="lov § 2",
    )
    dispute = make_chunk(
        "Tvist om permisjon avgjøres av nemnda.", position=2, doc_id="lov", kind="law", provision="lov § 9"
    )
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex([limit, dispute], embedder), embedder, RetrievalSettings())
    completed = "Kan sjefen nekte meg permisjon? Hvem avgjør det da?"

    def scores(asked: str | None) -> dict[str | None, float]:
        return {h.chunk.provision: h.score for h in searcher.search(completed, 2, asked=asked)}

    joined, own = scores(None), scores("Hvem avgjør det da?")
    bonus = RetrievalSettings().deciding_bonus
    assert own["lov § 2"] == pytest.approx(joined["lov § 2"] - bonus)  # the refusal was the earlier turn's
    assert own["lov § 9"] == pytest.approx(joined["lov § 9"])


def test_a_passage_only_the_lexical_ranking_brings_keeps_its_true_dense_similarity() -> None:
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex(CHUNKS, embedder), embedder, RetrievalSettings())
    question = "Må jeg varsle arbeidsgiveren skriftlig om permisjonen?"
    vector = unit(embedder.embed_query(question))
    searcher.refresh()
    dense_rank, sims = searcher._dense(vector, 1)  # the dense ranking gives one candidate
    ranked = searcher._rank(question, dense_rank, sims, 10)
    lexical_only = [c for _s, pos, c in ranked if pos not in dense_rank]
    assert lexical_only
    for cand in lexical_only:
        assert cand.dense == pytest.approx(float(sims[cand.position])) and cand.dense != 0.0


def _law(text: str, position: int, ledd: str, provision: str = "lov § 5") -> object:
    return make_chunk(text, position=position, doc_id="lov", kind="law", provision=provision, section=(ledd,))


def test_a_named_ledd_ranks_first_whatever_kind_of_rule_the_other_words_ask() -> None:
    # "kreve" asks for a right, which ledd (1) states; the union rep names ledd (3), and gets it.
    chunks = [
        _law("(1) Den som har vært ansatt i to år, har rett til fri for å ta fagbrev.", 1, "(1)"),
        _law("(2) Fri kan likevel ikke kreves når driften hindres.", 2, "(2)"),
        _law("(3) Den som har hatt fri, må vente ett år før ny fri.", 3, "(3)"),
    ]
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex(chunks, embedder), embedder, RetrievalSettings())
    hits = searcher.search("Hva sier lov § 5 tredje ledd? Når kan hun kreve ny fri?", 3)
    assert hits[0].chunk.section_path == ("(3)",)


def test_a_provision_named_only_in_the_story_gives_way_to_the_rule_the_questions_ask_for() -> None:
    # The post names lov § 5 to say what the member claims; what it asks is where a dispute goes, which
    # lov § 9 decides ("avgjøres av nemnda"). Named in the question that asks, § 5 would lead.
    chunks = [
        _law("(1) Den som har vært ansatt i to år, har rett til fri for å ta fagbrev.", 1, "(1)"),
        _law("(2) Fri kan likevel ikke kreves når driften hindres.", 2, "(2)"),
        _law("Tvist om fri avgjøres av nemnda.", 3, "", provision="lov § 9"),
    ]
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex(chunks, embedder), embedder, RetrievalSettings())
    story = "Vi mener medlemmet har rett til fri etter lov § 5. Hvem avgjør saken når vi er uenige?"
    assert searcher.search(story, 3)[0].chunk.provision == "lov § 9"
    asked = "Hvem avgjør saken når vi er uenige om lov § 5?"
    assert searcher.search(asked, 3)[0].chunk.provision == "lov § 5"


def test_a_wording_many_passages_share_weighs_less_than_one_only_one_provision_uses() -> None:
    chunks = [
        make_chunk("Kurset gis med lønn.", position=1),
        make_chunk("Samlingen gis med lønn.", position=2),
        make_chunk("Reisen gis med lønn.", position=3),
        _law("(2) Fri kan likevel ikke kreves når driften hindres.", 4, "(2)"),
    ]
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex(chunks, embedder), embedder, RetrievalSettings())
    searcher.refresh()
    by_name = {i.name: i for i in INTENTS}
    assert searcher._rarity(by_name["refusal"]) == pytest.approx(1.0)  # one of four: log 4 / log 4
    assert searcher._rarity(by_name["pay"]) == pytest.approx(math.log(4 / 3) / math.log(4))
    assert searcher._rarity(by_name["exemption"]) == 0.0  # no passage states it


def test_a_rule_about_the_other_time_earns_no_deciding_bonus() -> None:
    # Pay during the studies is asked; the passage on pay after a completed education is worded as a pay
    # rule too ("endret lønn"), but it does not decide the question.
    during = make_chunk("Ved pålagt opplæring gis permisjon med lønn.", position=1)
    after = make_chunk(
        "Partene kan forhandle om endret lønn når arbeidstakeren har gjennomført kurset.", position=2
    )
    other = make_chunk("Medarbeidersamtalen holdes hvert år.", position=3)
    embedder = HashEmbeddings()
    question = "Får jeg lønn mens jeg tar kurset?"

    def scores(bonus: float) -> dict[int, float]:
        searcher = HybridSearcher(
            MemoryIndex([during, after, other], embedder), embedder, RetrievalSettings(deciding_bonus=bonus)
        )
        return {h.chunk.position: h.score for h in searcher.search(question, 3)}

    without, with_bonus = scores(0.0), scores(2.0)
    assert with_bonus[2] == pytest.approx(without[2])
    assert with_bonus[1] > without[1]


def test_a_passage_is_about_the_other_time_only_by_its_lead_or_its_answering_sentence() -> None:
    # Asked whether paid leave counts in the local round: the pay policy's sentence on paid leave answers,
    # and its list's "tilegnet kompetanse" does not make it a rule for after the education; the rule whose
    # lead sentence is about a completed education stays about the other time.
    policy = make_chunk(
        "Den lokale lønnspolitikken utformes sammen med de tillitsvalgte. "
        "Den skal vise hvordan tilegnet kompetanse gir uttelling. "
        "Arbeidstakere i lønnede permisjoner omfattes av lokale forhandlinger.",
        position=1,
    )
    after = make_chunk(
        "Partene kan forhandle om endret lønn når arbeidstakeren har gjennomført videreutdanning. "
        "Det vises til de lokale forhandlingene.",
        position=2,
    )
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex([policy, after], embedder), embedder, RetrievalSettings())
    searcher.refresh()
    asked = set(
        searcher.bm25.query_terms("Er jeg med i de lokale forhandlingene når jeg har lønnede permisjoner?")
    )
    assert not searcher._about_other_time("during", 0, asked)
    assert searcher._about_other_time("during", 1, asked)
    assert not searcher._about_other_time("", 1, asked)


def test_a_list_of_questions_for_other_roles_than_the_post_names_gives_way() -> None:
    # A leader and a tillitsvalgt want questions to go through together: the checklist for "ledere og
    # tillitsvalgte", not the questions "mellom leder og medarbeider", however alike their words are.
    appraisal = make_chunk(
        "Her er spørsmål om kompetanse som kan tas opp i samtalen mellom leder og medarbeider:\n"
        "• Hvilken kompetanse trenger vi?\n• Hva vil du lære?",
        position=1,
    )
    checklist = make_chunk(
        "Med denne sjekklisten kan ledere og tillitsvalgte drøfte tiltak:\n"
        "• Hvilke mål har vi?\n• Hvilken kompetanse har vi i dag?",
        position=2,
    )
    reflection = make_chunk("Til refleksjon:\n• Hvordan lærer vi av hverandre?", position=3)
    embedder = HashEmbeddings()
    searcher = HybridSearcher(
        MemoryIndex([appraisal, checklist, reflection], embedder), embedder, RetrievalSettings()
    )
    searcher.refresh()
    both = frozenset({"leder", "tillitsvalgt"})
    assert searcher._participants_missing(0, both) == 0.5
    assert searcher._participants_missing(1, both) == 0.0
    assert searcher._participants_missing(2, both) == 0.0  # a list that names no participants stays neutral
    question = "Eg og den plasstillitsvalde skal ha møte om kompetanse. Finst det spørsmål vi kan gå gjennom?"

    def scores(penalty: float) -> dict[int, float]:
        settings = RetrievalSettings(w_participants=penalty)
        searcher = HybridSearcher(
            MemoryIndex([appraisal, checklist, reflection], embedder), embedder, settings
        )
        return {h.chunk.position: h.score for h in searcher.search(question, 3)}

    without, with_penalty = scores(0.0), scores(1.0)
    assert without[1] - with_penalty[1] == pytest.approx(1.0)  # the post names only the tillitsvalgt
    assert with_penalty[2] == pytest.approx(without[2])


def test_a_question_about_a_roles_part_prefers_the_passage_that_speaks_of_that_role_alone() -> None:
    shared = make_chunk(
        "Ledere, tillitsvalgte og ansatte har et felles ansvar for læring, og de har ulike roller.",
        position=1,
    )
    parts = make_chunk(
        "• Ledere har ansvar for å skape tid til læring.\n• Tillitsvalgte synliggjør kompetansebehov.",
        position=2,
    )
    other = make_chunk("Kompetanseplanen rulleres hvert år.", position=3)
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex([shared, parts, other], embedder), embedder, RetrievalSettings())
    searcher.refresh()
    assert searcher._role_subjects(0) == frozenset()  # several roles open it together
    assert searcher._role_subjects(1) == {"leder", "tillitsvalgt"}
    question = "Nyvalgt plasstillitsvald her. Kva er forventa av meg i arbeidet med læring?"

    def scores(bonus: float) -> dict[int, float]:
        settings = RetrievalSettings(w_role_subject=bonus)
        searcher = HybridSearcher(MemoryIndex([shared, parts, other], embedder), embedder, settings)
        return {h.chunk.position: h.score for h in searcher.search(question, 3)}

    without, with_bonus = scores(0.0), scores(1.0)
    assert with_bonus[2] - without[2] == pytest.approx(1.0)
    assert with_bonus[1] == pytest.approx(without[1])
    # a question that does not ask for anyone's part is not moved
    plain = "Nyvalgt plasstillitsvald her. Har medlemmet rett på permisjon?"
    settings = RetrievalSettings(w_role_subject=1.0)
    searcher = HybridSearcher(MemoryIndex([shared, parts, other], embedder), embedder, settings)
    moved = {h.chunk.position: h.score for h in searcher.search(plain, 3)}
    searcher = HybridSearcher(
        MemoryIndex([shared, parts, other], embedder), embedder, RetrievalSettings(w_role_subject=0.0)
    )
    assert moved == {h.chunk.position: h.score for h in searcher.search(plain, 3)}


def test_a_right_to_something_else_does_not_decide_a_question_about_a_right() -> None:
    # Whether the policy may be seen is asked; the right to leave is worded as a right but grants another thing.
    leave = make_chunk("Arbeidstaker har rett til permisjon for å ta utdanning.", position=1)
    policy = make_chunk("Lønnspolitikken skal gjøres kjent for alle ansatte.", position=2)
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex([leave, policy], embedder), embedder, RetrievalSettings())
    searcher.refresh()
    assert not searcher._grants(0, ["se", "lønnspolitikken"])
    assert searcher._grants(0, ["utdanningspermisjon"])  # its last part is what the passage grants
    assert searcher._grants(0, [])  # a right to nothing named: any right may decide

    def scores(question: str, bonus: float) -> dict[int, float]:
        settings = RetrievalSettings(deciding_bonus=bonus)
        searcher = HybridSearcher(MemoryIndex([leave, policy], embedder), embedder, settings)
        return {h.chunk.position: h.score for h in searcher.search(question, 2)}

    asked = "Kan vi kreve å få se lønnspolitikken?"
    assert scores(asked, 2.0)[1] == pytest.approx(scores(asked, 0.0)[1])
    leave_asked = "Har jeg krav på permisjon for å ta utdanning?"
    assert scores(leave_asked, 2.0)[1] > scores(leave_asked, 0.0)[1]


def test_a_named_provision_the_index_lacks_finds_the_passages_that_cite_it() -> None:
    # The index holds HTA 4.2.4 but not 3.4; the guide's paragraph that cites 3.4 (via 3.4.4) is where
    # the sources discuss it.
    embedder = HashEmbeddings()
    chunks = [
        make_chunk(
            "HTA kap. 4.2.4 Kompetanse\n\nPartene lokalt kan forhandle om endret lønn etter videreutdanning.",
            position=1,
            doc_id="hta",
            kind="agreement",
            provision="HTA kap. 4 pkt. 4.2.4",
        ),
        make_chunk(
            "Også for ledere med lokal lønnsdanning finnes bestemmelser om annen lønnsregulering.",
            position=2,
            references=("HTA kap. 3 pkt. 3.4.4",),
        ),
        make_chunk("Medarbeidersamtalen tar opp læring.", position=3),
    ]

    def scores(bonus: float) -> dict[str, float]:
        settings = RetrievalSettings(citing_bonus=bonus)
        searcher = HybridSearcher(MemoryIndex(chunks, embedder), embedder, settings)
        assert searcher.citing_matches(question) == [1]
        return {h.chunk.chunk_id: h.score for h in searcher.search(question, 3)}

    question = "Jeg er lønnet etter HTA kap. 3.4. Teller videreutdanning?"
    with_bonus, without = scores(2.0), scores(0.0)
    assert with_bonus[chunks[1].chunk_id] - without[chunks[1].chunk_id] == pytest.approx(2.0)
    assert with_bonus[chunks[0].chunk_id] == pytest.approx(without[chunks[0].chunk_id])
    searcher = HybridSearcher(MemoryIndex(chunks, embedder), embedder, RetrievalSettings())
    assert searcher.citing_matches("Hva sier HTA 4.2.4 om lønn etter videreutdanning?") == []  # indexed
    assert searcher.citing_matches("Hva sier HTA kap. 3?") == []  # 3.4.4 is not all of kap. 3


def test_the_sentence_that_answers_the_asking_sentence_outranks_one_that_echoes_the_story() -> None:
    answers = make_chunk(
        "Lederen har ansvar for at de ansatte får brukt kompetansen sin i arbeidet.", position=70
    )
    echoes = make_chunk(
        "Når skolen er underbemannet, dekker vikarer timene i klassene og lærerne tar vakter.", position=71
    )
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex([answers, echoes], embedder), embedder, RetrievalSettings())
    searcher.refresh()
    post = (
        "Skolen er underbemannet, så jeg dekker timene som vikar i klassene og tar vakter for lærerne. "
        "Sier veilederen noe om at ansatte skal få brukt kompetansen sin?"
    )
    story_and_question = set(searcher.bm25.query_terms(post))
    asked = set(searcher.bm25.query_terms(" ".join(asked_text(post))))
    # the same fused rank and closeness: only the text signals differ
    score = {
        pos: searcher._score(Candidate(pos, rrf=0.02, dense=0.9, lexical=0.5), story_and_question, asked, 0.9)
        for pos in (0, 1)
    }
    assert searcher.chunks[0].chunk_id == answers.chunk_id
    assert score[0] > score[1]


def test_a_passage_is_as_close_as_its_closest_sentence() -> None:
    answer = "Ledere skal sørge for at ny kompetanse tas i bruk i avdelingen."
    long = make_chunk(
        "Arbeidslivet endrer seg raskt i kommunene. Mange tjenester digitaliseres. " + answer, position=72
    )
    # the same sentence on its own: its chunk vector is the sentence's
    alone = make_chunk(answer, position=73)
    other = make_chunk("Kommunestyret vedtar planene etter drøftinger med de tillitsvalgte.", position=74)
    embedder = HashEmbeddings()
    searcher = HybridSearcher(MemoryIndex([long, alone, other], embedder), embedder, RetrievalSettings())
    searcher.refresh()
    query = np.asarray(embedder.embed_documents([answer])[0], dtype=np.float32)
    query /= np.linalg.norm(query)
    close = sentence_closeness(searcher._sentence_matrix, searcher._sentence_rows, query, [0, 1, 2])
    assert [c.chunk_id for c in searcher.chunks] == [long.chunk_id, alone.chunk_id, other.chunk_id]
    # the long passage's whole-text vector is far from the question, its closest sentence is not
    _rank, chunk_sims = searcher._dense(query, 3)
    assert chunk_sims[0] < chunk_sims[1] - 0.1
    assert close[0] == pytest.approx(1.0) and close[1] == pytest.approx(1.0) and close[2] < 0.5
