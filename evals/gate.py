"""The evaluation gate: thresholds from a JSON file, and the metrics outside them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import KompetanseError


@dataclass(frozen=True)
class GateFailure:
    """One gated metric outside its bounds (``value`` None means unmeasured)."""

    metric: str
    value: float | None
    bound: str
    limit: float

    def message(self) -> str:
        """Norwegian, one line."""
        shown = "ikke målt" if self.value is None else f"{self.value:g}"
        word = "minst" if self.bound == "min" else "høyst"
        return f"{self.metric} = {shown}, skal være {word} {self.limit:g}"


def load_thresholds(path: str | Path) -> dict[str, dict[str, float]]:
    """Read a thresholds file ``{"metric": {"min": x} | {"max": y}, ...}``.

    Raises :class:`KompetanseError` for a missing or malformed file or an unknown bound.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KompetanseError(f"Fant ikke terskelfila {path}.", detail=str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise KompetanseError(f"Terskelfila {path} er ikke gyldig JSON: {exc.msg}.", detail=str(exc)) from exc
    if not isinstance(data, dict):
        raise KompetanseError(f"Terskelfila {path} må være et JSON-objekt.")
    for metric, bounds in data.items():
        if metric.startswith("_"):
            continue
        if (
            not isinstance(bounds, dict)
            or not bounds
            or not set(bounds) <= {"min", "max"}
            or not all(isinstance(v, int | float) for v in bounds.values())
        ):
            raise KompetanseError(
                f'Terskelfila {path}: «{metric}» må være {{"min": tall}} og/eller {{"max": tall}}.'
            )
    return {k: v for k, v in data.items() if not k.startswith("_")}


def check_gate(summary_: dict[str, Any], thresholds: dict[str, dict[str, float]]) -> list[GateFailure]:
    """Every gated metric that is unmeasured, below its ``min`` or above its ``max``; empty if all pass."""
    failures: list[GateFailure] = []
    for metric_name, bounds in thresholds.items():
        value = summary_.get(metric_name)
        for bound, limit in sorted(bounds.items()):
            if value is None or not isinstance(value, int | float):
                failures.append(GateFailure(metric_name, None, bound, float(limit)))
            elif (bound == "min" and value < limit) or (bound == "max" and value > limit):
                failures.append(GateFailure(metric_name, float(value), bound, float(limit)))
    return failures
