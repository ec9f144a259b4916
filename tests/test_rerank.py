"""The optional cross-encoder reranker: loading offline, wiring from settings, order applied, bad folders.

The real loading path runs on a tiny BERT cross-encoder built here (random weights, no download);
the order it applies is checked against a deterministic fake `Reranker`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import BackendError
from assistant.rerank import POOL_FACTOR, CrossEncoderReranker, load_reranker
from assistant.retrieval import HybridRetriever
from assistant.settings import Settings

QUERY = "Do you sell my personal information?"
WORDS = ["we", "do", "not", "sell", "your", "personal", "information", "share", "cookies", "keep", "order", "records"]


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer BERT sequence classifier with one label and a word-level vocabulary of a few words, saved like a CrossEncoder."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, "?", ".", ","]) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True, model_max_length=128)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=128,
        num_labels=1,
    )
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


class ReversedReranker:
    """Scores the candidates in reverse of the order they come in, and remembers each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []

    def rerank(self, query: str, texts: list[str]) -> list[float]:
        self.calls.append((query, list(texts)))
        return [float(i) for i in range(len(texts))]


def test_the_reranker_sees_the_candidate_pool_and_its_order_is_applied(fixture_assistant) -> None:
    store, retrieval = fixture_assistant.store, fixture_assistant.settings.retrieval
    text = store.vectors("acme").policy.text
    vector = fixture_assistant.query_vector(QUERY)
    k = 2
    plain = HybridRetriever(store, retrieval).search(QUERY, vector, "acme", ["sale"], POOL_FACTOR * k)
    assert len(plain) > k  # a pool larger than k, so the reranker has something to choose from

    fake = ReversedReranker()
    reranked = HybridRetriever(store, retrieval, reranker=fake).search(QUERY, vector, "acme", ["sale"], k)

    # Called once, with the query and the texts of the whole candidate pool, in the retriever's order.
    assert fake.calls == [(QUERY, [text[p.start : p.end] for p in plain])]
    # The fake's order is applied, k are kept, and its scores are recorded.
    expected = list(reversed(plain))[:k]
    assert [(p.start, p.end) for p in reranked] == [(p.start, p.end) for p in expected]
    assert [p.score for p in reranked] == [float(len(plain) - 1 - i) for i in range(k)]
    # Everything else about a passage (chunk, sentences) is the retriever's.
    assert [(p.chunk, p.sentences) for p in reranked] == [(p.chunk, p.sentences) for p in expected]


def test_the_tiny_cross_encoder_loads_offline_and_scores_pairs(tiny_cross_encoder: Path) -> None:
    reranker = load_reranker(tiny_cross_encoder)
    assert isinstance(reranker, CrossEncoderReranker)
    texts = ["We do not sell your personal information.", "We use cookies.", "We keep order records."]
    scores = reranker.rerank(QUERY, texts)
    assert len(scores) == 3
    assert all(isinstance(s, float) for s in scores)
    assert all(0.0 <= s <= 1.0 for s in scores)  # one label: a probability (sigmoid)
    assert len(set(scores)) > 1  # the pair's text matters
    assert reranker.rerank(QUERY, texts) == scores  # deterministic
    assert reranker.rerank(QUERY, []) == []


def test_settings_to_build_assistant_to_reranked_answer(
    tiny_cross_encoder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.service import build_assistant
    from index.ingest import ingest_paths
    from tests.conftest import FIXTURES

    monkeypatch.setenv("POLICY_ASSISTANT_RERANKER", str(tiny_cross_encoder))
    settings = Settings(store=tmp_path / "store", bundled=False)
    assert settings.reranker == tiny_cross_encoder

    assistant = build_assistant(settings)
    ingest_paths(assistant.store, [FIXTURES / "acme.txt", FIXTURES / "globex.md"])
    reranker = assistant.retriever.reranker
    assert isinstance(reranker, CrossEncoderReranker)

    calls: list[list[str]] = []
    real = reranker.rerank

    def spy(query: str, texts: list[str]) -> list[float]:
        calls.append(texts)
        return real(query, texts)

    monkeypatch.setattr(reranker, "rerank", spy)
    answer = assistant.ask("Does Acme sell my personal information?")
    assert [part.policy_id for part in answer.per_company] == ["acme"]
    assert len(calls) == 1  # one policy asked, one rerank of its candidates
    assert calls[0]

    # The passages come back in the tiny model's order, carrying its scores.
    text = assistant.store.vectors("acme").policy.text
    passages = assistant.retriever.search(QUERY, assistant.query_vector(QUERY), "acme", ["sale"], 3)
    model_scores = real(QUERY, [text[p.start : p.end] for p in passages])
    assert [p.score for p in passages] == pytest.approx(model_scores, abs=1e-5)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    for citation in answer.citations:  # citations stay verbatim spans
        assert text[citation.start : citation.end] == citation.quote


@pytest.mark.parametrize("kind", ["missing", "file", "empty", "broken"])
def test_a_bad_folder_is_one_line_backend_error(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "model"
    if kind == "file":
        path.write_text("not a model")
    elif kind == "empty":
        path.mkdir()
    elif kind == "broken":
        path.mkdir()
        (path / "config.json").write_text('{"model_type": "bert"}')  # no weights, no tokenizer
    with pytest.raises(BackendError) as error:
        load_reranker(path)
    message = str(error.value)
    assert "\n" not in message
    assert str(path) in message


def test_build_assistant_fails_early_on_a_bad_reranker(tmp_path: Path) -> None:
    from assistant.service import build_assistant

    settings = Settings(store=tmp_path / "store", bundled=False, reranker=tmp_path / "nowhere")
    with pytest.raises(BackendError, match="does not exist"):
        build_assistant(settings)
    assert not (tmp_path / "store").exists()  # failed before touching the index


def test_importing_the_reranker_seam_loads_no_torch() -> None:
    code = "import sys, assistant.rerank, assistant.retrieval; print('torch' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == "False"
