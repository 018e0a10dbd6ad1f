"""Rebuilds into a shadow collection, and the swap that publishes it (also after a crash).

A rebuild writes ``<live>-rebuild``, marks it complete (:data:`index.records.KEY_COMPLETE`),
deletes the live collection and renames the shadow. Every step may be interrupted; the next
opener finishes a complete shadow's swap (writers only, when the live collection still
exists) and writers discard an unfinished one.
"""

from __future__ import annotations

import logging
from typing import Any

from index.chroma import discard, not_found
from index.records import KEY_COMPLETE

log = logging.getLogger(__name__)

REBUILD_SUFFIX = "-rebuild"


def swap_into(client: Any, shadow_name: str, live: str) -> Any:
    """Rename the shadow ``shadow_name`` to ``live`` (replacing it); returns the live collection.

    Idempotent, because the caller may retry it after a partial failure.
    """
    try:
        shadow = client.get_collection(shadow_name, embedding_function=None)
    except Exception as exc:
        if not not_found(exc):
            raise
        shadow = None  # renamed by an earlier attempt
    if shadow is not None:
        discard(client, live)
        shadow.modify(name=live)
    return client.get_collection(live, embedding_function=None)


def recover_swap(client: Any, live: str, *, writer: bool) -> None:
    """Finish a rebuild killed after marking its shadow complete; writers discard unfinished ones."""
    shadow_name = live + REBUILD_SUFFIX
    try:
        shadow = client.get_collection(shadow_name, embedding_function=None)
    except Exception as exc:
        if not_found(exc):
            return
        raise
    if not (shadow.metadata or {}).get(KEY_COMPLETE):
        # An unfinished rebuild: the live index is still the valid one.
        if writer:
            client.delete_collection(shadow_name)
            log.info("discarded an unfinished rebuild of %s", live)
        return
    try:
        client.get_collection(live, embedding_function=None)
        if not writer:
            return  # live index intact; let the next writer finish the swap
        client.delete_collection(live)
    except Exception as exc:
        if not not_found(exc):
            raise
    try:
        shadow.modify(name=live)
        log.info("finished an interrupted rebuild of %s", live)
    except Exception:  # another process finished it first
        log.debug("rename of %s failed", shadow_name, exc_info=True)
