"""The index: policies and chunks in Chroma (embedded on disk, or a server).

Two collections share a name derived from what shapes the index (embedding model, chunker
settings, format), so changing any of them makes a new index instead of a mixed one:
- `<name>-policies`: one record per policy: full text (what citations point into) and catalog
  metadata; its embedding is the mean of the policy's chunk vectors.
- `<name>-chunks`: chunks with section, offsets and practice tags (searched through LangChain).
  Each chunk row also carries its sentences' offsets and embeddings (clause-level citations):
  they are only ever read with their chunk, never searched, so they stay out of the ANN index.

A policy is written chunks first, catalog record last, all ids carrying the content hash;
readers only see chunks whose hash matches the catalog, so a crash mid-ingest never exposes a
half-written policy, and the next ingest cleans up what it left.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import StoreError
from assistant.types import Chunk, Policy, Sentence
from index.chunking import chunk_text

if TYPE_CHECKING:
    import numpy as np
    from langchain_chroma import Chroma

    from assistant.settings import Settings
    from index.embeddings import Embedder, MiniLMEmbeddings

log = logging.getLogger(__name__)

# 2: sentence vectors inside chunk rows (1 kept them in a third collection); 3: numbered
# headings are sections, tables of contents and address blocks are not; 4: a list's lead-in
# ("... in the following cases:") stays in its list's chunk (index/chunking.py).
FORMAT_VERSION = 4
UPGRADABLE = (1, 2, 3)  # earlier formats whose policies `legacy_policies` reads back to index again
SENTENCE_INPUT = "section: sentence"  # what each sentence embedding is computed from (part of the index name)
FORMAT_FILE = "policy-assistant-store.json"
_ADD_BATCH = 4000  # rows per Chroma call (the embedded client takes at most 5,461)
# Sentences embedded in one call when ingesting many policies (~1 MB of text; bounded memory).
# Policies whose chunks and sentence vectors stay in memory (~150 kB each) for follow-up questions.
_CACHED_POLICIES = 512


def index_name(model: str, chunk_chars: int, fmt: int = FORMAT_VERSION) -> str:
    """Collection prefix naming what shapes the index."""
    key = json.dumps({"model": Path(model).name, "chunk_chars": chunk_chars, "format": fmt, "input": SENTENCE_INPUT})
    return "pa-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def embedding_inputs(text: str, chunks: list[Chunk]) -> list[str]:
    """What is embedded for each sentence of these chunks, in order.

    A sentence is embedded under its section heading: "Cookies: We use them to ..." reads far
    less ambiguously than the bare sentence.
    """
    return [
        f"{c.section}: {text[s.start : s.end]}" if c.section else text[s.start : s.end]
        for c in chunks
        for s in c.sentences
    ]


def content_hash(text: str, company: str) -> str:
    return hashlib.sha256(f"{company}\x00{text}".encode()).hexdigest()


@dataclass(frozen=True)
class PolicyInfo:
    """A catalog entry: everything about a policy but its text."""

    policy_id: str
    company: str
    aliases: tuple[str, ...]
    effective: str | None
    source: str | None
    sha256: str
    chars: int
    chunks: int
    fetched: str | None = None
    sentences: int = 0


@dataclass
class _Prepared:
    """A policy chunked and ready to embed (between `_prepare` and `_write`)."""

    policy: Policy
    sha: str
    old: PolicyInfo | None
    chunks: list[Chunk]
    sentences: list[tuple[int, Sentence]]  # (chunk index, sentence)
    texts: list[str]


@dataclass
class PolicyVectors:
    """One policy's chunks and sentences with their embeddings, loaded for clause scoring."""

    policy: Policy
    chunks: list[Chunk]
    sentence_chunk: list[int]  # chunk index of each sentence
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    chunk_vectors: np.ndarray  # the chunks' own embeddings in Chroma, one row per chunk in `chunks`

    def embedding_inputs(self) -> list[str]:
        """What each sentence's vector was embedded from, row for row (to embed them again)."""
        return embedding_inputs(self.policy.text, self.chunks)


def open_client(settings: Settings) -> Any:
    """A Chroma client, telemetry off: the on-disk store, or a server when `chroma_url` is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as err:  # chromadb raises several types for an unreachable server
            raise StoreError(f"Cannot reach the Chroma server at {settings.chroma_url}: {err}") from err
        return client
    store = settings.store
    _check_format(store)
    try:
        return chromadb.PersistentClient(path=str(store), settings=chroma_settings)
    except Exception as err:
        raise StoreError(f"Cannot open the index at {store}: {err}") from err


def _check_format(store: Path) -> None:
    marker = store / FORMAT_FILE
    if marker.exists():
        try:
            found = json.loads(marker.read_text()).get("format")
        except (ValueError, OSError) as err:
            raise StoreError(f"{marker} is damaged ({err}); remove the folder to rebuild the index.") from err
        if found != FORMAT_VERSION and found not in UPGRADABLE:
            raise StoreError(
                f"The index at {store} was written by an incompatible version (format {found}, this version reads "
                f"{FORMAT_VERSION}). Remove it or pass another --store to rebuild."
            )
        return
    if store.exists() and any(store.iterdir()):
        raise StoreError(f"{store} is not empty and is not a policy-assistant index; pass another --store.")
    store.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps({"format": FORMAT_VERSION}))


class PolicyStore:
    """Policies, chunks and sentences in Chroma, with an in-memory cache of what queries need."""

    def __init__(
        self,
        settings: Settings,
        embedder: MiniLMEmbeddings,
        tagger: Callable[[str], tuple[str, ...]] | None = None,
        client: Any = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.tagger = tagger
        self.client = client if client is not None else open_client(settings)
        self.name = index_name(embedder.name, settings.chunk_chars)
        self._vectors: dict[tuple[str, str], PolicyVectors] = {}
        self._vectors_lock = threading.Lock()  # the app answers several questions at once
        self._reembedded: dict[str, PolicyVectors] = {}
        self._catalog: dict[str, PolicyInfo] | None = None
        self._catalog_read = 0.0

    # -- collections -----------------------------------------------------------------------

    def _collection(self, suffix: str) -> Any:
        # The model's name is kept with the collection: another model of the same family finds it to index again.
        return self.client.get_or_create_collection(
            f"{self.name}-{suffix}",
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "model": self.embedder.name},
        )

    @cached_property
    def policies(self) -> Any:
        return self._collection("policies")

    @cached_property
    def chunks(self) -> Chroma:
        """The chunk collection as a LangChain vector store (dense retrieval goes through it)."""
        from langchain_chroma import Chroma

        return Chroma(
            collection_name=f"{self.name}-chunks",
            embedding_function=self.embedder,
            client=self.client,
            collection_metadata={"hnsw:space": "cosine"},
        )

    # -- catalog ---------------------------------------------------------------------------

    def catalog(self) -> dict[str, PolicyInfo]:
        """Every complete policy, by id (cached; refreshed after writes, and every `catalog_ttl` s on a server)."""
        import time

        stale = self.settings.chroma_url and time.monotonic() - self._catalog_read > self.settings.catalog_ttl
        if self._catalog is None or stale:
            self._catalog_read = time.monotonic()
            got = self.policies.get(include=["metadatas"])
            self._catalog = {
                pid: PolicyInfo(
                    policy_id=pid,
                    company=meta["company"],
                    aliases=tuple(json.loads(meta.get("aliases", "[]"))),
                    effective=meta.get("effective") or None,
                    source=meta.get("source") or None,
                    sha256=meta["sha256"],
                    chars=int(meta.get("chars", 0)),
                    chunks=int(meta.get("chunks", 0)),
                    fetched=meta.get("fetched") or None,
                    sentences=int(meta.get("sentences", 0)),
                )
                for pid, meta in zip(got["ids"], got["metadatas"], strict=True)
            }
        return self._catalog

    def refresh(self) -> None:
        """Forget cached state (another process may have written to a shared server)."""
        self._catalog = None

    def policy(self, policy_id: str) -> Policy:
        """A policy with its full stored text."""
        info = self.catalog().get(policy_id)
        if info is None:
            raise StoreError(f"No policy {policy_id!r} in the index.")
        got = self.policies.get(ids=[policy_id], include=["documents"])
        if not got["ids"]:
            self.refresh()
            raise StoreError(f"Policy {policy_id!r} was removed from the index.")
        return Policy(
            policy_id=policy_id,
            company=info.company,
            text=got["documents"][0],
            aliases=info.aliases,
            effective=info.effective,
            source=info.source,
            sha256=info.sha256,
            fetched=info.fetched,
        )

    def count(self) -> dict[str, int]:
        """Records per collection (tests compare these before and after a failed operation)."""
        return {"policies": self.policies.count(), "chunks": self.chunks._collection.count()}

    # -- writing ---------------------------------------------------------------------------

    def add_policy(self, policy: Policy, progress: Callable[[int], None] | None = None) -> str:
        """Index a policy; returns `added`, `replaced` or `unchanged`. Atomic for readers."""
        return self.add_policies([policy], progress)[0]

    def add_policies(
        self,
        policies: list[Policy],
        progress: Callable[[int], None] | None = None,
        on_policy: Callable[[Policy, str], None] | None = None,
    ) -> list[str]:
        """Index policies; returns each one's `added`, `replaced` or `unchanged`.

        Unchanged policies (same content hash) are skipped before any embedding. The sentences of
        the others are embedded together, `settings.ingest_batch` at a time: the model sorts a large batch by
        length and pads less, which is most of what ingest costs. Each policy is then written on its
        own, atomically for readers. `progress` gets sentence counts as they are embedded.
        """
        outcomes: dict[int, str] = {}
        group: list[tuple[int, _Prepared]] = []

        def flush() -> None:
            texts = [t for _, prepared in group for t in prepared.texts]
            vectors = self._embed(texts, progress)
            items, offset = [], 0
            for _, prepared in group:
                items.append((prepared, vectors[offset : offset + len(prepared.texts)]))
                offset += len(prepared.texts)
            for (position, prepared), outcome in zip(group, self._write(items), strict=True):
                outcomes[position] = outcome
                if on_policy:
                    on_policy(prepared.policy, outcome)
            group.clear()

        for position, policy in enumerate(policies):
            prepared = self._prepare(policy)
            if prepared is None:
                outcomes[position] = "unchanged"
                if on_policy:
                    on_policy(policy, "unchanged")
                continue
            group.append((position, prepared))
            if sum(len(p.texts) for _, p in group) >= self.settings.ingest_batch:
                flush()
        if group:
            flush()
        return [outcomes[i] for i in range(len(policies))]

    def _prepare(self, policy: Policy) -> _Prepared | None:
        """Chunk a policy and list the sentences to embed; None when it is already indexed as is."""
        sha = content_hash(policy.text, policy.company)
        old = self.catalog().get(policy.policy_id)
        if old is not None and old.sha256 == sha and old.aliases == tuple(policy.aliases):
            return None
        chunks = chunk_text(policy.policy_id, policy.text, self.settings.chunk_chars)
        if not chunks:
            raise StoreError(f"{policy.policy_id}: no text to index.")
        if self.tagger is not None:
            chunks = [
                Chunk(c.policy_id, c.index, c.section, c.start, c.end, c.text, c.sentences, self.tagger(c.text))
                for c in chunks
            ]
        sentences = [(c.index, s) for c in chunks for s in c.sentences]
        return _Prepared(policy, sha, old, chunks, sentences, embedding_inputs(policy.text, chunks))

    def _write(self, items: list[tuple[_Prepared, np.ndarray]]) -> list[str]:
        """Write prepared policies: all their chunks (with sentence vectors), then the catalog records.

        A policy becomes visible only with its catalog record (readers filter rows by the
        catalog's hash), so each one appears whole, and a replaced one switches version at
        once. Writing a group together makes a few large Chroma calls instead of many small ones.
        """
        import numpy as np

        fresh = [p.policy.policy_id for p, _ in items if p.old is None]
        if fresh:  # rows an interrupted ingest left behind for these ids
            self._delete_where({"policy_id": {"$in": fresh}}, fresh)
        for prepared, _ in items:
            if prepared.old is not None:  # keep the visible version until the new one is in
                self._delete_rows(prepared.policy.policy_id, keep_sha=prepared.old.sha256[:12])
        chunk_rows: list[tuple[str, Any, str, dict]] = []
        records: list[tuple[str, list[float], str, dict]] = []
        for prepared, vectors in items:
            policy, sha, chunks, sentences = prepared.policy, prepared.sha, prepared.chunks, prepared.sentences
            tag = sha[:12]
            chunk_vectors = _mean_rows(vectors, [ci for ci, _ in sentences], len(chunks), [s for _, s in sentences])
            first = np.cumsum([0] + [len(c.sentences) for c in chunks])  # each chunk's rows in `vectors`
            chunk_rows += [
                (
                    f"{c.chunk_id}:{tag}",
                    chunk_vectors[n],
                    c.text,
                    {
                        "policy_id": policy.policy_id,
                        "company": policy.company,
                        "section": c.section,
                        "start": c.start,
                        "end": c.end,
                        "index": c.index,
                        "sha": tag,
                        "practices": "," + ",".join(c.practices) + ",",
                        "sentences": ";".join(f"{s.start}:{s.end}" for s in c.sentences),
                        "vectors": _pack(vectors[first[n] : first[n + 1]]),
                    },
                )
                for n, c in enumerate(chunks)
            ]
            policy_vector = chunk_vectors.mean(axis=0)
            policy_vector /= max(float(np.linalg.norm(policy_vector)), 1e-9)
            records.append(
                (
                    policy.policy_id,
                    policy_vector.tolist(),
                    policy.text,
                    {
                        "company": policy.company,
                        "aliases": json.dumps(list(policy.aliases)),
                        "effective": policy.effective or "",
                        "source": policy.source or "",
                        "sha256": sha,
                        "chars": len(policy.text),
                        "chunks": len(chunks),
                        "sentences": len(sentences),
                        "fetched": policy.fetched or "",
                    },
                )
            )
        self._add(self.chunks._collection, chunk_rows)
        self._add(self.policies, records, replace=True)  # what makes them visible
        for prepared, _ in items:
            if prepared.old is not None:
                self._delete_rows(prepared.policy.policy_id, keep_sha=prepared.sha[:12])
        self.refresh()
        return ["added" if prepared.old is None else "replaced" for prepared, _ in items]

    # -- upgrading an index of an earlier format --------------------------------------------

    def _legacy_collections(self) -> list[Any]:
        """Collections of this model and chunking written in an earlier format, and those written by
        another version of this model: as it ships, or with other updates for documents (named
        "model+digest"), so switching query adapters indexes again rather than hiding policies."""
        collections = self.client.list_collections()  # one call
        present = {getattr(c, "name", c) for c in collections}
        versions = [(self.embedder.name, fmt) for fmt in UPGRADABLE]
        shipped = self.embedder.name.split("+", 1)[0]
        others = {(getattr(c, "metadata", None) or {}).get("model") for c in collections} | {shipped}
        for model in sorted(m for m in others if m and m != self.embedder.name and m.split("+", 1)[0] == shipped):
            versions += [(model, fmt) for fmt in (*UPGRADABLE, FORMAT_VERSION)]
        wanted = [
            f"{index_name(model, self.settings.chunk_chars, fmt)}-{suffix}"
            for model, fmt in versions
            for suffix in ("policies", "chunks", "sentences")
        ]
        return [self.client.get_collection(name, embedding_function=None) for name in wanted if name in present]

    def legacy_policies(self) -> list[Policy]:
        """The policies an earlier-format index holds: its catalog kept their full texts."""
        policies = []
        for collection in self._legacy_collections():
            if not collection.name.endswith("-policies"):
                continue
            got = collection.get(include=["documents", "metadatas"])
            for pid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                policies.append(
                    Policy(
                        policy_id=pid,
                        company=meta["company"],
                        text=text,
                        aliases=tuple(json.loads(meta.get("aliases", "[]"))),
                        effective=meta.get("effective") or None,
                        source=meta.get("source") or None,
                        fetched=meta.get("fetched") or None,
                    )
                )
        return policies

    def drop_legacy(self) -> None:
        """Delete the earlier-format collections (once their policies are indexed again)."""
        for collection in self._legacy_collections():
            self.client.delete_collection(collection.name)
        marker = Path(self.settings.store) / FORMAT_FILE
        if not self.settings.chroma_url and json.loads(marker.read_text()).get("format") != FORMAT_VERSION:
            marker.write_text(json.dumps({"format": FORMAT_VERSION}))

    def remove_policy(self, policy_id: str) -> None:
        """Delete a policy and all its chunks."""
        if policy_id not in self.catalog():
            raise StoreError(f"No policy {policy_id!r} in the index.")
        self.policies.delete(ids=[policy_id])
        self._delete_rows(policy_id, keep_sha=None)
        self.refresh()

    def _embed(self, texts: list[str], progress: Callable[[int], None] | None) -> np.ndarray:
        import numpy as np

        parts = []
        step = self.settings.ingest_batch  # the model sorts each call's texts by length: bigger calls pad less
        for i in range(0, len(texts), step):
            parts.append(self.embedder.embed_batch(texts[i : i + step]))
            if progress:
                progress(len(texts[i : i + step]))
        return np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)

    @staticmethod
    def _add(collection: Any, rows: list[tuple[str, Any, str, dict]], replace: bool = False) -> None:
        """Write `(id, embedding, document, metadata)` rows in large batches.

        Chunk ids carry the content hash and their stale rows are deleted first, so they are
        always new: `add` skips upsert's lookups. Catalog records replace their old one.
        """
        write = collection.upsert if replace else collection.add
        for i in range(0, len(rows), _ADD_BATCH):
            ids, embeddings, documents, metadatas = zip(*rows[i : i + _ADD_BATCH], strict=True)
            write(ids=list(ids), embeddings=list(embeddings), documents=list(documents), metadatas=list(metadatas))

    def _delete_rows(self, policy_id: str, keep_sha: str | None) -> None:
        """Delete a policy's chunks, except those of `keep_sha`."""
        where: dict[str, Any] = {"policy_id": policy_id}
        if keep_sha is not None:
            where = {"$and": [{"policy_id": policy_id}, {"sha": {"$ne": keep_sha}}]}
        self._delete_where(where, [policy_id])

    def _delete_where(self, where: dict[str, Any], policy_ids: list[str]) -> None:
        self.chunks._collection.delete(where=where)
        dropped = set(policy_ids)
        with self._vectors_lock:
            for key in [k for k in self._vectors if k[0] in dropped]:
                del self._vectors[key]

    # -- reading for retrieval --------------------------------------------------------------

    def chunk_filter(self, policy_ids: Iterable[str]) -> dict[str, Any]:
        """Chroma `where` restricting a search to the current version of these policies."""
        catalog = self.catalog()
        clauses = [{"$and": [{"policy_id": p}, {"sha": catalog[p].sha256[:12]}]} for p in policy_ids]
        if not clauses:
            raise StoreError("No policies to search.")
        return clauses[0] if len(clauses) == 1 else {"$or": clauses}

    def vectors(self, policy_id: str) -> PolicyVectors:
        """A policy's chunks and sentence embeddings, cached by content hash."""
        import numpy as np

        if policy_id in self._reembedded:
            return self._reembedded[policy_id]
        info = self.catalog()[policy_id]
        key = (policy_id, info.sha256)
        with self._vectors_lock:
            cached = self._vectors.get(key)
        if cached is None:
            policy = self.policy(policy_id)
            tag = info.sha256[:12]
            # Rows are fetched by id (a key lookup): a metadata filter scans more as the index grows.
            got = self.chunks._collection.get(
                ids=[f"{policy_id}:{n}:{tag}" for n in range(info.chunks)], include=["metadatas", "embeddings"]
            )
            rows = sorted(zip(got["metadatas"], got["embeddings"], strict=True), key=lambda row: int(row[0]["index"]))
            chunks, sentence_chunk, matrices = [], [], []
            for m, _ in rows:
                spans = tuple(
                    Sentence(int(a), int(b)) for a, b in (p.split(":") for p in m["sentences"].split(";") if p)
                )
                start, end = int(m["start"]), int(m["end"])
                chunks.append(
                    Chunk(
                        policy_id,
                        int(m["index"]),
                        m["section"],
                        start,
                        end,
                        policy.text[start:end],
                        spans,
                        tuple(p for p in m.get("practices", "").split(",") if p),
                    )
                )
                sentence_chunk += [int(m["index"])] * len(spans)
                matrices.append(_unpack(m["vectors"], len(spans)))
            sentences = [s for c in chunks for s in c.sentences]
            matrix = np.concatenate(matrices) if matrices else np.zeros((0, 384), dtype=np.float32)
            chunk_matrix = np.array([e for _, e in rows], dtype=np.float32).reshape(len(rows), -1)
            cached = PolicyVectors(policy, chunks, sentence_chunk, sentences, matrix, chunk_matrix)
            with self._vectors_lock:
                self._vectors[key] = cached
                while len(self._vectors) > _CACHED_POLICIES:  # bounded: a server may see thousands of policies
                    del self._vectors[next(iter(self._vectors))]
        return cached

    def reembed(self, policy_id: str, embedder: Embedder | None) -> None:
        """Embed a policy's sentences again with `embedder` and use those vectors for it from now on, in
        this process only (the index is not written): how evaluation scores a document model that was
        fit without this policy. None goes back to the index's own vectors."""
        self._reembedded.pop(policy_id, None)
        if embedder is None:
            return
        stored = self.vectors(policy_id)
        sentence_vectors = embedder.embed_batch(stored.embedding_inputs())
        chunk_vectors = _mean_rows(sentence_vectors, stored.sentence_chunk, len(stored.chunks), stored.sentences)
        self._reembedded[policy_id] = replace(stored, sentence_vectors=sentence_vectors, chunk_vectors=chunk_vectors)


def _pack(vectors: np.ndarray) -> str:
    """Sentence vectors as text for a Chroma metadata value (float32, exact)."""
    import numpy as np

    return base64.b64encode(np.ascontiguousarray(vectors, dtype="<f4").tobytes()).decode("ascii")


def _unpack(packed: str, rows: int) -> np.ndarray:
    import numpy as np

    flat = np.frombuffer(base64.b64decode(packed), dtype="<f4")
    return flat.reshape(rows, -1).astype(np.float32) if rows else np.zeros((0, 384), dtype=np.float32)


def _mean_rows(vectors: np.ndarray, groups: list[int], n: int, sentences: list[Sentence]) -> np.ndarray:
    """Length-weighted mean of sentence vectors per chunk, unit-normalised."""
    import numpy as np

    out = np.zeros((n, vectors.shape[1]), dtype=np.float32)
    weights = np.sqrt(np.array([max(s.end - s.start, 1) for s in sentences], dtype=np.float32))
    np.add.at(out, np.array(groups), vectors * weights[:, None])
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)
