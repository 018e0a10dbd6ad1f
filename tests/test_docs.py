"""Every CLI command has help and is documented in the README."""

import pytest

from core.settings import REPO_ROOT
from kompetanse.cli import build_parser

pytestmark = pytest.mark.unit

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return {name: (p.description or "") for name, p in sub.choices.items()}  # type: ignore[attr-defined]


def test_expected_commands_exist() -> None:
    assert {"ingest", "ask", "chat", "lookup", "samtale", "serve", "eval", "feedback"} <= set(_commands())


@pytest.mark.parametrize(
    "command", ["ingest", "ask", "chat", "lookup", "samtale", "serve", "eval", "feedback"]
)
def test_command_documented_in_readme(command: str) -> None:
    assert f"kompetanse {command}" in README


@pytest.mark.parametrize(
    "command", ["ingest", "ask", "chat", "lookup", "samtale", "serve", "eval", "feedback"]
)
def test_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args([command, "--help"])
    assert exc.value.code == 0
    assert len(capsys.readouterr().out) > 80


def test_settings_fields_documented() -> None:
    from core.settings import Settings

    def walk(model: type) -> list[str]:
        missing = []
        for name, field in model.model_fields.items():  # type: ignore[attr-defined]
            if not field.description:
                missing.append(name)
            ann = field.annotation
            if isinstance(ann, type) and hasattr(ann, "model_fields"):
                missing += walk(ann)
        return missing

    assert walk(Settings) == []
