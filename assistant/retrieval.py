"""Hybrid retrieval within one policy, down to clause-level citations.

For a query and a policy: dense chunk search in Chroma (through LangChain) and BM25 over the
same chunks (bm25s) are fused by weighted reciprocal rank fusion; then every sentence of the
best chunks is scored on its own (its precomputed embedding, its BM25 score, the chunk's fused
rank, practice tags and section heading) and the best sentences, grown by a neighbour when
they are too short to read alone, become the citations. Offsets stay exact throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from assistant.types import Chunk, Sentence

if TYPE_CHECKING:
    import numpy as np

    from assistant.settings import RetrievalSettings
    from index.store import PolicyStore, PolicyVectors


@dataclass(frozen=True)
class Passage:
    """A candidate citation: a span of one policy, with the chunk it came from."""

    policy_id: str
    chunk: Chunk
    start: int
    end: int
    score: float


class Lexical:
    """BM25 (bm25s, English stemmer) over one policy's chunks and sentences."""

    def __init__(self, vectors: PolicyVectors) -> None:
        import bm25s

        text = vectors.policy.text
        self._stemmer = _stemmer()
        self.chunks = self._index([f"{c.section}\n{c.text}" for c in vectors.chunks])
        self.sentences = self._index([text[s.start : s.end] for s in vectors.sentences])
        self._bm25s = bm25s

    def _index(self, texts: list[str]):  # type: ignore[no-untyped-def]
        import bm25s

        model = bm25s.BM25()
        model.index(bm25s.tokenize(texts, stemmer=self._stemmer, show_progress=False), show_progress=False)
        return model

    def scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """BM25 scores of every chunk and every sentence for the query."""
        tokens = self._bm25s.tokenize([query], stemmer=self._stemmer, return_ids=False, show_progress=False)[0]
        return self.chunks.get_scores(tokens), self.sentences.get_scores(tokens)


def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


class HybridRetriever:
    """Dense + BM25 retrieval fused by RRF, then clause selection inside the best chunks."""

    def __init__(self, store: PolicyStore, settings: RetrievalSettings, reranker: object | None = None) -> None:
        self.store = store
        self.settings = settings
        self.reranker = reranker
        self._lexical: dict[tuple[str, str], Lexical] = {}

    def lexical(self, policy_id: str) -> Lexical:
        info = self.store.catalog()[policy_id]
        key = (policy_id, info.sha256)
        if key not in self._lexical:
            for stale in [k for k in self._lexical if k[0] == policy_id]:
                del self._lexical[stale]
            self._lexical[key] = Lexical(self.store.vectors(policy_id))
        return self._lexical[key]

    def dense_chunks(self, query_vector: list[float], policy_id: str, n: int) -> list[tuple[int, float]]:
        """`(chunk index, cosine similarity)` of the n nearest chunks, through LangChain's Chroma."""
        hits = self.store.chunks.similarity_search_by_vector_with_relevance_scores(
            query_vector, k=n, filter=self.store.chunk_filter([policy_id])
        )
        return [(int(doc.metadata["index"]), 1.0 - float(distance)) for doc, distance in hits]

    def search(
        self,
        query: str,
        query_vector: np.ndarray,
        policy_id: str,
        practices: list[str],
        k: int,
        mode: Literal["clauses", "hybrid", "dense", "bm25"] = "clauses",
    ) -> list[Passage]:
        """The k best passages of one policy for the query.

        `clauses` (the default) cites sentences chosen inside the fused chunks; `hybrid`, `dense`
        and `bm25` return whole chunks from the fusion or one retriever alone (for evaluation).
        """
        import numpy as np

        s = self.settings
        vectors = self.store.vectors(policy_id)
        if not vectors.chunks:
            return []
        n = min(s.candidates, len(vectors.chunks))
        dense = self.dense_chunks(query_vector.tolist(), policy_id, n)
        chunk_bm25, sentence_bm25 = self.lexical(policy_id).scores(query)
        lexical = [(int(i), float(chunk_bm25[i])) for i in np.argsort(-chunk_bm25)[:n] if chunk_bm25[i] > 0]
        if mode in ("dense", "bm25"):
            ranking = dense if mode == "dense" else lexical
            return [self._whole(vectors, policy_id, index, score) for index, score in ranking[:k]]
        fused: dict[int, float] = {}
        for weight, ranking in ((s.dense_weight, dense), (s.bm25_weight, lexical)):
            for rank, (index, _) in enumerate(ranking):
                fused[index] = fused.get(index, 0.0) + weight / (s.rrf_k + rank + 1)
        if not fused:
            return []
        best = max(fused.values())
        if mode == "hybrid":
            ranked = sorted(fused.items(), key=lambda item: -item[1])[:k]
            return [self._whole(vectors, policy_id, index, score) for index, score in ranked]
        chunk_by_index = {c.index: c for c in vectors.chunks}

        # Clause selection: score every sentence of the candidate chunks.
        candidates = [i for i, ci in enumerate(vectors.sentence_chunk) if ci in fused]
        if not candidates:
            return []
        sims = vectors.sentence_vectors[candidates] @ query_vector
        lex = sentence_bm25[candidates]
        lex = lex / lex.max() if lex.max() > 0 else lex
        wanted = set(practices)
        scored: list[tuple[float, int]] = []
        for j, i in enumerate(candidates):
            chunk = chunk_by_index[vectors.sentence_chunk[i]]
            score = (
                s.sentence_weight * float(sims[j])
                + fused[chunk.index] / best
                + s.bm25_sentence_weight * float(lex[j])
                + (s.practice_weight if wanted & set(chunk.practices) else 0.0)
            )
            scored.append((score, i))
        scored.sort(reverse=True)

        passages: list[Passage] = []
        taken: set[int] = set()
        for score, i in scored:
            if i in taken:
                continue
            span = self._grow(vectors, i, taken)
            taken.update(span)
            chunk = chunk_by_index[vectors.sentence_chunk[i]]
            first, last = vectors.sentences[span[0]], vectors.sentences[span[-1]]
            passages.append(Passage(policy_id, chunk, first.start, last.end, round(score, 4)))
            if len(passages) == k:
                break
        return passages

    @staticmethod
    def _whole(vectors: PolicyVectors, policy_id: str, index: int, score: float) -> Passage:
        chunk = next(c for c in vectors.chunks if c.index == index)
        return Passage(policy_id, chunk, chunk.start, chunk.end, round(score, 4))

    def _grow(self, vectors: PolicyVectors, i: int, taken: set[int]) -> list[int]:
        """Sentence i, joined by the next (or previous) sentence of its chunk while it is too short to stand alone."""
        span = [i]
        limit = self.settings.max_citation_chars
        min_chars = self.settings.min_citation_chars

        def length(idx: list[int]) -> int:
            return vectors.sentences[idx[-1]].end - vectors.sentences[idx[0]].start

        while length(span) < min_chars:
            grew = False
            for j in (span[-1] + 1, span[0] - 1):
                if (
                    0 <= j < len(vectors.sentences)
                    and j not in taken
                    and vectors.sentence_chunk[j] == vectors.sentence_chunk[i]
                    and length(sorted([*span, j])) <= limit
                ):
                    span = sorted([*span, j])
                    grew = True
                    break
            if not grew:
                break
        return span


def sentence_text(text: str, sentence: Sentence) -> str:
    return text[sentence.start : sentence.end]
