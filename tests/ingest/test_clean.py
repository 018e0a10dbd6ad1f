"""Cleaning rules on small strings: each artefact of the guide's PDF extraction, one at a time."""

from __future__ import annotations

import pytest

from ingest.clean import CleanResult, clean_pages, clean_text

pytestmark = pytest.mark.unit

# A double-spaced extraction: "text \n\n" is a soft wrap, a line holding " " a paragraph break.
DOUBLE = (
    "Strategisk kompetanseplanlegging handler om at det må være en rød tråd mellom kommunens \n"
    "\n"
    "overordnede mål og den enkelte ansattes kompetanse og kompetansebehov. Rekrutterings-\n"
    "\n"
    "situasjonen vil være en del av grunnlaget. \n"
    "\n"
    " \n"
    "\n"
    "Sektorvise, virksomhetsvise og individuelle kompetanseplaner tar utgangspunkt i de overordnede \n"
    "\n"
    "planer for strategisk kompetanseutvikling. \n"
)


def test_double_spaced_soft_wrap_and_paragraph_break() -> None:
    text = clean_text(DOUBLE)
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith(
        "Strategisk kompetanseplanlegging handler om at det må være en rød tråd mellom"
    )
    assert "kommunens overordnede mål" in paragraphs[0]
    assert "Rekrutteringssituasjonen vil" in paragraphs[0]
    assert paragraphs[1] == (
        "Sektorvise, virksomhetsvise og individuelle kompetanseplaner tar utgangspunkt i de overordnede "
        "planer for strategisk kompetanseutvikling."
    )


def test_plain_text_empty_line_is_a_paragraph_break() -> None:
    text = clean_text("Første avsnitt er her.\n\nAndre avsnitt følger.\n")
    assert text == "Første avsnitt er her.\n\nAndre avsnitt følger."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Dette er en setning om Rekrutterings-\nsituasjonen i dag og mer tekst her.",
            "Rekrutteringssituasjonen i dag",
        ),
        (
            "i arbeidet med kompetanse-\nplanlegging, læring og utvikling må vi se",
            "kompetanseplanlegging, læring",
        ),
        ("både formell etter-\nog videreutdanning og annen læring i arbeidet", "etter- og videreutdanning"),
        ("en lærings‐ og innovasjonskultur i virksomhetene", "lærings- og innovasjonskultur"),
        ("gjennom fagskoler og U/H-\nsektoren, til teknologistøttet læring", "U/H-sektoren"),
        ("korte e-\nlæringsmoduler og podkaster", "e-læringsmoduler"),
        ("både barnehage- og skoleeiere", "barnehage- og skoleeiere"),
    ],
)
def test_hyphenation(raw: str, expected: str) -> None:
    assert expected in clean_text(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("samfunnet. Dette g jelder både videregående opplæring", "Dette gjelder både"),
        ("Det er viktig å s kape tid til læring", "å skape tid"),
        ("Her er det i dag lite å lære", "Her er det i dag lite å lære"),
        ("punkt a og b gjelder", "punkt a og b gjelder"),
        ("Rekrutteringssituasjonen, omstillingsbehovet m.m i dag", "m.m i dag"),
        ("vitamin x eller y", "vitamin x eller y"),
        ("HTA kap. 3 pkt. 3.3", "HTA kap. 3 pkt. 3.3"),
    ],
)
def test_split_letters(raw: str, expected: str) -> None:
    assert expected in clean_text(raw)


def test_leading_space_and_form_feed_are_removed() -> None:
    text = clean_text(" Innledning \nArbeidslivet er i endring.\f Dette er ny side med mer tekst.")
    assert text.startswith("Innledning\n\nArbeidslivet er i endring.")
    assert "\f" not in text
    assert " \n" not in text and "\n " not in text


def test_url_lines_and_split_urls_are_removed() -> None:
    raw = (
        "Kompetansepakkene kan også brukes av mindre grupper, for eksempel i team. Se https://www.udir.no/kvalitet-og-\n"
        "kompetanse/kompetansepakker/ \n"
        " \n"
        "https://www.udir.no/kvalitet-og-kompetanse/kompetansepakker/\n"
        "Neste avsnitt begynner her.\n"
        "https://www.ks.no/fagomrader/verktoy---strategisk-\n"
        "\n"
        "kompetanseplanlegging/ \n"
    )
    text = clean_text(raw)
    assert "http" not in text and "www." not in text
    assert "kompetansepakker/" not in text and "kompetanseplanlegging/" not in text
    assert "for eksempel i team." in text
    assert not text.rstrip().endswith("Se")
    assert "Neste avsnitt begynner her." in text


def test_footnote_marker_and_url_footnote_are_removed() -> None:
    raw = (
        "Det utløser et stort behov for ny kompetanse. Teknologi1 kan gi nye muligheter. Digitale \n"
        "\n"
        " \n"
        "1 https://www.ks.no/fagomrader/teknoogistottet-laring-pa-\n"
        "arbeidsplassen2/ \n"
        " læringsformer kan gjøre det lettere for flere ansatte å lære.\n"
    )
    text = clean_text(raw)
    assert "Teknologi kan gi nye muligheter" in text
    assert "Teknologi1" not in text
    assert "Digitale læringsformer kan gjøre det lettere" in text
    assert "arbeidsplassen2" not in text and "http" not in text


def test_text_footnote_is_kept_as_a_note() -> None:
    raw = "Lønn er et virkemiddel2 i politikken.\n\n2 Se KS sin veileder om lønnspolitikk.\n"
    text = clean_text(raw)
    assert "virkemiddel i politikken." in text
    assert "Fotnote 2: Se KS sin veileder om lønnspolitikk." in text


def test_stray_lines_are_kept() -> None:
    text = clean_text(
        "Første avsnitt slutter her.\n \nKS konsulent AS\n \nGod dialog om kompetansebehov er viktig.\n"
    )
    assert "\n\nKS konsulent AS\n\n" in text


def test_repeated_paragraph_is_dropped_with_a_warning() -> None:
    first = (
        "De strategiske planene må forankres politisk. Ved en politisk forankring vil også ressursbehov "
        "(økonomi, tid og andre vilkår) tydeliggjøres, og kan gi økonomisk handlingsrom for å gjennomføre "
        "læring og kompetanseutvikling tiltak i virksomhetene."
    )
    repeat = (
        "Ved en politisk forankring vil også ressursbehov (økonomi, tid og andre vilkår) tydeliggjøres, "
        "og kan gi økonomisk handlingsrom for å gjennomføre kompetansetiltak i virksomhetene."
    )
    result = clean_pages(
        [(3, first), (4, repeat + "\n\nEt nytt avsnitt som ikke er gjentatt, med annen tekst.")]
    )
    assert result.text.count("Ved en politisk forankring") == 1
    assert "Et nytt avsnitt" in result.text
    assert len(result.warnings) == 1
    assert "gjentatt avsnitt" in result.warnings[0] and "s. 4" in result.warnings[0]


def test_a_quote_with_changed_words_is_not_a_repeat() -> None:
    short = (
        "Det gjennomføres årlige drøftingsmøte om rekrutteringssituasjonen og om framtidig "
        "kompetansebehov/kompetanseutviklingbehov for ulike stillingsgrupper i kommunen."
    )
    long = (
        "Det gjennomføres årlige drøftingsmøter om rekrutteringssituasjonen og om framtidig "
        "kompetansebehov/ kompetanseutviklingsbehov for ulike stillingsgrupper i kommunen."
    )
    result = clean_pages([(None, f"{short}\n\nMellomtekst om noe annet.\n\n{long}")])
    assert "drøftingsmøter om" in result.text
    assert result.warnings == ()


def test_short_repeats_and_list_items_are_kept() -> None:
    raw = "- motivere til kompetanseutvikling\n\nTekst.\n\n- motivere til kompetanseutvikling\n"
    assert clean_text(raw).count("motivere til kompetanseutvikling") == 2


def test_bullets_are_normalised_and_items_joined() -> None:
    raw = (
        "Her er eksempler på spørsmål som kan tas opp i medarbeidersamtalen mellom leder og medarbeider: \n"
        "\n"
        "\u2022 Hvordan vurderer du din egen kompetanse sett opp mot virksomhetens/avdelingens \n"
        "\n"
        "kompetanseområder og mål? \n"
        "\n"
        "\u25aa Hvilken forventning har du til læring og kompetanseutvikling i jobben din, og hva bør prioriteres? \n"
        "\n"
        "Hvordan skal vi følge opp dette? \n"
        "\n"
        " \n"
    )
    text = clean_text(raw)
    lead, items = text.split("\n\n")
    assert lead.endswith("medarbeider:")
    assert items.split("\n") == [
        "• Hvordan vurderer du din egen kompetanse sett opp mot virksomhetens/avdelingens kompetanseområder og mål?",
        "• Hvilken forventning har du til læring og kompetanseutvikling i jobben din, og hva bør prioriteres? "
        "Hvordan skal vi følge opp dette?",
    ]


def test_heading_lines_stay_apart_from_their_body() -> None:
    raw = (
        "gjennomføring av kompetansehevende tiltak. \n"
        " Medarbeidersamtalen \n"
        "Medarbeidersamtalen mellom leder og medarbeider er et viktig verktøy for å sette læring på \n"
        "\n"
        "dagsordenen. \n"
        "\n"
        " \n"
        "\n"
        "14.2 Utdanningspermisjon \n"
        "\n"
        "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11. \n"
    )
    assert clean_text(raw).split("\n\n") == [
        "gjennomføring av kompetansehevende tiltak.",
        "Medarbeidersamtalen",
        "Medarbeidersamtalen mellom leder og medarbeider er et viktig verktøy for å sette læring på dagsordenen.",
        "14.2 Utdanningspermisjon",
        "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11.",
    ]


def test_wrapped_heading_is_joined() -> None:
    raw = (
        "bærekraftige tjenester. \n\n \n\n"
        "Kompetanseutvikling og samarbeid i virksomheten – viktige \n\nsammenhenger  \n"
        "Kompetanse er en forutsetning for kvalitet i alle ledd i kommunale/fylkeskommunale virksomheter. \n"
    )
    paragraphs = clean_text(raw).split("\n\n")
    assert paragraphs[1] == "Kompetanseutvikling og samarbeid i virksomheten – viktige sammenhenger"


def test_law_items_are_not_joined_to_their_ledd() -> None:
    raw = "(3) Arbeidstaker har ikke rett før det har gått\n\na. dobbelt så lang tid og\nb. minst ett år.\n"
    assert clean_text(raw).split("\n\n") == [
        "(3) Arbeidstaker har ikke rett før det har gått",
        "a. dobbelt så lang tid og",
        "b. minst ett år.",
    ]


def test_markdown_headings_are_kept() -> None:
    raw = "# Arbeidsmiljøloven\n\n## § 12-11. Utdanningspermisjon\n\n(1) Arbeidstaker som har vært i arbeidslivet.\n"
    assert clean_text(raw).split("\n\n")[:2] == ["# Arbeidsmiljøloven", "## § 12-11. Utdanningspermisjon"]


def test_pages_partition_the_text_and_paragraphs_run_over_page_breaks() -> None:
    result = clean_pages(
        [
            (1, "Første side har et avsnitt.\n\nHvis det, i forbindelse med utdannelse som er av verdi for "),
            (
                2,
                "arbeidsgiver, er nødvendig med permisjon, skal dette innvilges.\n\nNytt avsnitt på side to.",
            ),
            (3, "   \n"),
            (4, "Side fire har kompetanse-"),
            (5, "planlegging som tema."),
        ]
    )
    assert isinstance(result, CleanResult)
    assert "verdi for arbeidsgiver, er nødvendig" in result.text
    assert "kompetanseplanlegging som tema." in result.text
    assert [p.number for p in result.pages] == [1, 2, 3, 4, 5]
    assert result.pages[0].start == 0
    assert "".join(p.text for p in result.pages) == result.text
    for page, following in zip(result.pages, result.pages[1:], strict=False):
        assert result.text[page.start : following.start] == page.text
    assert result.text[result.pages[1].start :].startswith("arbeidsgiver,")
    assert result.pages[2].text == ""


def test_empty_input() -> None:
    assert clean_pages([]) == CleanResult(text="", pages=(), warnings=())
    assert clean_text("   \n\n \f ") == ""


def test_clean_text_equals_clean_pages() -> None:
    assert clean_text(DOUBLE) == clean_pages([(None, DOUBLE)]).text


def test_page_numbers_and_running_headers_are_removed() -> None:
    pages = [
        (
            n,
            f"Hovedtariffavtalen 2024–2026\nTekst på side {n} handler om lønn og kompetanse.\n\nSide {n} av 4",
        )
        for n in range(1, 5)
    ]
    result = clean_pages(pages)
    assert "Hovedtariffavtalen 2024" not in result.text
    assert "av 4" not in result.text
    assert result.text.count("Tekst på side") == 4
    assert any("topptekst/bunntekst" in w for w in result.warnings)


def test_a_heading_on_a_few_pages_is_not_a_running_header() -> None:
    pages = [(n, f"Til refleksjon\n\nSpørsmål {n} om læring?") for n in range(1, 4)]
    pages += [(n, f"Annen tekst på side {n}.") for n in range(4, 9)]
    text = clean_pages(pages).text
    assert text.count("Til refleksjon") == 3


def test_prose_after_a_url_is_not_taken_for_its_continuation() -> None:
    text = clean_text("Les mer på https://www.ks.no/\nog/eller spør den lokale arbeidsgiveren.")
    assert "og/eller spør den lokale arbeidsgiveren." in text


def test_a_wrapped_date_is_not_a_numbered_item() -> None:
    raw = (
        "Retten til utdanningspermisjon følger av arbeidsmiljøloven, som er lov av\n"
        "17. juni 2005 nr. 62 om arbeidsmiljø, arbeidstid og stillingsvern mv.\n"
        "1. Første punkt\n"
        "2. Andre punkt"
    )
    assert clean_text(raw).split("\n\n") == [
        "Retten til utdanningspermisjon følger av arbeidsmiljøloven, som er lov av 17. juni 2005 nr. 62 "
        "om arbeidsmiljø, arbeidstid og stillingsvern mv.",
        "1. Første punkt",
        "2. Andre punkt",
    ]
