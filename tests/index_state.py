"""What a test compares before and after an operation that must change nothing: the index's contents.

`snapshot(store)` counts and hashes ids, documents and metadatas of the two collections
(policies, chunks with their sentence vectors), so "the index is exactly as before" is one equality.
`check_consistent(store)` checks the crash-safety invariant: every chunk row either belongs to its policy's current catalog version or is invisible to search.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from index.store import PolicyStore


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    digests: dict[str, str]


def _collections(store: PolicyStore) -> dict[str, Any]:
    return {"policies": store.policies, "chunks": store.chunks._collection}


def snapshot(store: PolicyStore) -> Snapshot:
    """Counts and a SHA-256 of (id, document, metadata) of every row of the two collections."""
    counts, digests = {}, {}
    for name, collection in _collections(store).items():
        got = collection.get(include=["documents", "metadatas"])
        rows = sorted(
            zip(got["ids"], got["documents"], [json.dumps(m, sort_keys=True) for m in got["metadatas"]], strict=True)
        )
        counts[name] = len(rows)
        digests[name] = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
    return Snapshot(counts, digests)


def stray_rows(store: PolicyStore) -> list[str]:
    """Chunk ids whose policy is not in the catalog or whose sha is not the catalog's."""
    catalog = store.catalog()
    got = store.chunks._collection.get(include=["metadatas"])
    return [
        row_id
        for row_id, meta in zip(got["ids"], got["metadatas"], strict=True)
        if meta["policy_id"] not in catalog or catalog[meta["policy_id"]].sha256[:12] != meta["sha"]
    ]


def check_consistent(store: PolicyStore) -> None:
    """Every catalog record has exactly its chunks and sentences; stray rows are invisible to search."""
    catalog = store.catalog()
    if not catalog:
        return
    # What search can see: exactly the current version of each catalogued policy, whole.
    visible = store.chunks._collection.get(where=store.chunk_filter(list(catalog)), include=["metadatas"])
    per_policy: dict[str, list[int]] = {}
    for meta in visible["metadatas"]:
        per_policy.setdefault(meta["policy_id"], []).append(int(meta["index"]))
    for pid, info in catalog.items():
        indexes = sorted(per_policy.get(pid, []))
        assert indexes == list(range(info.chunks)), f"{pid}: chunks {indexes} for a catalog of {info.chunks}"
        text = store.policy(pid).text
        assert len(text) == info.chars
        vectors = store.vectors(pid)
        assert vectors.sentences, f"{pid}: no sentences"
        assert len({(s.start, s.end) for s in vectors.sentences}) == len(vectors.sentences), f"{pid}: duplicates"
        assert len(vectors.sentence_vectors) == len(vectors.sentences) == info.sentences
    stray = stray_rows(store)
    visible_ids = set(visible["ids"])
    assert not visible_ids & set(stray)
