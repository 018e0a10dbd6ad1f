"""``/api/health``: ok only after a real search; an ok is reused briefly, a failure is not."""

from __future__ import annotations

import pytest

from core.errors import IndexUnavailableError
from core.settings import Settings
from tests.ui.fake_assistant import FakeAssistant, with_ui
from ui.health import HealthProbe

pytestmark = pytest.mark.unit


def test_ok_is_reused_and_failures_are_rechecked(settings: Settings) -> None:
    fake = FakeAssistant(settings=settings)
    probe = HealthProbe(with_ui(settings, health_cache_seconds=3600), fake)
    body, code = probe.check()
    assert code == 200 and body["status"] == "ok" and body["documents"] == 2
    fake.fail_with = IndexUnavailableError("Indeksen kan ikke brukes akkurat nå.", detail="/secret/path")
    assert probe.check()[0]["status"] == "ok"  # reused within health_cache_seconds
    fresh = HealthProbe(with_ui(settings, health_cache_seconds=3600), fake)
    body, code = fresh.check()
    assert code == 503 and body["status"] == "unavailable" and "/secret" not in str(body)
    fake.fail_with = None
    assert fresh.check()[1] == 200  # a failure is not cached: recovery shows at once


def test_no_hits_means_reloading(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAssistant(settings=settings)
    monkeypatch.setattr(fake, "retrieve", lambda question, k=None: [])
    body, code = HealthProbe(settings, fake).check()
    assert code == 503 and body["status"] == "reloading" and body["documents"] == 2
