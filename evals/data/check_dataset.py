#!/usr/bin/env python3
"""Validate the evaluation dataset (dev.jsonl) against the corpus source texts.

Standalone, standard library only. Usage:

    python3 evals/data/check_dataset.py [--data DEV.jsonl] [SOURCE ...]

SOURCE defaults to every .txt/.md file in the repository's corpus/ folder.
Prints counts and exits with status 1 when any problem is found (2 on bad usage).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "dev.jsonl"
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "corpus"

REQUIRED_KEYS = {"id", "question", "evidence", "out_of_scope", "role", "history"}
ROLES = {"employee", "manager", "union"}
HISTORY_ROLES = {"user", "assistant"}
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
# Quote characters ignored by span matching: « » “ ” " ' ‘ ’
QUOTES = "«»“”\"'‘’"
_QUOTE_TABLE = str.maketrans("", "", QUOTES)
_WS = re.compile(r"\s+")
MIN_SPAN_WORDS = 4
MAX_SPAN_WORDS = 14
MAX_SPANS = 3


def normalise(text: str) -> str:
    """Return text lowercased, with quote characters removed and whitespace runs collapsed.

    Quotes are removed before whitespace is collapsed, so '«skoen trykker»' and
    'skoen trykker' normalise to the same string.
    """
    return _WS.sub(" ", text.lower().translate(_QUOTE_TABLE)).strip()


def language_of(item_id: str) -> str:
    """Return the question language encoded in the id suffix: 'en', 'nn' or 'nb' (default)."""
    if item_id.endswith("-en"):
        return "en"
    if item_id.endswith("-nn"):
        return "nn"
    return "nb"


def default_sources() -> list[Path]:
    """Return the .txt/.md files in the repository's corpus/ folder, sorted by name."""
    return sorted(p for p in DEFAULT_CORPUS.glob("*") if p.suffix.lower() in {".txt", ".md"} and p.is_file())


class Sources:
    """Normalised source texts, as the checks need them."""

    def __init__(self, paths: Iterable[Path]) -> None:
        """Read and normalise the files in paths; raises OSError when one cannot be read.

        Keeps the concatenated text, the set of non-empty lines (a span must lie
        inside one line) and the lines that continue a word hyphenated at the end
        of the previous line (a span must not start with such a word fragment,
        since text cleaning may join it to the previous line).
        """
        texts: list[str] = []
        self.lines: set[str] = set()
        self.continuations: set[str] = set()
        for path in paths:
            raw = path.read_text(encoding="utf-8")
            texts.append(normalise(raw))
            previous = ""
            for line in (normalise(x) for x in raw.splitlines()):
                if not line:
                    continue
                self.lines.add(line)
                if previous.endswith("-") and previous[-2:-1].isalpha():
                    self.continuations.add(line)
                previous = line
        self.text = "\n".join(texts)


def _on_word_boundaries(norm: str, corpus: str) -> bool:
    """Return True when some occurrence of norm in corpus starts and ends at word boundaries."""
    start = corpus.find(norm)
    while start != -1:
        end = start + len(norm)
        before = corpus[start - 1] if start > 0 else " "
        after = corpus[end] if end < len(corpus) else " "
        if not (before.isalnum() and norm[0].isalnum()) and not (after.isalnum() and norm[-1].isalnum()):
            return True
        start = corpus.find(norm, start + 1)
    return False


def check_span(span: str, sources: Sources) -> list[str]:
    """Return the problems of one evidence span (empty list when the span is fine)."""
    norm = normalise(span)
    if not norm:
        return ["empty evidence span"]
    problems: list[str] = []
    if norm not in sources.text:
        return [f"span not found in sources: {span!r}"]
    if not any(norm in line for line in sources.lines):
        problems.append(f"span crosses a line break in the source: {span!r}")
    if any(line.startswith(norm) for line in sources.continuations):
        problems.append(f"span starts with the tail of a word split at a line end: {span!r}")
    if not _on_word_boundaries(norm, sources.text):
        problems.append(f"span starts or ends in the middle of a word: {span!r}")
    words = len(norm.split())
    if not MIN_SPAN_WORDS <= words <= MAX_SPAN_WORDS:
        problems.append(f"span has {words} words (want {MIN_SPAN_WORDS}-{MAX_SPAN_WORDS}): {span!r}")
    if span != span.strip():
        problems.append(f"span has leading/trailing whitespace: {span!r}")
    if "http" in norm or "www." in norm:
        problems.append(f"span contains a URL: {span!r}")
    if norm.endswith("-"):
        problems.append(f"span ends with a hyphen: {span!r}")
    return problems


def check_history(history: object) -> list[str]:
    """Return the problems of a history value (a list of {'role', 'content'} turns)."""
    if not isinstance(history, list):
        return ["history must be a list"]
    problems: list[str] = []
    for turn in history:
        if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
            problems.append("each history turn must be an object with exactly 'role' and 'content'")
            continue
        if turn["role"] not in HISTORY_ROLES:
            problems.append(f"history role must be one of {sorted(HISTORY_ROLES)}, got {turn['role']!r}")
        if not isinstance(turn["content"], str) or not turn["content"].strip():
            problems.append("history content must be a non-empty string")
    if history and isinstance(history[-1], dict) and history[-1].get("role") != "assistant":
        problems.append("history must end with an assistant turn (the question is the next user turn)")
    return problems


def check_item(item: object, sources: Sources) -> list[str]:
    """Return the problems of one dataset item."""
    if not isinstance(item, dict):
        return ["line is not a JSON object"]
    keys = set(item)
    if keys != REQUIRED_KEYS:
        missing, extra = REQUIRED_KEYS - keys, keys - REQUIRED_KEYS
        return [f"wrong keys (missing {sorted(missing)}, unexpected {sorted(extra)})"]
    problems: list[str] = []
    if not isinstance(item["id"], str) or not ID_PATTERN.match(item["id"]):
        problems.append(f"id must be a lowercase slug, got {item['id']!r}")
    if not isinstance(item["question"], str) or not item["question"].strip():
        problems.append("question must be a non-empty string")
    if item["role"] not in ROLES:
        problems.append(f"role must be one of {sorted(ROLES)}, got {item['role']!r}")
    if not isinstance(item["out_of_scope"], bool):
        problems.append("out_of_scope must be true or false")
    problems.extend(check_history(item["history"]))
    evidence = item["evidence"]
    if not isinstance(evidence, list) or not all(isinstance(s, str) for s in evidence):
        return [*problems, "evidence must be a list of strings"]
    if item["out_of_scope"] is True and evidence:
        problems.append("out-of-scope item must have no evidence")
    if item["out_of_scope"] is False:
        if not 1 <= len(evidence) <= MAX_SPANS:
            problems.append(f"in-scope item needs 1-{MAX_SPANS} evidence spans, has {len(evidence)}")
        for span in evidence:
            problems.extend(check_span(span, sources))
    return problems


def print_counts(items: Sequence[dict[str, object]]) -> None:
    """Print counts per scope, role, language and follow-up status."""
    in_scope = [i for i in items if i.get("out_of_scope") is False]
    oos = [i for i in items if i.get("out_of_scope") is True]
    print(f"items: {len(items)}  (in scope: {len(in_scope)}, out of scope: {len(oos)})")
    for label, group in (("in scope", in_scope), ("out of scope", oos), ("all", items)):
        roles = Counter(str(i.get("role")) for i in group)
        langs = Counter(language_of(str(i.get("id"))) for i in group)
        print(f"  {label:<13} roles: {dict(sorted(roles.items()))}  languages: {dict(sorted(langs.items()))}")
    follow_ups = [i for i in items if i.get("history")]
    print(f"follow-ups (non-empty history): {len(follow_ups)}")
    spans = 0
    for item in in_scope:
        evidence = item.get("evidence")
        if isinstance(evidence, list):
            spans += len(evidence)
    print(f"evidence spans: {spans}")


def main(argv: Sequence[str] | None = None) -> int:
    """Validate the dataset; return 0 when it is valid, 1 when problems were found, 2 on bad usage."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "sources", nargs="*", type=Path, help="source texts (default: corpus/*.txt, corpus/*.md)"
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help=f"dataset file (default: {DEFAULT_DATA})"
    )
    args = parser.parse_args(argv)

    source_paths: list[Path] = args.sources or default_sources()
    if not source_paths:
        print(f"error: no source texts given and none found in {DEFAULT_CORPUS}", file=sys.stderr)
        return 2
    try:
        corpus = Sources(source_paths)
        raw_lines = args.data.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("sources: " + ", ".join(str(p) for p in source_paths))

    problems: list[str] = []
    items: list[dict[str, object]] = []
    seen: Counter[str] = Counter()
    for number, line in enumerate(raw_lines, start=1):
        if not line.strip():
            problems.append(f"line {number}: empty line")
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: invalid JSON ({exc})")
            continue
        label = f"line {number} ({item.get('id')})" if isinstance(item, dict) else f"line {number}"
        problems.extend(f"{label}: {p}" for p in check_item(item, corpus))
        if isinstance(item, dict):
            items.append(item)
            seen[str(item.get("id"))] += 1
    problems.extend(f"duplicate id {i!r} ({n} times)" for i, n in seen.items() if n > 1)

    print_counts(items)
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
