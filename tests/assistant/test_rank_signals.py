"""The signals retrieval fuses and re-ranks with."""

import pytest

from assistant.rank_signals import rrf_fuse, title_overlap
from core.text import analyse
from tests.assistant.fakes import make_chunk

pytestmark = pytest.mark.unit


def test_rrf_rewards_agreement() -> None:
    fused = rrf_fuse([[1, 2, 3], [2, 1, 3]], k=60)
    assert fused[1] == fused[2] > fused[3]


def test_title_overlap_is_the_share_of_the_titles_stems_the_question_names() -> None:
    chunk = make_chunk("Tekst.", position=1, section=("Lokal lønnspolitikk",))
    assert title_overlap(set(analyse("Hva sier lønnspolitikken?")), chunk, {}) == pytest.approx(0.5)
    assert title_overlap(set(analyse("Hva med ferie?")), chunk, {}) == 0.0
