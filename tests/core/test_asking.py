"""What a question asks: the asking sentences, the time, whether questions are wanted, the situation, a leave's purpose."""

import pytest

from core.asking import (
    about_other_time,
    asked_text,
    asked_with_referents,
    asking_sentences,
    asks_for_questions,
    asks_role,
    clause_asks,
    leave_purposes,
    question_sentences,
    situation_words,
    time_focus,
)
from core.intents import asked_intents

pytestmark = pytest.mark.unit


def test_a_text_about_the_other_time_than_the_question_is_recognised() -> None:
    after = "Partene kan forhandle om endret lønn når arbeidstaker har gjennomført utdanningen."
    during = "Kurs som kommunen krever, gis som permisjon med lønn."
    assert about_other_time("during", after) and not about_other_time("during", during)
    assert about_other_time("after", during) and not about_other_time("after", after)
    assert not about_other_time("", after)  # no focus: nothing is about the other time


@pytest.mark.parametrize(
    ("text", "focus"),
    [
        ("Vi har et medlem i betalt perm for å studere. Er hun med i forhandlingene?", "during"),
        ("Eg har løna utdanningspermisjon i haust. Blir eg med i forhandlingane?", "during"),
        ("Is a member on paid study leave included in the local round?", "during"),
        ("Skal ha utdanningsperm med lønn fra august. Blir jeg glemt?", "during"),
        ("Jeg har vært i permisjon og er ferdig med studiet nå. Får jeg mer lønn?", ""),  # both times
        ("Får jeg mer lønn når jeg er ferdig med permisjonsåret?", "after"),
    ],
)
def test_being_on_leave_or_paid_leave_is_the_time_of_study(text: str, focus: str) -> None:
    assert time_focus(text) == focus


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        ("Eg arbeider som reinhaldar på rådhuset, kan eg ta kurs?", {"reinhaldar", "rådhuset"}),
        ("Jeg begynte som renholdsleder for to år siden. Får jeg permisjon?", {"renholdsleder"}),
        ("Kan jeg få fri for å studere landskapsarkitektur?", {"landskapsarkitektur"}),
        ("Jeg har fått plass på et kurs i tegnspråk og stemmebruk fra høsten.", {"tegnspråk", "stemmebruk"}),
        (
            "I work as a gardener at the cemetery and want a degree in horticulture.",
            {"gardener", "cemetery", "horticulture"},
        ),
    ],
)
def test_the_askers_job_workplace_and_subject_of_study_are_their_situation(
    text: str, situation: set[str]
) -> None:
    assert situation_words(text) == situation


def test_what_follows_an_education_without_naming_its_subject_is_not_situation() -> None:
    assert (
        situation_words("Får jeg lønn mens jeg tar videreutdanning som lederen mener er nødvendig?") == set()
    )
    assert situation_words("Må jeg på kurs på den faste fridagen min?") == set()
    assert situation_words("Har jeg rett til utdanningspermisjon?") == set()


@pytest.mark.parametrize(
    ("post", "wants"),
    [
        ("To spørsmål: får jeg fri, og hvem betaler?", False),
        ("Jeg har et kort spørsmål om permisjon.", False),
        ("Spørsmål: gjelder dette vikarer?", False),
        ("Three questions: may I study, who pays, and when?", False),
        ("Hvilke spørsmål bør jeg stille i samtalen med lederen?", True),
        ("Har du noen spørsmål vi kan bruke på personalmøtet?", True),
        ("Which questions could we use at the staff meeting?", True),
    ],
)
def test_a_writer_announcing_their_questions_does_not_ask_for_questions_to_raise(
    post: str, wants: bool
) -> None:
    assert asks_for_questions(post) is wants


def test_a_question_ending_on_a_pronoun_asks_about_what_the_sentence_before_it_said() -> None:
    # "Kan hun gjøre det?" asks whether the refusal told in the sentence before is allowed.
    post = "Jeg jobber i barnehagen. Lederen sa nei til permisjonen min. Kan hun gjøre det?"
    assert [i.name for i in asked_intents(post)] == ["refusal"]
    assert asked_text(post) == ["Lederen sa nei til permisjonen min.", "Kan hun gjøre det?"]


@pytest.mark.parametrize(
    ("question", "purpose"),
    [
        ("Får jeg fri med lønn når jeg skal flytte?", ("flytte",)),
        ("Kan eg få permisjon for å hjelpe til på garden og med lønn?", ("hjelpe til på garden",)),
        ("Må jeg gi fri når en ansatt skal i retten som vitne?", ("i retten som vitne",)),
        ("Hvor mange dager fri får jeg til jul?", ()),  # no purpose clause
        (
            "Har man rett på fri på bursdagen sin når man jobber i kommunen?",
            ("bursdagen sin",),
        ),  # an occasion
        ("Kan eg få fri i samband med flyttinga?", ("flyttinga",)),
        ("Får jeg permisjon til høsten, eller på deltid?", ()),  # when and how much, not what for
        ("Har jeg krav på fri på fredag?", ()),
        ("Sjefen ga meg fri for å ta kurs. Hva står i planen?", ()),  # the narrative, not what is asked
    ],
)
def test_what_the_time_off_asked_about_is_for(question: str, purpose: tuple[str, ...]) -> None:
    assert leave_purposes(question) == purpose


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        # a forum post's self-introduction ending in "her"
        ("Styrer i en barnehage her. Kan jeg si nei?", {"styrer", "barnehage"}),
        ("Hovudtillitsvald her.", {"hovudtillitsvald"}),
        ("Det er travelt her. Kan jeg si nei?", set()),  # opens with a function word: no introduction
        # a member introduced by their job, and a job glossed in brackets
        ("Et medlem (brannkonstabel) fikk avslag.", {"brannkonstabel"}),
        ("Eit medlem, tannpleiar på klinikken, vil søkje.", {"tannpleiar", "klinikken"}),
        ("I work as a driver (sjåfør) in the municipality.", {"driver", "sjåfør", "municipality"}),
    ],
)
def test_an_introduction_a_members_job_and_a_glossed_job_are_situation(
    text: str, situation: set[str]
) -> None:
    assert situation_words(text) == situation


def test_a_reason_is_the_leaves_purpose_only_when_the_asker_is_its_subject() -> None:
    # "fordi vi er for få på vakt" is the workplace's state, the ground of a refusal, not what the leave is for
    assert leave_purposes("Kan de nekte meg fri bare fordi vi er for få på vakt?") == ()
    assert leave_purposes("Får jeg fri fordi jeg skal gifte meg?") == ("gifte meg",)


def test_the_place_one_works_is_situation_and_nothing_after_it() -> None:
    assert situation_words("Jeg har jobba i barnevernstjenesten i tjue år.") == frozenset(
        {"barnevernstjenesten"}
    )
    # What follows the workplace is not part of it: "permittering" is what is asked.
    assert situation_words("Jeg jobber på vaskeriet og lurer på permittering.") == frozenset({"vaskeriet"})
    assert situation_words("I work at the harbour office.") == frozenset({"harbour", "office"})


@pytest.mark.parametrize(
    ("question", "purpose"),
    [
        (
            "Holder det at jeg sa at jeg vil ha permisjon for å studere til høsten, eller må det være skriftlig?",
            "studere",
        ),
        ("Kan eg få permisjon for å ta master frå hausten?", "ta master"),
        ("Kan jeg få fri for å ta eksamen i mai uten trekk?", "ta eksamen"),
    ],
)
def test_when_the_leave_starts_is_not_what_it_is_for(question: str, purpose: str) -> None:
    assert leave_purposes(question) == (purpose,)


@pytest.mark.parametrize(
    ("post", "asked"),
    [
        ("Jobber turnus. Lurer på om vi har krav på seniordager.", "Lurer på om vi har krav på seniordager."),
        ("Eg har jobba her lenge. Eg lurar på kor lenge eg må vente.", "Eg lurar på kor lenge eg må vente."),
        (
            "Vi lager en plan. Vi vil gjerne vite hva den skal inneholde.",
            "Vi vil gjerne vite hva den skal inneholde.",
        ),
        (
            "Been here six years. I wonder if I can get leave for this.",
            "I wonder if I can get leave for this.",
        ),
    ],
)
def test_an_indirect_question_asks_however_the_sentence_ends(post: str, asked: str) -> None:
    assert asking_sentences(post) == (asked,)


def test_a_statement_with_lurer_but_no_question_word_does_not_ask() -> None:
    assert asking_sentences("Sjefen lurer oss. Vi jobber turnus.") == ("Sjefen lurer oss. Vi jobber turnus.",)


def test_a_main_clause_ending_on_a_pronoun_before_a_subordinate_clause_refers_back() -> None:
    post = "Lederen sier nei fordi vi mangler vikarer. har hun lov til det når jeg oppfyller kravene?"
    assert asked_with_referents(post) == (
        ("Lederen sier nei fordi vi mangler vikarer.", "har hun lov til det når jeg oppfyller kravene?"),
    )
    # "om" is as often a preposition ("søke om det") and ends no main clause
    assert asked_with_referents("Vi har kurs. Kan jeg søke om permisjon?") == (
        ("Kan jeg søke om permisjon?",),
    )


def test_an_indefinite_subject_after_a_modal_asks() -> None:
    assert asking_sentences("Vi har fått nei. Kan en kommune bestemme det selv") == (
        "Kan en kommune bestemme det selv",
    )


def test_english_i_after_an_english_verb_is_a_subject() -> None:
    assert asking_sentences("I work nights. Can I get paid leave") == ("Can I get paid leave",)


def test_an_elliptical_question_asks_about_the_sentence_before_it() -> None:
    post = "Sjefen har sagt nei fordi det er travelt. Lov??"
    assert asked_with_referents(post) == (("Sjefen har sagt nei fordi det er travelt.", "Lov??"),)


@pytest.mark.parametrize(
    ("post", "asked"),
    [
        ("Har jobba her i fire år. Kan sjefen nekte meg permisjon.", ("Kan sjefen nekte meg permisjon.",)),
        (
            "Er leder på et sykehjem. Har jeg plikt til å svare skriftlig.",
            ("Har jeg plikt til å svare skriftlig.",),
        ),
        ("Har jobba her i fire år.", ("Har jobba her i fire år.",)),  # nothing asks: the post is taken whole
        # after "har"/"er" an indefinite article opens the object: "(Jeg) har en sak …"
        (
            "Har en sak med en lærer i sjuende. Hva sier HTA om dette?",
            ("Hva sier HTA om dette?",),
        ),
        # "i" after a Norwegian verb is the preposition, not English "I"
        (
            "Skal i møte med sjefen snart og må argumentere for kurs. Hva sier veilederen?",
            ("Hva sier veilederen?",),
        ),
        # with no surer question in the post, a verb-first sentence asks whatever its subject
        (
            "enhetsleder her, på kap 3.4. kan lønna mi tas opp utenom forhandlingene.",
            ("kan lønna mi tas opp utenom forhandlingene.",),
        ),
    ],
)
def test_a_statement_that_drops_its_subject_does_not_ask(post: str, asked: tuple[str, ...]) -> None:
    assert asking_sentences(post) == asked


@pytest.mark.parametrize(
    ("post", "asked"),
    [
        # any verb first, then its subject, asks, with or without "?"
        (
            "Jeg har tatt kurs på egen hånd. står det noe i avtalen om dette",
            ("står det noe i avtalen om dette",),
        ),
        ("Vi mangler folk. Teller det som særlige grunner?", ("Teller det som særlige grunner?",)),
        # a function word first is no verb: "Etter det jeg vet" states
        ("Etter det jeg vet har vi krav. Kan sjefen nekte?", ("Kan sjefen nekte?",)),
    ],
)
def test_a_sentence_opening_with_a_verb_and_its_subject_asks(post: str, asked: tuple[str, ...]) -> None:
    assert asking_sentences(post) == asked


@pytest.mark.parametrize(
    ("post", "asks"),
    [
        ("Nyvalgt hovedtillitsvalgt her. Hva forventes av meg i arbeidet med planen?", True),
        ("Kva er rolla til leiarane når det gjeld læring?", True),
        ("Who is responsible for the competence plan?", True),
        ("Lederen har ansvar for turnusen. Kan hun nekte meg permisjon?", False),  # told, not asked
        ("Har jeg rett på utdanningspermisjon?", False),
    ],
)
def test_a_question_about_someones_part_is_recognised(post: str, asks: bool) -> None:
    assert asks_role(post) is asks


def test_a_dismissive_guess_after_eller_is_not_part_of_what_is_asked() -> None:
    post = "Kurset er på fridagen min. Har eg krav på ein annan fridag i staden eller er det berre uflaks?"
    assert asking_sentences(post) == ("Har eg krav på ein annan fridag i staden?",)
    assert asking_sentences("Is it legal or is it just how things are?") == ("Is it legal?",)
    # a real alternative stays
    assert asking_sentences("Får jeg lønn eller permisjon uten lønn?") == (
        "Får jeg lønn eller permisjon uten lønn?",
    )


def test_a_clause_asks_by_itself_only_with_a_question_word_a_question_mark_or_an_inverted_verb() -> None:
    assert clause_asks("hvor sender jeg klagen")
    assert clause_asks("Får eg løn?")
    assert not clause_asks("Jeg har fått nei på søknaden")
    assert not clause_asks("Leiaren min sa nei")


def test_an_abbreviations_period_or_a_section_sign_after_a_period_does_not_end_a_question() -> None:
    sentences, asked = question_sentences(
        "Jeg har jobbet her i tre år. Hva står i HTA kap. 3.2 om dette? Takk."
    )
    assert asked == ("Hva står i HTA kap. 3.2 om dette?",)
    assert len(sentences) == 3
    assert question_sentences("Kan jeg få perm jf. aml. § 12-11?")[1] == (
        "Kan jeg få perm jf. aml. § 12-11?",
    )
