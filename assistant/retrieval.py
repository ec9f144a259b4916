"""Hybrid retrieval within one policy, down to clause-level citations.

For a query and a policy: dense chunk scores (exact, over the policy's chunk vectors read from
Chroma) and BM25 over the same chunks (bm25s) are fused by weighted reciprocal rank fusion;
then every sentence of the best chunks, and of the chunks holding the policy's best sentences
however those chunks fused, is scored on its own (its precomputed embedding under its section
heading, its BM25 score, whether it speaks to the practice asked about) and the best
sentences, grown by their better neighbours up to a length limit, become the citations.
Offsets stay exact throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from assistant.rerank import POOL_FACTOR, rerank_passages
from assistant.types import Chunk

if TYPE_CHECKING:
    import numpy as np

    from assistant.rerank import Reranker
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
    sentences: tuple[tuple[int, int], ...] = ()  # the passage's sentences, the one that ranked it first


class Lexical:
    """BM25 (bm25s, English stemmer) over one policy's chunks and sentences."""

    def __init__(self, vectors: PolicyVectors) -> None:
        import bm25s

        text = vectors.policy.text
        self._stemmer = stemmer()
        self.chunks = self._index([f"{c.section}\n{c.text}" for c in vectors.chunks])
        self.sentences = self._index([text[s.start : s.end] for s in vectors.sentences])
        self._bm25s = bm25s
        self._sizes = len(vectors.chunks), len(vectors.sentences)

    def _index(self, texts: list[str]):  # type: ignore[no-untyped-def]
        import bm25s

        model = bm25s.BM25()
        model.index(bm25s.tokenize(texts, stemmer=self._stemmer, show_progress=False), show_progress=False)
        return model

    def scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """BM25 scores of every chunk and every sentence for the query."""
        tokens = self._bm25s.tokenize([query], stemmer=self._stemmer, return_ids=False, show_progress=False)[0]
        if not tokens:  # only stop words: nothing matches (bm25s fails on an empty query)
            import numpy as np

            return np.zeros(self._sizes[0]), np.zeros(self._sizes[1])
        return self.chunks.get_scores(tokens), self.sentences.get_scores(tokens)


@cache
def stemmer():  # type: ignore[no-untyped-def]
    """The English Snowball stemmer BM25 uses (one per process)."""
    import Stemmer

    return Stemmer.Stemmer("english")


# BM25 indexes kept in memory (one per policy asked about, rebuilt from the store when evicted).
_LEXICAL_CACHE = 512


class HybridRetriever:
    """Dense + BM25 retrieval fused by RRF, then clause selection inside the best chunks."""

    def __init__(self, store: PolicyStore, settings: RetrievalSettings, reranker: Reranker | None = None) -> None:
        self.store = store
        self.settings = settings
        self.reranker = reranker
        self._lexical: dict[tuple[str, str], Lexical] = {}
        self._speaks: dict[tuple[str, str, str], np.ndarray] = {}

    def speaks_to(self, vectors: PolicyVectors, practice: str) -> np.ndarray:
        """1.0 for each sentence of the policy that speaks to the practice (by its lexicon), else 0.0; cached."""
        import numpy as np

        from assistant.practices import mentions

        key = (vectors.policy.policy_id, vectors.policy.sha256, practice)
        if key not in self._speaks:
            if len(self._speaks) > 20_000:
                self._speaks.clear()
            text = vectors.policy.text
            self._speaks[key] = np.array(
                [mentions(practice, text[x.start : x.end]) for x in vectors.sentences], dtype=np.float32
            )
        return self._speaks[key]

    def lexical(self, policy_id: str) -> Lexical:
        info = self.store.catalog()[policy_id]
        key = (policy_id, info.sha256)
        if key not in self._lexical:
            for stale in [k for k in self._lexical if k[0] == policy_id]:
                del self._lexical[stale]
            while len(self._lexical) >= _LEXICAL_CACHE:  # bounded: thousands of policies stay in memory budget
                del self._lexical[next(iter(self._lexical))]
            self._lexical[key] = Lexical(self.store.vectors(policy_id))
        return self._lexical[key]

    @staticmethod
    def dense_chunks(vectors: PolicyVectors, query_vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """`(chunk index, cosine similarity)` of the policy's n nearest chunks, scored exactly.

        The chunk vectors are the policy's rows in Chroma, read by id with the policy. Scoring
        its few dozen chunks exactly costs the same at any index size, where Chroma's filtered
        nearest-neighbour search grows with the whole collection (docs/scale.md).
        """
        import numpy as np

        similarity = vectors.chunk_vectors @ query_vector
        return [(vectors.chunks[i].index, float(similarity[i])) for i in np.argsort(-similarity, kind="stable")[:n]]

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
        dense = self.dense_chunks(vectors, query_vector, n)
        chunk_bm25, sentence_bm25 = self.lexical(policy_id).scores(query)
        lexical = [(int(i), float(chunk_bm25[i])) for i in np.argsort(-chunk_bm25)[:n] if chunk_bm25[i] > 0]
        if mode in ("dense", "bm25"):
            ranking = dense if mode == "dense" else lexical
            return [self._whole(vectors, policy_id, index, score) for index, score in ranking[:k]]
        sentence_scores = self.sentence_scores(vectors, query_vector, sentence_bm25, practices)
        best_sentence: dict[int, int] = {}  # chunk index -> its best sentence
        for i, ci in enumerate(vectors.sentence_chunk):
            if ci not in best_sentence or sentence_scores[i] > sentence_scores[best_sentence[ci]]:
                best_sentence[ci] = i
        by_sentence = sorted(best_sentence, key=lambda ci: -sentence_scores[best_sentence[ci]])[:n]
        rankings = [(s.dense_weight, [i for i, _ in dense]), (s.bm25_weight, [i for i, _ in lexical])]
        if mode == "clauses":
            rankings.append((s.sentence_rank_weight, by_sentence))
        fused: dict[int, float] = {}
        for weight, ranking in rankings:
            for rank, index in enumerate(ranking):
                fused[index] = fused.get(index, 0.0) + weight / (s.rrf_k + rank + 1)
        ranked = sorted(fused.items(), key=lambda item: -item[1])
        if mode == "hybrid":
            return [self._whole(vectors, policy_id, index, score) for index, score in ranked[:k]]
        ranked = ranked[: s.clause_chunks]
        # The chunks of the best sentences compete too, however their chunks fused.
        chosen = {ci for ci, _ in ranked}
        ranked += [(ci, fused[ci]) for ci in by_sentence[: s.sentence_chunks] if ci not in chosen]
        chunk_by_index = {c.index: c for c in vectors.chunks}
        # Clause selection: in each fused chunk, windows around its best sentences; a window's score is
        # its chunk's fused score (normalised) plus its seed sentence's own score.
        top = ranked[0][1] if ranked else 1.0
        windows: list[tuple[float, list[int]]] = []
        for index, score in ranked:
            members = [i for i, ci in enumerate(vectors.sentence_chunk) if ci == index]
            used: set[int] = set()
            for _ in range(s.windows_per_chunk):
                free = [i for i in members if i not in used]
                if not free:
                    break
                seed = max(free, key=lambda i: sentence_scores[i])
                span = self._window(vectors, seed, sentence_scores, used)
                used.update(span)
                windows.append((score / top + s.window_weight * float(sentence_scores[seed]), span))
        windows.sort(key=lambda w: -w[0])
        passages = []
        pool = k if self.reranker is None else POOL_FACTOR * k  # a cross-encoder reranks a larger pool
        for score, span in windows[:pool]:
            first, last = vectors.sentences[span[0]], vectors.sentences[span[-1]]
            chunk = chunk_by_index[vectors.sentence_chunk[span[0]]]
            ordered = sorted(span, key=lambda i: -sentence_scores[i])
            sentences = tuple((vectors.sentences[i].start, vectors.sentences[i].end) for i in ordered)
            passages.append(Passage(policy_id, chunk, first.start, last.end, round(score, 5), sentences))
        if self.reranker is not None:
            return rerank_passages(self.reranker, query, vectors.policy.text, passages, k)
        return passages

    def sentence_scores(
        self, vectors: PolicyVectors, query_vector: np.ndarray, bm25: np.ndarray, practices: list[str]
    ) -> np.ndarray:
        """Each sentence's own relevance: its embedding's similarity, its BM25, and whether it speaks to the practice."""

        s = self.settings
        lexical = bm25 / bm25.max() if len(bm25) and bm25.max() > 0 else bm25
        scores = s.sentence_weight * (vectors.sentence_vectors @ query_vector) + s.bm25_sentence_weight * lexical
        if practices and s.practice_weight > 0 and len(scores):
            scores = scores + s.practice_weight * self.speaks_to(vectors, practices[0])
        return scores

    def _window(self, vectors: PolicyVectors, seed: int, scores: np.ndarray, used: set[int]) -> list[int]:
        """The seed sentence grown by its better neighbour within its chunk, up to `max_citation_chars`."""
        span = [seed]
        chunk = vectors.sentence_chunk[seed]
        limit = self.settings.max_citation_chars
        while True:
            options = [
                j
                for j in (span[0] - 1, span[-1] + 1)
                if 0 <= j < len(vectors.sentences)
                and j not in used
                and vectors.sentence_chunk[j] == chunk
                and max(vectors.sentences[span[-1]].end, vectors.sentences[j].end)
                - min(vectors.sentences[span[0]].start, vectors.sentences[j].start)
                <= limit
            ]
            if not options:
                return span
            span = sorted([*span, max(options, key=lambda j: scores[j])])

    @staticmethod
    def _whole(vectors: PolicyVectors, policy_id: str, index: int, score: float) -> Passage:
        chunk = next(c for c in vectors.chunks if c.index == index)
        return Passage(policy_id, chunk, chunk.start, chunk.end, round(score, 4))
