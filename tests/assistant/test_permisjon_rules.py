"""Every rule's quote stands verbatim in its own section of the corpus; a changed source fails."""

import shutil
from pathlib import Path

import pytest

from assistant.permisjon import rules
from core.settings import REPO_ROOT

pytestmark = pytest.mark.unit

CORPUS = REPO_ROOT / "corpus"


def test_every_quote_is_in_the_corpus() -> None:
    assert rules.missing_quotes(CORPUS) == []


@pytest.mark.parametrize("source", rules.ALL_SOURCES, ids=lambda s: f"{s.label()}:{s.quote[:30]}")
def test_quote_is_verbatim_in_its_section(source: rules.Source) -> None:
    text = (CORPUS / source.file).read_text(encoding="utf-8")
    section = rules.normalise(rules.section_text(text, source.section))
    assert section, f"section {source.section!r} not found in {source.file}"
    assert rules.normalise(source.quote) in section
    # the quote is not found in another provision's section by accident
    assert source.provision.split()[-1].split(".")[0] in rules.normalise(section)[:60]


def test_a_changed_source_sentence_is_detected(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    law = tmp_path / "corpus" / rules.AML_FILE
    law.write_text(law.read_text(encoding="utf-8").replace("minst tre år", "minst fire år"), encoding="utf-8")
    assert rules.missing_quotes(tmp_path / "corpus") == [rules.WORKING_LIFE]


def test_a_quote_moved_to_another_provision_is_detected(tmp_path: Path) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    law = tmp_path / "corpus" / rules.AML_FILE
    text = law.read_text(encoding="utf-8")
    law.write_text(text.replace(rules.DISPUTE.quote, "Tvister avgjøres av retten"), encoding="utf-8")
    assert rules.missing_quotes(tmp_path / "corpus") == [rules.DISPUTE]


def test_guide_quotes_are_in_hta_14_2_of_the_guide() -> None:
    text = (CORPUS / rules.GUIDE_FILE).read_text(encoding="utf-8")
    section = rules.section_text(text, "14.2 Utdanningspermisjon")
    assert "Rett til utdanningspermisjon reguleres av arbeidsmiljøloven § 12-11." in section
    assert "10-faktor" not in section  # stops at the next heading
