"""Hybrid retrieval within one policy, down to clause-level citations.

For a query and a policy: dense chunk scores (exact, over the policy's chunk vectors read from
Chroma) and BM25 over the same chunks (bm25s) are fused by weighted reciprocal rank fusion. Then
every sentence is scored on its own (its precomputed embedding under its section heading, its
BM25 score, whether it speaks to the practice asked about, its chunk's embedding similarity, and
for a question asked before of other policies, how alike the questions it answers are to it),
and the scores become each sentence's chance of holding the answer. Citations are windows of
consecutive sentences in the best chunks, chosen greedily to cover the most of that chance for
their length (docs/retrieval.md). Offsets stay exact throughout.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, Literal

from assistant.rerank import POOL_FACTOR, rerank_passages
from assistant.types import Chunk

if TYPE_CHECKING:
    from collections.abc import Callable

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
        self._cache_lock = threading.Lock()  # the app answers several questions at once

    def speaks_to(self, vectors: PolicyVectors, practice: str) -> np.ndarray:
        """1.0 for each sentence of the policy that speaks to the practice (by its lexicon), else 0.0; cached."""
        import numpy as np

        from assistant.practices import mentions

        key = (vectors.policy.policy_id, vectors.policy.sha256, practice)
        with self._cache_lock:
            found = self._speaks.get(key)
        if found is None:
            text = vectors.policy.text
            found = np.array([mentions(practice, text[x.start : x.end]) for x in vectors.sentences], dtype=np.float32)
            with self._cache_lock:
                if len(self._speaks) > 20_000:
                    self._speaks.clear()
                self._speaks[key] = found
        return found

    def lexical(self, policy_id: str) -> Lexical:
        info = self.store.catalog()[policy_id]
        key = (policy_id, info.sha256)
        with self._cache_lock:
            found = self._lexical.get(key)
        if found is None:
            found = Lexical(self.store.vectors(policy_id))
            with self._cache_lock:
                for stale in [k for k in self._lexical if k[0] == policy_id]:
                    del self._lexical[stale]
                while len(self._lexical) >= _LEXICAL_CACHE:  # bounded: thousands of policies stay in memory budget
                    del self._lexical[next(iter(self._lexical))]
                self._lexical[key] = found
        return found

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
        names: Callable[[str], bool] | None = None,
        answered: Callable[[PolicyVectors], np.ndarray] | None = None,
    ) -> list[Passage]:
        """The k best passages of one policy for the query.

        `clauses` (the default) cites windows of sentences chosen inside the fused chunks, followed by
        up to `practice_clauses` windows holding the best sentences that state the practice asked
        about, if the k missed them (a verdict is read from such clauses), and as many holding the
        best of those sentences that also name what the question asks about (`names`: "my meetings"
        in "Does IPC record my meetings?"). `answered` reads each sentence as the questions it answers
        (`QueryAdapter.questions_answered`), for a question asked before. `hybrid`, `dense` and `bm25`
        return whole chunks from the fusion or one retriever alone (for evaluation).
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
        sentence_scores = self.sentence_scores(vectors, query_vector, sentence_bm25, practices, answered)
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
        # Clause selection: every sentence gets a chance of holding the answer (a softmax of its own
        # score plus its chunk's dense similarity). Citations are windows of consecutive sentences in
        # one chunk, chosen one at a time: the window covering the most of the chance not yet covered,
        # less what its length costs, and not overlapping one chosen before.
        chosen = {ci for ci, _ in ranked[: s.clause_chunks]} | set(by_sentence[: s.sentence_chunks])
        chunk_similarity = dict(
            zip((c.index for c in vectors.chunks), vectors.chunk_vectors @ query_vector, strict=True)
        )
        scores = sentence_scores + s.chunk_weight * np.array([chunk_similarity[ci] for ci in vectors.sentence_chunk])
        weights = np.exp((scores - scores.max()) / s.temperature)
        cumulative = np.concatenate([[0.0], np.cumsum(weights / weights.sum())])
        firsts, lasts = self._windows(vectors)
        starts = np.array([vectors.sentences[i].start for i in firsts])
        ends = np.array([vectors.sentences[j].end for j in lasts])
        mass = cumulative[lasts + 1] - cumulative[firsts]
        open_ = np.ones(len(firsts), dtype=bool)
        chunk_by_index = {c.index: c for c in vectors.chunks}
        passages: list[Passage] = []
        left = 1.0  # the chance not yet covered

        def best(allowed: np.ndarray) -> int | None:
            # Covering m of what is left is worth m / left; the length cost is scaled the same way.
            values = np.where(open_ & allowed, mass - s.length_cost * left * (ends - starts) / 1000, -np.inf)
            return int(np.argmax(values)) if np.isfinite(values).any() else None

        def take(w: int) -> None:
            nonlocal left
            first, last = int(firsts[w]), int(lasts[w])
            open_[:] &= (lasts < first) | (firsts > last)
            left = max(left - float(mass[w]), 1e-12)
            ordered = sorted(range(first, last + 1), key=lambda i: -scores[i])
            sentences = tuple((vectors.sentences[i].start, vectors.sentences[i].end) for i in ordered)
            chunk = chunk_by_index[vectors.sentence_chunk[first]]
            score = round(float(scores[ordered[0]]), 5)  # its best sentence's
            passages.append(Passage(policy_id, chunk, int(starts[w]), int(ends[w]), score, sentences))

        in_chosen = np.array([vectors.sentence_chunk[i] in chosen for i in firsts], dtype=bool)
        pool = k if self.reranker is None else POOL_FACTOR * k  # a cross-encoder reranks a larger pool
        while len(passages) < pool and (w := best(in_chosen)) is not None:
            take(w)
        if practices and s.practice_clauses:
            # A verdict needs clauses that state the practice: the best-scoring ones the windows missed
            # (a table row in a chunk unlike the question, say) follow them, wherever they are.
            speaking = np.flatnonzero(self.speaks_to(vectors, practices[0]))
            ranked_speaking = speaking[np.argsort(-sentence_scores[speaking], kind="stable")]
            text, sentences = vectors.policy.text, vectors.sentences
            naming = (
                []
                if names is None
                else (i for i in ranked_speaking if names(text[sentences[i].start : sentences[i].end]))
            )
            for i in [*ranked_speaking[: s.practice_clauses], *islice(naming, s.practice_clauses)]:
                w = best((firsts <= i) & (lasts >= i))
                if w is not None:
                    take(w)
        if self.reranker is not None:
            return rerank_passages(self.reranker, query, vectors.policy.text, passages, k)
        return passages

    def sentence_scores(
        self,
        vectors: PolicyVectors,
        query_vector: np.ndarray,
        bm25: np.ndarray,
        practices: list[str],
        answered: Callable[[PolicyVectors], np.ndarray] | None = None,
    ) -> np.ndarray:
        """Each sentence's own relevance: its embedding's similarity, its BM25, whether it speaks to the practice,
        and (given `answered`) how alike the questions it answers are to this one."""

        s = self.settings
        lexical = bm25 / bm25.max() if len(bm25) and bm25.max() > 0 else bm25
        scores = s.sentence_weight * (vectors.sentence_vectors @ query_vector) + s.bm25_sentence_weight * lexical
        if answered is not None and s.answered_weight > 0 and len(scores):
            scores = scores + s.answered_weight * (answered(vectors) @ query_vector)
        if practices and s.practice_weight > 0 and len(scores):
            scores = scores + s.practice_weight * self.speaks_to(vectors, practices[0])
        return scores

    def _windows(self, vectors: PolicyVectors) -> tuple[np.ndarray, np.ndarray]:
        """First and last sentence of every run of consecutive sentences in one chunk that fits in
        `max_citation_chars` (a sentence longer than that is a window of its own)."""
        import numpy as np

        sentences, chunk_of = vectors.sentences, vectors.sentence_chunk
        limit = self.settings.max_citation_chars
        firsts, lasts = [], []
        for i in range(len(sentences)):
            j = i
            while j < len(sentences) and chunk_of[j] == chunk_of[i] and sentences[j].end - sentences[i].start <= limit:
                firsts.append(i)
                lasts.append(j)
                j += 1
            if j == i:
                firsts.append(i)
                lasts.append(i)
        return np.array(firsts, dtype=int), np.array(lasts, dtype=int)

    @staticmethod
    def _whole(vectors: PolicyVectors, policy_id: str, index: int, score: float) -> Passage:
        chunk = next(c for c in vectors.chunks if c.index == index)
        return Passage(policy_id, chunk, chunk.start, chunk.end, round(score, 4))
