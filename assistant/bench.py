"""Benchmarks: ingest throughput against the embedding model's own, query latency, memory, disk.

Each scale (5 bundled policies, the 95 OPP-115 policies, 1,000 policies generated from those
with a fixed seed) runs in a fresh process, so its peak memory is its own. At 95 policies the
ingest pipeline and the bare model embed the very same sentences in the same process, one after
the other: the ratio of the two is what the pipeline costs beyond the model.

The 1,000-policy index is built with an embedding cache over the sentences it shares with the
95 real policies (it is made of their paragraphs), so building it measures the store, not the
model again; its figures are query latency, memory and disk, not ingest throughput.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import resource
import shutil
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import InputError
from assistant.types import Policy

if TYPE_CHECKING:
    import numpy as np

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "opp115"
QUESTIONS = (
    "Does {c} sell my personal information?",
    "How long does {c} keep my data?",
    "Does {c} share my data with advertisers?",
    "Can I delete my account with {c}?",
    "Does {c} use cookies to track me?",
    "Does {c} collect my location?",
)
_PREFIXES = [
    "Arbor",
    "Beacon",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
]
_SUFFIXES = [
    "Labs",
    "Systems",
    "Media",
    "Health",
    "Foods",
    "Travel",
    "Bank",
    "Games",
    "Cloud",
    "Works",
    "Studio",
    "Retail",
    "Energy",
    "Press",
]


@dataclass
class ScaleResult:
    """The figures of one scale."""

    policies: int
    chunks: int = 0
    sentences: int = 0
    chars: int = 0
    build_s: float = 0.0
    build_note: str = ""
    ingest_chunks_per_s: float | None = None
    ingest_policies_per_min: float | None = None
    ingest_sentences_per_s: float | None = None
    raw_model_sentences_per_s: float | None = None
    raw_model_s: float | None = None
    model_in_pipeline_s: float | None = None  # of build_s, the time spent inside the model
    ingest_vs_raw: float | None = None
    reingest_unchanged_s: float | None = None
    queries: int = 0
    query_p50_ms: float = 0.0
    query_p95_ms: float = 0.0
    peak_rss_mib: float = 0.0
    index_mib: float = 0.0
    per_policy: dict[str, float] = field(default_factory=dict)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _folder_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def load_corpus(folder: Path) -> list[Policy]:
    """The policies of a folder (each file one policy, READMEs skipped), read as `ingest` would read them."""
    from index.ingest import collect_files, policy_from_file

    if not folder.is_dir():
        raise InputError(
            f"{folder}: no such corpus folder; pass --corpus (the OPP-115 policies, ../shared/corpus/opp115)."
        )
    return [
        policy_from_file(path, entry, None, 10_000_000)[0]
        for path, entry in collect_files([folder])
        if not path.name.upper().startswith("README")
    ]


def generate_policies(sources: list[Policy], n: int, seed: int) -> list[Policy]:
    """`n` policies recombined from the paragraphs of `sources` under new company names (deterministic).

    Each new policy takes the length (in paragraphs) of a random source and fills it with random
    paragraphs of all sources, keeping paragraph order within a policy's own sections roughly real.
    """
    rng = random.Random(seed)
    paragraphs = [p for s in sources for p in re.split(r"\n\s*\n", s.text) if p.strip()]
    sizes = [max(3, len(re.split(r"\n\s*\n", s.text))) for s in sources]
    policies = []
    for i in range(n):
        company = f"{rng.choice(_PREFIXES)} {rng.choice(_SUFFIXES)} {i:04d}"
        text = "\n\n".join(rng.choice(paragraphs) for _ in range(rng.choice(sizes)))
        pid = re.sub(r"[^a-z0-9]+", "-", company.lower())
        policies.append(Policy(policy_id=pid, company=company, text=text, source=f"generated:{seed}:{i}"))
    return policies


class CachedEmbeddings:
    """The real model behind a cache by text: sentences seen before are not embedded again.

    Only the 1,000-policy build uses it (its sentences repeat the 95 real policies').
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.batch_size = inner.batch_size
        self._cache: dict[str, np.ndarray] = {}

    def preload(self, path: Path) -> None:
        """Vectors saved by an earlier scale of the same run."""
        import numpy as np

        saved = np.load(path, allow_pickle=True)
        self._cache.update(zip(saved["texts"].tolist(), saved["vectors"], strict=True))

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, row in zip(missing, self.inner.embed_batch(missing), strict=True):
                self._cache[text] = row
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    # LangChain's Chroma wrapper calls these for text queries (we query by vector).
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_batch(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_batch([text])[0].tolist()


class TimedEmbeddings:
    """The real model, timing its calls (what of ingest is the model, what is the rest)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.batch_size = inner.batch_size
        self.seconds = 0.0

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        start = time.perf_counter()
        try:
            return self.inner.embed_batch(texts)
        finally:
            self.seconds += time.perf_counter() - start

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_batch(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_batch([text])[0].tolist()


def _slices(policies: list[Policy], chunk_chars: int, sentences: int = 2048) -> list[list[Policy]]:
    """Consecutive runs of policies of about `sentences` sentences each."""
    slices: list[list[Policy]] = [[]]
    count = 0
    for policy in policies:
        if count >= sentences:
            slices.append([])
            count = 0
        slices[-1].append(policy)
        count += len(_sentence_texts([policy], chunk_chars)[0])
    return [s for s in slices if s]


def _sentence_texts(policies: list[Policy], chunk_chars: int) -> tuple[list[str], int]:
    """The sentences ingest embeds for these policies, and their chunk count."""
    from index.chunking import chunk_text
    from index.store import embedding_inputs

    texts: list[str] = []
    chunks = 0
    for policy in policies:
        cs = chunk_text(policy.policy_id, policy.text, chunk_chars)
        chunks += len(cs)
        texts += embedding_inputs(policy.text, cs)
    return texts, chunks


def run_scale(scale: int, corpus: Path, workdir: Path, queries: int, seed: int) -> dict:
    """One scale, start to end, in the calling process (run it in a fresh one)."""
    from assistant.adapter import load_adapter
    from assistant.practices import tag_text
    from assistant.service import Assistant
    from assistant.settings import Settings
    from index.embeddings import MiniLMEmbeddings
    from index.ingest import add_policies, bundled_folder, ingest_paths
    from index.store import PolicyStore

    store_dir = workdir / f"store-{scale}"
    shutil.rmtree(store_dir, ignore_errors=True)
    settings = Settings(store=store_dir, bundled=False)
    base = MiniLMEmbeddings(settings.embedding_model)
    adapter = load_adapter(settings.query_adapter, settings.embedding_model)  # as the product: build_assistant
    model = adapter.documents(base) if adapter is not None else base  # what embeds the policies
    model.embed_batch(["warm up the model"] * 8)
    result = ScaleResult(policies=scale)

    if scale == 5:
        policies = load_corpus(bundled_folder())
    else:
        real = load_corpus(corpus)
        policies = real if scale <= len(real) else generate_policies(real, scale, seed)
        policies = policies[:scale]
    texts, chunks = _sentence_texts(policies, settings.chunk_chars)
    result.chunks, result.sentences, result.chars = chunks, len(texts), sum(len(p.text) for p in policies)

    embedder: Any = CachedEmbeddings(model) if scale > 100 else TimedEmbeddings(model)
    cache_file = workdir / "sentence-vectors.npz"
    if isinstance(embedder, CachedEmbeddings) and cache_file.is_file():
        embedder.preload(cache_file)
    store = PolicyStore(settings, embedder, tagger=tag_text)
    if scale > 100:
        start = time.perf_counter()
        add_policies(store, policies)
        result.build_s = time.perf_counter() - start
        result.build_note = "sentence embeddings cached across the generated policies: store cost, not model cost"
    else:
        # Pipeline and bare model take turns on the same slices, so a neighbour's load hits both alike.
        raw_parts = []
        result.raw_model_s = 0.0
        for turn, group in enumerate(_slices(policies, settings.chunk_chars)):
            group_texts, _ = _sentence_texts(group, settings.chunk_chars)
            for step in ("pipeline", "model") if turn % 2 == 0 else ("model", "pipeline"):
                start = time.perf_counter()
                if step == "pipeline":
                    add_policies(store, group)
                    result.build_s += time.perf_counter() - start
                else:
                    raw_parts.append(model.embed_batch(group_texts))
                    result.raw_model_s += time.perf_counter() - start
        result.model_in_pipeline_s = embedder.seconds
        result.ingest_chunks_per_s = chunks / result.build_s
        result.ingest_sentences_per_s = len(texts) / result.build_s
        result.ingest_policies_per_min = 60 * scale / result.build_s
        if scale == 95:  # the generated scale reuses these (same sentences), not the model again
            import numpy as np

            np.savez(cache_file, texts=np.array(texts, dtype=object), vectors=np.concatenate(raw_parts))
        result.raw_model_sentences_per_s = len(texts) / result.raw_model_s
        result.ingest_vs_raw = result.ingest_sentences_per_s / result.raw_model_sentences_per_s
    if scale <= 100:
        fresh = PolicyStore(settings, model, tagger=tag_text)  # a new process's view: nothing cached
        start = time.perf_counter()
        report = ingest_paths(fresh, [Path(p.source) for p in policies if p.source])
        result.reingest_unchanged_s = time.perf_counter() - start
        if report.added or report.replaced:
            raise RuntimeError(f"re-ingest of an unchanged corpus wrote {report.summary()}")

    assistant = Assistant(settings, PolicyStore(settings, model, tagger=tag_text), base, adapter=adapter)
    ids = sorted(assistant.store.catalog())
    rng = random.Random(seed)
    # Distinct companies where there are enough: each question is the first about its policy (cold caches).
    picks = rng.sample(ids, queries) if len(ids) >= queries else [rng.choice(ids) for _ in range(queries)]
    for pid in ids[:3]:  # warm-up: model, Chroma segments, resolver
        assistant.ask(QUESTIONS[0].format(c=assistant.store.catalog()[pid].company), companies=[pid])
    latencies = []
    for n, pid in enumerate(picks):
        question = QUESTIONS[n % len(QUESTIONS)].format(c=assistant.store.catalog()[pid].company)
        start = time.perf_counter()
        answer = assistant.ask(question, companies=[pid])
        latencies.append(1000 * (time.perf_counter() - start))
        if [p.policy_id for p in answer.per_company] != [pid]:
            raise RuntimeError(f"benchmark question went to the wrong policy: {question}")
    latencies.sort()
    result.queries = len(latencies)
    result.query_p50_ms = statistics.median(latencies)
    result.query_p95_ms = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    result.peak_rss_mib = _peak_rss_mib()
    result.index_mib = _folder_mib(store_dir)
    result.per_policy = {
        "disk_kib": 1024 * result.index_mib / scale,
        "chunks": chunks / scale,
        "sentences": len(texts) / scale,
        "chars": result.chars / scale,
    }
    if result.raw_model_s:
        result.per_policy["model_s"] = result.raw_model_s / scale
        result.per_policy["ingest_s"] = result.build_s / scale
    else:
        result.per_policy["store_write_s"] = result.build_s / scale
    return asdict(result)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import os
    import platform

    mem = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 2**20
    except OSError:
        pass
    cpu = platform.processor()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1), "python": platform.python_version(),
            "load_1min_at_start": load}  # fmt: skip


def run(scales: list[int], corpus: Path, out: Path, queries: int = 90, seed: int = 7, keep: bool = False) -> dict:
    """Run every scale in its own process; write `bench.json` and `bench.md` to `out`."""
    import concurrent.futures
    import multiprocessing

    if any(s > 5 for s in scales) and not corpus.is_dir():
        raise InputError(f"{corpus}: no such corpus folder; pass --corpus, or run only --scales 5.")
    out.mkdir(parents=True, exist_ok=True)
    workdir = out / "stores"
    results: dict[str, Any] = {"machine": machine(), "seed": seed, "scales": []}
    for scale in scales:
        spawn = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            results["scales"].append(pool.submit(run_scale, scale, corpus, workdir, queries, seed).result())
    if not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2))
    (out / "bench.md").write_text(markdown(results))
    return results


def markdown(results: dict) -> str:
    """The short table for the README."""

    def f(value: float | None, digits: int = 0) -> str:
        return "–" if value is None else f"{value:,.{digits}f}"

    m = results["machine"]
    lines = [
        f"Measured on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']} "
        f"(1-min load average at start: {m['load_1min_at_start']:.1f}).",
        "",
        "| policies | chunks | ingest chunks/s | policies/min | model alone (sentences/s) | ingest ÷ model "
        "| re-ingest unchanged | query p50 | query p95 | peak RSS | index on disk |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results["scales"]:
        ratio = "–" if r["ingest_vs_raw"] is None else f"{100 * r['ingest_vs_raw']:.0f}%"
        reingest = "–" if r["reingest_unchanged_s"] is None else f"{r['reingest_unchanged_s']:.1f} s"
        chunks_s = f(r["ingest_chunks_per_s"], 1) if r["ingest_chunks_per_s"] else f"(built in {r['build_s']:.0f} s)"
        lines.append(
            f"| {r['policies']:,} | {r['chunks']:,} | {chunks_s} | {f(r['ingest_policies_per_min'], 1)} "
            f"| {f(r['raw_model_sentences_per_s'], 1)} | {ratio} | {reingest} | {r['query_p50_ms']:.0f} ms "
            f"| {r['query_p95_ms']:.0f} ms | {r['peak_rss_mib']:,.0f} MiB | {r['index_mib']:,.0f} MiB |"
        )
    return "\n".join(lines) + "\n"
