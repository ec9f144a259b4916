"""Optional cross-encoder reranking of the retriever's candidate citations.

Off by default: no cross-encoder with its weights inside a PyPI wheel exists, and the default
offline ranking is tuned without one. Users who have a sentence-transformers `CrossEncoder` on
disk set `POLICY_ASSISTANT_RERANKER=/path/to/folder`; the retriever then asks for a larger pool
of clause windows (`POOL_FACTOR` × k), scores each `(query, passage text)` pair with the model
and keeps the k best. Nothing is fetched from a model hub.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.errors import BackendError

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

    from assistant.retrieval import Passage

# Candidate windows the cross-encoder sees per policy, as a multiple of the passages kept.
POOL_FACTOR = 3


class Reranker(Protocol):
    """The seam for rerankers: one relevance score per text for a query, higher is better."""

    def rerank(self, query: str, texts: list[str]) -> list[float]: ...


class CrossEncoderReranker:
    """A `Reranker` backed by a local sentence-transformers `CrossEncoder`."""

    def __init__(self, model: CrossEncoder, batch_size: int = 32) -> None:
        self.model = model
        self.batch_size = batch_size

    def rerank(self, query: str, texts: list[str]) -> list[float]:
        """The model's score of each `(query, text)` pair (a probability for one-label models)."""
        if not texts:
            return []
        scores = self.model.predict(
            [(query, text) for text in texts], batch_size=self.batch_size, show_progress_bar=False
        )
        return [float(score) for score in scores]


def rerank_passages(reranker: Reranker, query: str, text: str, passages: list[Passage], k: int) -> list[Passage]:
    """The k passages the reranker scores best for the query, best first, each carrying its reranker score.

    `text` is the policy's text, which the passages' offsets point into. Ties keep the retriever's order.
    """
    scores = reranker.rerank(query, [text[p.start : p.end] for p in passages])
    if len(scores) != len(passages):
        raise BackendError(f"The reranker returned {len(scores)} scores for {len(passages)} passages.")
    order = sorted(range(len(passages)), key=lambda i: -scores[i])[:k]
    return [replace(passages[i], score=round(float(scores[i]), 5)) for i in order]


def load_reranker(path: Path | str) -> CrossEncoderReranker:
    """Load a CrossEncoder from a local folder, offline; `BackendError` (one line) if it cannot be used."""
    folder = Path(path).expanduser()
    if not folder.exists():
        raise BackendError(f"Reranker folder {str(folder)!r} does not exist (POLICY_ASSISTANT_RERANKER).")
    if not folder.is_dir():
        raise BackendError(f"Reranker {str(folder)!r} is a file; give the folder of a CrossEncoder model.")
    if not (folder / "config.json").is_file():
        raise BackendError(f"Reranker folder {str(folder)!r} has no config.json: not a CrossEncoder model folder.")
    # Never reach a model hub: the weights are on disk.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from sentence_transformers import CrossEncoder
    except ImportError as err:
        raise BackendError("The reranker needs sentence-transformers: pip install sentence-transformers") from err
    try:
        model = CrossEncoder(str(folder), device="cpu", local_files_only=True)
    except Exception as err:  # any loading failure is about the user's folder: say why in one line
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise BackendError(f"Reranker folder {str(folder)!r} could not be loaded as a CrossEncoder: {reason}") from err
    labels = getattr(model, "num_labels", 1)
    if labels != 1:
        raise BackendError(
            f"Reranker {str(folder)!r} has {labels} output labels; a reranking CrossEncoder has one relevance score."
        )
    return CrossEncoderReranker(model)
