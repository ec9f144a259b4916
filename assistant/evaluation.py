"""`policy-assistant eval`: the development sets, scored the way `shared/eval/README.md` says.

- seed-dev: verdict accuracy, clause recall@3, not-stated precision/recall, fabricated quotes.
- policyqa-dev: hit@1/3/5, MRR@5, mean characters of the first three citations and latency,
  for BM25 only, dense only, a plain LangChain pipeline, hybrid, and hybrid + clause reranking.
- opp115-practices: practice tagging F1 and sharing-verdict balanced accuracy.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import InputError
from assistant.types import Answer

if TYPE_CHECKING:
    import numpy as np

    from assistant.adapter import Example, QueryAdapter
    from assistant.service import Assistant
    from assistant.settings import Settings

SYSTEMS = ("bm25", "dense", "langchain", "hybrid", "hybrid+rerank")
ADAPTER_FOLDS = 5
MODEL_EPOCHS = 4  # an adapter that updates the model: each epoch embeds every question again
DOCUMENT_EPOCHS = 3  # with updates for documents too, whose batches each embed 64 sentences again
FIT_VERSION = 2  # raise when a change to fitting makes earlier held-out adapters stale
HELD_OUT_ADAPTERS = "held-out-adapters"  # the PolicyQA store's folder of cached held-out adapters


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def locate(text: str, quote: str, near: int = 0) -> tuple[int, int] | None:
    """Span of `quote` in `text`, the occurrence nearest `near`; None if absent."""
    hits, at = [], text.find(quote)
    while at != -1:
        hits.append(at)
        at = text.find(quote, at + 1)
    if not hits:
        return None
    start = min(hits, key=lambda h: abs(h - near))
    return start, start + len(quote)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- seed-dev ----------------------------------------------------------------------------------


def seed_request(item: dict) -> dict[str, Any]:
    """The `ask` arguments for a seed-dev item (follow-ups get only their history, no company)."""
    if item["kind"] == "followup":
        return {"question": item["turns"][-1], "history": item["turns"][:-1]}
    if item["kind"] == "compare":
        return {"question": item["question"], "companies": item["companies"]}
    return {"question": item["question"], "companies": [item["company"]] if item.get("company") else None}


def evaluate_seed(assistant: Assistant, path: Path, policy_files: Path | None = None) -> dict[str, Any]:
    """Score the seed-dev questions; `policy_files` (the raw policies) checks quotes against the sources too."""
    items = read_jsonl(path)
    catalog = assistant.store.catalog()
    correct = 0
    per_company_right = per_company_total = 0
    gold_found = gold_total = 0
    items_hit = items_with_gold = 0
    ns_tp = ns_fp = ns_fn = 0
    fabricated = quotes = 0
    latencies: list[float] = []
    rows = []
    for item in items:
        start = time.perf_counter()
        answer = assistant.ask(**seed_request(item))
        latencies.append(time.perf_counter() - start)
        correct += answer.verdict == item["verdict"]
        expected = _expected_per_company(item, assistant)
        got = {p.policy_id: p for p in answer.per_company}
        item_hit = False
        item_found = item_gold = 0
        for pid, (verdict, clauses) in expected.items():
            part = got.get(pid)
            got_verdict = part.verdict if part else "not_stated"
            per_company_total += 1
            per_company_right += got_verdict == verdict
            ns_tp += got_verdict == "not_stated" and verdict == "not_stated"
            ns_fp += got_verdict == "not_stated" and verdict != "not_stated"
            ns_fn += got_verdict != "not_stated" and verdict == "not_stated"
            if clauses and pid in catalog:
                text = assistant.store.policy(pid).text
                cited = [(c.start, c.end) for c in (part.citations[:3] if part else [])]
                for quote in clauses:
                    span = locate(text, quote)
                    item_gold += 1
                    if span and any(overlap(span, c) >= 0.5 * min(span[1] - span[0], c[1] - c[0]) for c in cited):
                        item_found += 1
                        item_hit = True
        gold_found, gold_total = gold_found + item_found, gold_total + item_gold
        if any(clauses for _, clauses in expected.values()):
            items_with_gold += 1
            items_hit += item_hit
        for c in _all_citations(answer):
            quotes += 1
            text = assistant.store.policy(c.policy_id).text
            source_ok = True
            if policy_files is not None and catalog[c.policy_id].source:
                source = Path(catalog[c.policy_id].source or "")
                raw = policy_files / source.name
                source_ok = c.quote in raw.read_text(encoding="utf-8") if raw.exists() else True
            fabricated += text[c.start : c.end] != c.quote or not source_ok
        rows.append({"id": item["id"], "expected": item["verdict"], "got": answer.verdict,
                     "per_company": {p.company: p.verdict for p in answer.per_company},
                     "gold_clauses_cited": f"{item_found}/{item_gold}"})  # fmt: skip
    return {
        "questions": len(items),
        "verdict_accuracy": correct / len(items),
        "per_company_verdict_accuracy": per_company_right / max(per_company_total, 1),
        "clause_recall@3": gold_found / max(gold_total, 1),
        "clause_hit@3": items_hit / max(items_with_gold, 1),
        "not_stated_precision": ns_tp / max(ns_tp + ns_fp, 1),
        "not_stated_recall": ns_tp / max(ns_tp + ns_fn, 1),
        "fabricated_quotes": fabricated,
        "quotes_checked": quotes,
        "latency_ms_median": 1000 * statistics.median(latencies),
        "latency_ms_p95": 1000 * _percentile(latencies, 0.95),
        "items": rows,
    }


def _expected_per_company(item: dict, assistant: Assistant) -> dict[str, tuple[str, list[str]]]:
    """policy id -> (verdict, gold quotes) for the companies an item is about."""
    if item["kind"] == "compare":
        out = {}
        for name, gold in item["per_company"].items():
            [pid] = assistant.company_ids([name])
            out[pid] = (gold["verdict"], [c["quote"] for c in gold.get("gold_clauses", [])])
        return out
    if not item.get("company"):
        return {}
    [pid] = assistant.company_ids([item["company"]])
    return {pid: (item["verdict"], [c["quote"] for c in item.get("gold_clauses", [])])}


def _all_citations(answer: Answer) -> Iterable:
    yield from answer.citations
    for part in answer.per_company:
        yield from part.citations
        yield from part.near_misses


# -- policyqa-dev ------------------------------------------------------------------------------


@dataclass
class RetrievalScores:
    system: str
    questions: int
    hits: dict[int, float]
    mrr5: float
    citation_chars: float
    latency_ms_median: float
    latency_ms_p95: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "questions": self.questions,
            **{f"hit@{k}": v for k, v in self.hits.items()},
            "mrr@5": self.mrr5,
            "citation_chars_top3": self.citation_chars,
            "latency_ms_median": self.latency_ms_median,
            "latency_ms_p95": self.latency_ms_p95,
        }


def score_retrieval(
    system: str, questions: list[dict], texts: dict[str, str], search: Callable[[dict], list[tuple[int, int]]]
) -> RetrievalScores:
    """hit@k (an answer span overlaps a citation by half its length), MRR@5, citation size, latency."""
    hits = {1: 0, 3: 0, 5: 0}
    rr = 0.0
    chars: list[int] = []
    latencies: list[float] = []
    for q in questions:
        text = texts[q["policy_id"]]
        spans = [locate(text, a["text"], a["start"]) for a in q["answers"]]
        gold = [s for s in spans if s]
        start = time.perf_counter()
        cited = search(q)[:5]
        latencies.append(time.perf_counter() - start)
        chars += [e - s for s, e in cited[:3]]
        rank = next(
            (r for r, c in enumerate(cited, 1) if any(overlap(g, c) >= 0.5 * (g[1] - g[0]) for g in gold)), None
        )
        for k in hits:
            hits[k] += rank is not None and rank <= k
        rr += 1 / rank if rank else 0.0
    n = max(len(questions), 1)
    return RetrievalScores(
        system,
        len(questions),
        {k: v / n for k, v in hits.items()},
        rr / n,
        statistics.mean(chars) if chars else 0.0,
        1000 * statistics.median(latencies) if latencies else 0.0,
        1000 * _percentile(latencies, 0.95),
    )


def policyqa_questions(
    settings: Settings, folder: Path, limit: int | None = None
) -> tuple[Assistant, list[dict], dict[str, str]]:
    """An assistant on the PolicyQA policies (their own store, next to `settings.store`), the questions
    (each with its policy id as `pid`) and the policies' texts by file stem."""
    from assistant.service import build_assistant
    from index.ingest import ingest_paths, policy_id_for

    eval_settings = settings.model_copy(
        update={
            "store": settings.store.parent / (settings.store.name + "-policyqa"),
            "bundled": False,
            "chroma_url": None,
        }
    )
    assistant = build_assistant(eval_settings, shipped_documents=True)
    ingest_paths(assistant.store, [folder / "policies"], progress=True)
    questions = read_jsonl(folder / "questions.jsonl")
    if limit and limit < len(questions):  # an even sample across all policies, the same every run
        questions = [questions[i * len(questions) // limit] for i in range(limit)]
    for q in questions:
        q["pid"] = policy_id_for(q["policy_id"])
    texts = {q["policy_id"]: assistant.store.policy(q["pid"]).text for q in questions}
    return assistant, questions, texts


def adapter_examples(
    assistant: Assistant, questions: list[dict], texts: dict[str, str]
) -> tuple[list[Example], dict[str, np.ndarray]]:
    """Training data for the query adapter: each question's vector as the product reads it with
    which of its policy's sentences hold an annotated answer, and those policies' sentence vectors."""
    import numpy as np

    from assistant.adapter import Example
    from assistant.chat import resolve

    examples = []
    for q in questions:
        text = texts[q["policy_id"]]
        gold = [span for span in (locate(text, a["text"], a["start"]) for a in q["answers"]) if span]
        resolved = resolve(q["question"], [], assistant.resolver)
        vector = assistant.query_vector(resolved.query, resolved.expansion, adapted=False)
        sentences = assistant.store.vectors(q["pid"]).sentences
        answers = np.array([any(overlap(g, (s.start, s.end)) > 0 for g in gold) for s in sentences])
        words = " ".join(text[a:b] for a, b in gold)
        examples.append(Example(vector, q["pid"], answers, resolved.query, resolved.expansion, words))
    sentences = {pid: assistant.store.vectors(pid).sentence_vectors for pid in {e.policy_id for e in examples}}
    return examples, sentences


def cross_validated_adapters(
    assistant: Assistant,
    questions: list[dict],
    texts: dict[str, str],
    folds: int = ADAPTER_FOLDS,
    cache: Path | None = None,
) -> dict[str, QueryAdapter]:
    """For each policy, a query adapter fit only on the other folds' policies (grouped by policy,
    so no adapter has seen the policy, or any question on it, that it is scored on).

    With `cache`, each fold's adapter is kept there under a digest of all its fit depends on, and
    a later run with the same questions, index and kind of adapter loads it instead of fitting again.
    Its worked examples are kept beside it, in half precision as the bundled adapter keeps them,
    under that digest and the strength the updates are merged at (which the examples' vectors depend
    on, and the fit does not), so a later run does not embed its questions again.
    """
    from tqdm import tqdm

    from assistant.adapter import QueryAdapter

    policies = sorted({q["pid"] for q in questions})
    fold_of = {pid: i % folds for i, pid in enumerate(policies)}
    in_use = assistant.adapter  # refit the kind of adapter in use
    kind = (in_use.rank, in_use.document_rank, in_use.strength) if in_use is not None else (0, 0, 1.0)
    examples, sentences = adapter_examples(assistant, questions, texts)
    adapters = {}
    folds_used = min(folds, len(policies))
    for fold in tqdm(range(folds_used), desc="Fitting held-out adapters", unit="fold", disable=folds_used < 2):
        training = [e for e in examples if fold_of[e.policy_id] != fold]
        digest = _fit_digest(training, sentences, kind[:2])
        saved = cache / f"{digest}.npz" if cache else None
        worked = cache / f"{digest}-examples-{kind[2]:g}.npz" if cache else None
        if worked and worked.is_file():
            adapter = QueryAdapter.load(worked)
        elif saved and saved.is_file():
            adapter = QueryAdapter.load(saved)
        else:
            adapter = fit_adapter(assistant, training, sentences, *kind)
            if saved:  # and read back: a first run scores what later runs load, to the last bit
                adapter.save(saved)
                adapter = QueryAdapter.load(saved)
        if adapter.examples is None:
            adapter.strength = kind[2]  # merged at the strength in use (the fit does not depend on it)
            remember_examples(assistant, adapter, training)
            if worked:  # read back too: the first run scores the half-precision examples later runs load
                adapter.save(worked)
                adapter = QueryAdapter.load(worked)
        adapters.update({pid: adapter for pid in policies if fold_of[pid] == fold})
    return adapters


def remember_examples(assistant: Assistant, adapter: QueryAdapter, examples: list[Example]) -> None:
    """Give `adapter` its worked examples: each answered training question's vector as the adapter
    reads it, the mean of its answer sentences' vectors as the adapter embeds documents (the
    assistant's index holds them as the model ships embeds them), and its answers' words; and the
    policies they are on, so `eval` can tell the policies it was fit on from those it never saw."""
    import numpy as np

    from assistant.adapter import policy_digest

    answered = [e for e in examples if e.answers.any()]
    adapter.examples, in_use = None, assistant.adapter
    assistant.adapter = adapter
    try:
        questions = np.stack([assistant.query_vector(e.query, e.expansion) for e in answered])
    finally:
        assistant.adapter = in_use
    documents = adapter.documents(assistant.store.embedder)
    sentences = {}
    for pid in {e.policy_id for e in answered}:
        stored = assistant.store.vectors(pid)
        if documents is assistant.store.embedder:
            sentences[pid] = stored.sentence_vectors
        else:
            sentences[pid] = documents.embed_batch(stored.embedding_inputs())
    answers = np.stack([sentences[e.policy_id][e.answers].mean(axis=0) for e in answered])
    adapter.examples = (questions, answers / np.linalg.norm(answers, axis=1, keepdims=True))
    adapter.example_texts = [e.answer_text for e in answered]
    policies = {e.policy_id for e in examples}  # each policy's text read and digested once, not once a question
    adapter.trained_on = frozenset(policy_digest(assistant.store.policy(pid).text) for pid in policies)


def _fit_digest(examples: list[Example], sentences: dict[str, np.ndarray], ranks: tuple[int, int]) -> str:
    """What a fit depends on: its questions and answers, their policies' vectors, the ranks of its
    updates and the fit's own version."""
    import hashlib

    digest = hashlib.sha256(repr((FIT_VERSION, MODEL_EPOCHS, DOCUMENT_EPOCHS, ranks)).encode())
    for e in examples:
        digest.update(f"{e.policy_id}\x00{e.query}\x00{e.expansion}\x00".encode() + e.answers.tobytes())
        digest.update(e.query_vector.tobytes())
    for pid in sorted({e.policy_id for e in examples}):
        digest.update(sentences[pid].tobytes())
    return digest.hexdigest()[:16]


def fit_adapter(
    assistant: Assistant,
    examples: list[Example],
    sentences: dict[str, np.ndarray],
    rank: int,
    document_rank: int = 0,
    strength: float = 1.0,
) -> QueryAdapter:
    """A query adapter for the assistant's embedding model: with low-rank updates of `rank` to the model
    (which embeds the training questions again as it learns) and, if `document_rank`, updates of that
    rank for embedding documents (which embeds their sentences again), merged at `strength`; for rank 0,
    the matrix alone."""
    from assistant.adapter import fit, model_of

    if rank == 0:
        if document_rank:
            raise InputError("Updates for documents are fit with updates for questions: give both ranks.")
        return fit(examples, sentences)
    inputs = None
    if document_rank:
        inputs = {pid: assistant.store.vectors(pid).embedding_inputs() for pid in sentences}
    adapter = fit(
        examples,
        sentences,
        epochs=DOCUMENT_EPOCHS if document_rank else MODEL_EPOCHS,
        model=model_of(assistant.embedder),
        rank=rank,
        expansion_weight=assistant.settings.retrieval.expansion_weight,
        sentence_texts=inputs,
        document_rank=document_rank,
        progress=True,
    )
    adapter.strength = strength
    return adapter


def evaluate_policyqa(
    settings: Settings, folder: Path, systems: Iterable[str] = SYSTEMS, limit: int | None = None
) -> list[dict[str, Any]]:
    """Index the PolicyQA policies in their own store and score each retrieval system side by side.

    Ours (`hybrid+rerank`) scores each policy with a query adapter that never saw it. On a policy the
    adapter in use was fit on (the bundled one was fit on policyqa-dev), that is an adapter fit on the
    other policies' questions only (cross-validated by policy), since scoring the adapter in use there
    would be scoring its training. On any other policy it is the adapter in use, as the product runs.
    """
    from assistant.chat import resolve
    from assistant.practices import practices_in_question

    assistant, questions, texts = policyqa_questions(settings, folder, limit)
    retriever = assistant.retriever
    in_use = assistant.adapter
    fit_on = {name for name, text in texts.items() if in_use is not None and in_use.has_seen(text)}
    seen = [q for q in questions if q["policy_id"] in fit_on]
    cache = assistant.settings.store / HELD_OUT_ADAPTERS
    held_out = cross_validated_adapters(assistant, seen, texts, cache=cache) if seen else {}
    adapter_of = {q["pid"]: held_out.get(q["pid"], in_use) for q in questions}
    results = []
    for system in systems:
        if system == "langchain":
            search = _langchain_baseline(assistant, texts, questions)
        else:
            mode = {"bm25": "bm25", "dense": "dense", "hybrid": "hybrid", "hybrid+rerank": "clauses"}[system]

            for pid, adapter in adapter_of.items():  # ours reads each policy as its adapter embeds documents
                ours = mode == "clauses" and adapter is not None and adapter.document_rank > 0
                assistant.store.reembed(pid, adapter.documents(assistant.store.embedder) if ours else None)

            def search(q: dict, mode: str = mode) -> list[tuple[int, int]]:
                if mode == "clauses":  # ours: the question as the product reads and searches it
                    assistant.adapter = adapter_of[q["pid"]]
                    found = assistant.search(resolve(q["question"], [], assistant.resolver), [q["pid"]], 5)[q["pid"]]
                else:  # the baselines search the question's own words, embedded as they are
                    text = q["question"]
                    vector = assistant.query_vector(text, adapted=False)
                    found = retriever.search(text, vector, q["pid"], practices_in_question(text), 5, mode=mode)
                return [(p.start, p.end) for p in found]

        row = score_retrieval(system, questions, texts, search).as_dict()
        if system == "hybrid+rerank" and in_use is not None:
            row["cross_validated_questions"] = len(seen)  # questions scored by an adapter fit without their policy
        results.append(row)
    return results


def _langchain_baseline(
    assistant: Assistant, texts: dict[str, str], questions: list[dict]
) -> Callable[[dict], list[tuple[int, int]]]:
    """A plain LangChain pipeline: RecursiveCharacterTextSplitter(1000, 200) + dense top-k in Chroma."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    store = Chroma(
        "baseline", embedding_function=assistant.embedder, client=client, collection_metadata={"hnsw:space": "cosine"}
    )
    pids = {q["policy_id"]: q["pid"] for q in questions}
    docs = splitter.split_documents(
        [Document(page_content=texts[name], metadata={"pid": pid}) for name, pid in pids.items()]
    )
    store.add_documents(docs)

    def search(q: dict) -> list[tuple[int, int]]:
        found = store.similarity_search(q["question"], k=5, filter={"pid": q["pid"]})
        return [(d.metadata["start_index"], d.metadata["start_index"] + len(d.page_content)) for d in found]

    return search


def format_table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of the retrieval systems, side by side."""
    cols = ["system", "hit@1", "hit@3", "hit@5", "mrr@5", "citation_chars_top3", "latency_ms_median", "latency_ms_p95"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in rows:
        cells = [f"{row[c]:.3f}" if isinstance(row[c], float) and c.startswith(("hit", "mrr")) else
                 f"{row[c]:.0f}" if isinstance(row[c], float) else str(row[c]) for c in cols]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_report(results: dict[str, Any]) -> str:
    """The human-readable report of an eval run."""
    lines: list[str] = []
    seed = results.get("seed-dev")
    if seed:
        lines += [
            f"seed-dev ({seed['questions']} questions)",
            f"  verdict accuracy            {seed['verdict_accuracy']:.2f}",
            f"  per-company verdict acc.    {seed['per_company_verdict_accuracy']:.2f}",
            f"  clause recall@3             {seed['clause_recall@3']:.2f}   (any gold clause in top 3: {seed['clause_hit@3']:.2f})",
            f"  not-stated precision/recall {seed['not_stated_precision']:.2f} / {seed['not_stated_recall']:.2f}",
            f"  fabricated quotes           {seed['fabricated_quotes']} of {seed['quotes_checked']}",
            f"  latency per question        {seed['latency_ms_median']:.0f} ms median, {seed['latency_ms_p95']:.0f} ms p95",
        ]
        wrong = [r for r in seed["items"] if r["expected"] != r["got"]]
        lines += [f"  wrong: {r['id']} expected {r['expected']}, got {r['got']} {r['per_company']}" for r in wrong]
    opp = results.get("opp115-practices")
    if opp:
        lines += ["", f"opp115-practices ({opp.get('paragraphs', '?')} paragraphs): practice tags per OPP-115 category"]
        lines += ["| category | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        for name, row in opp.get("per_category", {}).items():
            lines.append(
                f"| {name} | {row['precision']:.2f} | {row['recall']:.2f} | {row['f1']:.2f} | {row['support']} |"
            )
        lines.append(f"macro-F1 {opp['macro_f1']:.3f} (with Other: {opp.get('macro_f1_with_other', float('nan')):.3f})")
        sharing = opp.get("sharing_verdict", {})
        if sharing:
            lines.append(
                f"sharing verdicts: balanced accuracy {sharing['balanced_accuracy']:.3f} "
                f"(Does: {sharing['recall_does']:.2f} of {sharing['n_does']}, Does Not: {sharing['recall_does_not']:.2f} of {sharing['n_does_not']})"
            )
    qa = results.get("policyqa-dev")
    if qa:
        lines += ["", f"policyqa-dev ({qa[0]['questions']} questions, within-policy)", format_table(qa)]
        ours = next((row for row in qa if "cross_validated_questions" in row), None)
        if ours:
            folds, total = ours["cross_validated_questions"], ours["questions"]
            lines.append(
                f"ours: {total - folds} questions on policies the query adapter in use never saw, scored with it; "
                f"{folds} on policies it was fit on, scored with adapters fit without them (cross-validated by policy)"
            )
    return "\n".join(lines)
