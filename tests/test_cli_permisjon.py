"""`kompetanse sjekk|varsel|svarfrist`: output, .docx files, Norwegian errors, README and help."""

import io
import json
from pathlib import Path

import pytest
from docx import Document

from assistant.permisjon import rules
from core.settings import REPO_ROOT
from kompetanse.cli import build_parser, main

pytestmark = pytest.mark.unit

COMMANDS = ["sjekk", "varsel", "svarfrist"]


def test_sjekk_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sjekk", "--arbeidsliv", "4", "--ansatt", "3", "--tidligere", "nei", "--varighet", "4 måneder",
                 "--niva", "høyere", "--yrkesrelatert", "ja", "--json"]) == 0  # fmt: skip
    body = json.loads(capsys.readouterr().out)
    assert body["verdict"] == "rett"
    assert (
        body["conditions"][0]["status"] == "oppfylt"
        and "minst tre år" in body["conditions"][0]["citation"]["quote"]
    )


def test_sjekk_text_shows_status_and_quote(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sjekk", "--arbeidsliv", "4", "--ansatt", "1"]) == 0
    out = capsys.readouterr().out
    assert "Vurdering: ikke rett" in out
    assert "ikke oppfylt" in out and "«som har vært ansatt hos arbeidsgiveren de siste to år»" in out


def test_sjekk_negative_years_is_a_norwegian_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sjekk", "--arbeidsliv", "-2"]) == 2
    assert "«years_working_life» kan ikke være negativt" in capsys.readouterr().err


def test_bad_date_and_length_are_argument_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["svarfrist", "--mottatt", "1.12.2026", "--varighet", "4 måneder"])
    assert "ÅÅÅÅ-MM-DD" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["svarfrist", "--mottatt", "2026-12-01", "--varighet", "fire måneder"])
    assert "er ikke en varighet" in capsys.readouterr().err


def test_svarfrist_example_and_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "svar.docx"
    assert (
        main(["svarfrist", "--mottatt", "2026-12-01", "--varighet", "4 måneder", "--docx", str(out_file)])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Svarfrist: 1. mars 2027 (2027-03-01)")
    text = "\n".join(p.text for p in Document(io.BytesIO(out_file.read_bytes())).paragraphs)
    assert rules.REPLY_SHORT.quote in text


def test_varsel_markdown_lists_missing_and_writes_docx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "varsel.docx"
    code = main(["varsel", "--utdanning", "Videreutdanning i veiledning", "--niva", "høyere",
                 "--varighet", "6 måneder", "--opptak", "søkt", "--docx", str(out_file)])  # fmt: skip
    assert code == 0
    md = capsys.readouterr().out
    assert "# Varsel om utdanningspermisjon" in md and "Begrunnelse for yrkesrelevans" in md
    text = "\n".join(p.text for p in Document(io.BytesIO(out_file.read_bytes())).paragraphs)
    assert rules.NOTICE_RELEVANCE.quote in text


def test_varsel_over_three_years_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["varsel", "--varighet", "4 år"]) == 2
    assert "lengre enn tre år" in capsys.readouterr().err


@pytest.mark.parametrize("command", COMMANDS)
def test_documented_in_readme_with_an_example(command: str) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"kompetanse {command} --" in readme


@pytest.mark.parametrize("command", COMMANDS)
def test_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([command, "--help"])
    assert exc.value.code == 0
    assert len(capsys.readouterr().out) > 80
