"""The kinds of deciding rule a question asks for, and the wording of a rule that settles each."""

import pytest

from core.intents import (
    INTENTS,
    asked_intents,
    asked_time,
    decides,
    deferred_matters,
    right_objects,
    unmet_preconditions,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Kan leiaren seie nei til permisjonen?", "refusal"),
        ("Is my boss allowed to turn down the request?", "refusal"),
        ("Innen når må kommunen gi beskjed?", "deadline"),
        ("Beholder jeg lønna mens jeg studerer?", "pay"),
        ("Har eg rett til fri for å ta fagbrev?", "right"),
        ("Hvilke betingelser gjelder for fri til etterutdanning?", "right"),
        ("Am I eligible for time off to study?", "right"),
        ("Hvilke rettigheter har jeg når jeg vil ta fagbrev?", "right"),
        ("Hvordan søker jeg om fri for å ta fagbrev?", "procedure"),
        ("How do I apply for time off to study?", "procedure"),
        ("Hva skal egentlig søknaden om studiepermisjon inneholde?", "procedure"),
        ("Is a text message good enough as notice for my boss?", "procedure"),
        ("Vi er usamde om eg fyller vilkåra. Kven avgjer det?", "dispute"),
        ("Who decides when my employer and I disagree about the leave?", "dispute"),
        ("Kan vi ta saka rett til tingretten i staden?", "court"),
        ("Can I sue my employer over the refused leave?", "court"),
        # looser wordings
        ("Hvem er det egentlig som til syvende og sist bestemmer om jeg får permisjon?", "dispute"),
        ("Må det gå et helt år før jeg kan søke om ny permisjon igjen?", "waiting"),
        ("Slipper små kommunale selskap disse reglene?", "exemption"),
        ("Er legevakta ikkje omfatta av lova?", "exemption"),
        ("Hvem kan i så fall gi kommunen et slikt unntak?", "exemption"),
        ("Kan styret vedta at vi ikke skal følge lovreglene om fri til studier?", "exemption"),
        ("Can a small employer decide not to follow the rules on study leave?", "exemption"),
        ("If she doesn't qualify, how long do I have to tell her?", "deadline"),
        ("Kursdagane er pålagde. Kven dekkjer reisa til samlinga?", "costs"),
        ("What needs to go in the request to my boss?", "procedure"),
        # the verb in any form: "inneholder", "innehaldt", "contains"
        ("Er det nok at varselet inneholder datoene?", "procedure"),
        ("I had study leave last year. How much time must pass before I can get a new one?", "waiting"),
        ("Lederen har sagt nei til permisjonen fordi det er travelt. Lov??", "refusal"),
        ("Noen sier at små selskap er unntatt. Stemmer det at vi kan være unntatt?", "exemption"),
        ("Held det at søknaden min berre innehaldt datoane?", "procedure"),
        ("Which details must the notice I send contains?", "procedure"),
        ("Kor lenge kan leiaren sitje på søknaden utan å svare?", "deadline"),
        ("Fikk avslag. Hvor tar vi saken videre?", "dispute"),
        ("Hvem er det som tar stilling til om han har rett på permisjonen?", "dispute"),
        ("Hvor lenge har de lov å drøye svaret?", "deadline"),
        ("Sjefen sa «send meg noe skriftlig», men hva må stå i det?", "procedure"),
        ("What do I need to put in it?", "procedure"),
        ("Korleis skal eg formulere søknaden?", "procedure"),
        ("Kan jeg kreve å få vite hva som skjer med søknaden min?", "information"),
        ("Can I ask to be told how my leave request stands?", "information"),
        ("Har jeg krav på å høre hvordan det ligger an med søknaden?", "information"),
        ("Kan eg be om å få vite korleis det ligg an med permisjonen?", "information"),
        ("Where can the union take this further?", "dispute"),
        ("How long can my employer wait before answering?", "deadline"),
        ("Kva må stå i søknaden?", "procedure"),
        ("holder det å sende en mail til sjefen?", "procedure"),
        ("må det være noe spesielt i søknaden? hva må være med", "procedure"),
        ("Is telling my boss in person enough?", "procedure"),
        ("Must I pay the exam fee myself when they require the certification?", "costs"),
        ("Hvem betaler kursavgiften når kommunen sender meg på kurs?", "costs"),
        ("Får jeg dekket reise og overnatting når kommunen krever kurset?", "costs"),
        ("Kan jeg få permisjon igjen når jeg hadde ett år fri for tre år siden?", "waiting"),
        # the right's conditions and length, asked as a time
        ("hvor lenge må en egentlig ha jobbet i kommunen før en kan søke?", "right"),
        ("Kor lenge kan eg vere borte frå jobben for å ta master?", "right"),
        ("How long do I need to have worked here?", "right"),
        ("Kor lenge kan permisjonen vare?", "right"),
        ("Kor mange år kan utdanningspermisjonen vare?", "right"),
        ("Eg har jobba her i 18 månader, kan eg søkje om utdanningspermisjon?", "right"),
        ("Kan små skoler unntas fra reglene om permisjon?", "exemption"),
        # whether it must be written, or saying it is enough
        ("Jeg nevnte det på et møte. Holder det, eller må det være skriftlig?", "procedure"),
        ("held det å seie frå på telefon?", "procedure"),
        ("Does the request have to be in writing?", "procedure"),
    ],
)
def test_a_question_asks_for_the_kind_of_rule_that_decides_it(question: str, intent: str) -> None:
    assert intent in [i.name for i in asked_intents(question)]


@pytest.mark.parametrize(
    "question",
    [
        "Kan vi sende saken rett til tingretten?",  # "rett til" = straight to
        "Bør rett til kurs stå i personalhåndboka vår?",  # a right named, not whether one has it
    ],
)
def test_rett_til_without_a_verb_of_having_does_not_ask_for_a_right(question: str) -> None:
    assert "right" not in [i.name for i in asked_intents(question)]
    assert "right" in [i.name for i in asked_intents("Hvem har egentlig rett til kurs?")]


def test_what_must_be_in_another_document_asks_for_no_notice_procedure() -> None:
    assert "procedure" not in [i.name for i in asked_intents("Hva må være med i en kompetanseplan?")]


def test_the_deciding_wording_is_recognised_and_everyday_text_is_not() -> None:
    refusal = [i for i in INTENTS if i.name == "refusal"]
    assert decides(refusal, "Permisjon kan likevel ikke kreves når det er til hinder for driften.")
    assert not decides(refusal, "Medarbeidersamtalen er et viktig verktøy.")
    dispute = [i for i in INTENTS if i.name == "dispute"]
    assert decides(dispute, "Tvist om retten til fri avgjøres av en nemnd.")
    assert not decides(dispute, "Lederen og den ansatte avtaler opplæringen sammen.")
    assert asked_intents("Hva er en medarbeidersamtale?") == ()
    procedure = [i for i in INTENTS if i.name == "procedure"]
    assert decides(procedure, "Den som vil bruke retten, må gi arbeidsgiver skriftlig varsel.")
    # Applying again is about waiting, not about how to apply.
    assert "procedure" not in [i.name for i in asked_intents("Kan jeg søke om ny fri allerede nå?")]


def test_only_the_sentences_that_ask_decide_the_kind_of_rule() -> None:
    # The refusal is what happened; the question is where to turn with the disagreement.
    assert [
        i.name for i in asked_intents("Lederen avviste søknaden min i går. Hvor kan jeg klage på dette?")
    ] == ["dispute"]
    assert asked_intents("Lederen avviste søknaden min i går. Hva står i planen?") == ()
    assert [i.name for i in asked_intents("Lederen er negativ. Kan hun avvise søknaden?")] == ["refusal"]


def test_a_sentence_handing_a_matter_to_another_provision_is_recognised() -> None:
    text = "3.1 Permisjon\n\nRett til velferdsfri følger av tjenestemannsloven § 10. Ellers gjelder avtalen."
    assert deferred_matters(text) == ["Rett til velferdsfri"]
    assert deferred_matters("Tvist om retten avgjøres av nemnda etter § 17-2.") == []


def test_a_right_asked_with_a_more_specific_kind_of_rule_gives_way_to_it() -> None:
    def names(question: str) -> list[str]:
        return [i.name for i in asked_intents(question)]

    assert names("Kven bestemmer om vi er usamde om eg har rett til fri?") == ["dispute"]
    assert names("Har jeg rett på lønn når jeg tar fagskole?") == ["pay"]
    assert names("Har jeg rett til fri for å ta fagskole?") == ["right"]
    # Separate questions keep their own kinds.
    assert names("Har jeg rett til fri? Og får jeg lønn?") == ["pay", "right"]


def test_waiting_is_asked_only_after_an_earlier_leave() -> None:
    # Someone who never had the leave and asks whether to wait asks whether the right's conditions are met.
    first = "Jeg har vært her i ett år. Kan jeg kreve fri til studier nå, eller må jeg vente?"
    assert [i.name for i in asked_intents(first)] == ["right"]
    again = "Jeg var borte for å studere i fjor. Må jeg vente før jeg kan søke igjen?"
    assert [i.name for i in asked_intents(again)] == ["waiting"]


def test_a_rule_with_a_precondition_the_question_never_mentions_is_inapplicable() -> None:
    waiting = "Den som har hatt permisjon, har ikke rett til ny permisjon før det har gått ett år."
    first = unmet_preconditions("Har jeg rett til permisjon etter to år i kommunen?")
    assert decides(first, waiting)
    assert not decides(first, "Arbeidstakeren har rett til permisjon.")
    assert not decides(unmet_preconditions("Jeg var borte i fjor. Når kan jeg ta permisjon igjen?"), waiting)


def test_a_nynorsk_question_for_a_right_asks_for_the_right() -> None:
    assert [i.name for i in asked_intents("Kan eg krevje fri for å ta kurs?")] == ["right"]


@pytest.mark.parametrize(
    "question",
    [
        "Er sykehuset vårt fritatt for reglene om studiepermisjon?",
        "Gjelder loven uansett for alle, også for et lite aksjeselskap?",
        "Can a small municipal company be exempt from the education leave rules?",
    ],
)
def test_a_question_whether_a_workplace_is_exempted_asks_for_the_exemption_rule(question: str) -> None:
    assert asked_intents(question)[0].name == "exemption"
    assert decides(
        asked_intents(question), "Departementet kan i forskrift helt eller delvis unnta virksomheter."
    )
    assert not decides(
        asked_intents(question), "unntatt ved utdanningspermisjon for kurs under én måneds varighet"
    )


def test_who_decides_a_dispute_and_the_way_to_the_courts_are_different_rules() -> None:
    dispute, court = ([i for i in INTENTS if i.name == name] for name in ("dispute", "court"))
    body = "Tvist om retten til fri avgjøres av en nemnd."
    courts = "Tvisten kan ikke bringes inn for domstolene før nemnda har sagt sitt."
    assert decides(dispute, body) and not decides(dispute, courts)
    assert decides(court, courts) and not decides(court, body)


def test_costs_are_asked_only_of_learning_and_decided_by_the_rule_that_covers_them() -> None:
    # Who pays for a party or a commute is no question of what an education costs.
    assert "costs" not in [i.name for i in asked_intents("Må vi betale julebordet selv i år?")]
    assert "costs" in [i.name for i in asked_intents("Må vi betale kurset selv i år?")]
    costs = [i for i in INTENTS if i.name == "costs"]
    assert decides(costs, "Det skal gis fri med lønn og dekning av legitimerte utgifter.")
    assert not decides(costs, "Partene kan forhandle om endret lønn.")
    # the learning a question speaks of is no precondition of the rule itself
    assert "costs" not in [i.name for i in unmet_preconditions("Hvem betaler?")]


def test_being_told_is_asked_of_ones_own_request_not_of_any_document() -> None:
    assert "information" not in [
        i.name for i in asked_intents("Har jeg krav på å få vite hva lønnspolitikken sier?")
    ]
    information = [i for i in INTENTS if i.name == "information"]
    assert decides(information, "Arbeidsgiver skal på forespørsel orientere arbeidstaker om hva som gjøres.")


def test_asking_what_a_provision_says_is_no_question_of_procedure() -> None:
    assert "procedure" not in [
        i.name for i in asked_intents("Hva står i 14.2 om når permisjon skal innvilges?")
    ]
    assert "procedure" not in [i.name for i in asked_intents("Hva må stå i en utlysning fra kommunen?")]


def test_the_time_of_study_is_read_only_of_pay_or_of_no_kind_of_rule() -> None:
    assert asked_time("Får jeg lønn mens jeg studerer?") == "during"
    assert asked_time("Hva skjer med lønna når jeg er ferdig med masteren?") == "after"
    assert asked_time("Hva er vanlig når man er ferdig med studiet?") == "after"  # no kind of rule: as asked
    # a refusal asked beside a project that will be finished says nothing of the time of study
    assert asked_time("Prosjektet er ferdig til høsten. Kan jeg si nei til permisjonen?") == ""
    # a course's travel costs are incurred while it runs, whatever comes after
    assert asked_time("Kurset er pålagt. Hvem betaler reisa til kurset? Og hva skjer etterpå?") == ""


def test_a_post_asking_both_the_right_and_whether_it_may_be_refused_is_decided_by_the_limit() -> None:
    # in two sentences, as in one: the limit presumes the right
    post = "Har de krav på permisjon når de har jobbet her i ti år? Kan jeg som leder si nei når vi mangler vikarer?"
    assert [i.name for i in asked_intents(post)] == ["refusal"]
    assert [i.name for i in asked_intents("Har jeg krav på permisjon? Hvordan søker jeg?")] == [
        "procedure",
        "right",
    ]


@pytest.mark.parametrize(
    ("question", "objects"),
    [
        ("Kan vi som tillitsvalgte kreve å få se lønnspolitikken?", ("se lønnspolitikken",)),
        ("Har jeg rett på utdanningspermisjon når jeg har jobbet i tre år?", ("utdanningspermisjon",)),
        ("Is she entitled to paid leave?", ("paid leave",)),
        ("Sjefen sier jeg har rett til fri. Hva må jeg gjøre?", ()),  # told, not asked
    ],
)
def test_what_a_right_asked_about_is_to(question: str, objects: tuple[str, ...]) -> None:
    assert right_objects(question) == objects


def test_covered_shifts_are_no_cost() -> None:
    # "få dekket" asks about a cost only for an expense: covered shifts are staffing
    asked = asked_intents("Kan jeg avslå en søknad om utdanningspermisjon hvis vi ikke får dekket vaktene?")
    assert "costs" not in [i.name for i in asked]
