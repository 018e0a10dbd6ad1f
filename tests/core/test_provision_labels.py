"""Provision labels: chapter inference and the label builders."""

from __future__ import annotations

import pytest

from core.provision_labels import hta_label, infer_hta_chapter, law_label

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("point", "chapter"),
    [
        ("3.2", 3),
        ("4.2.4", 4),
        ("5.3", 5),
        ("7.1", 7),
        ("14.2", 1),
        ("10.2", 1),
        ("8.1", 1),
        ("1.1", 1),
        ("2.3", None),
    ],
)
def test_chapter_inference(point: str, chapter: int | None) -> None:
    assert infer_hta_chapter(point) == chapter


def test_label_builders() -> None:
    assert hta_label(None, "14.2") == "HTA kap. 1 pkt. 14.2"
    assert hta_label(1, "14.2") == "HTA kap. 1 pkt. 14.2"
    assert hta_label(5) == "HTA kap. 5"
    assert hta_label(None, "2.3") is None
    assert law_label("12-11") == "aml. § 12-11"
    assert law_label("14-4", "a") == "aml. § 14-4 a"
