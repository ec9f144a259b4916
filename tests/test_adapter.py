"""The query adapter: fitting, saving and loading, the setting, and its cross-validated evaluation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assistant.adapter import Example, QueryAdapter, bundled_adapter, fit, load_adapter
from assistant.errors import InputError
from assistant.service import Assistant

FIXTURES = Path(__file__).parent / "fixtures"


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def _synthetic(seed: int, policies: int = 6, sentences: int = 40, questions: int = 30, dimension: int = 24):
    """Questions that are a fixed linear distortion of their answer: far from it until adapted."""
    rng = np.random.default_rng(0)
    distortion = np.linalg.qr(rng.normal(size=(dimension, dimension)))[0]  # the same in every split
    rng = np.random.default_rng(seed)
    vectors, examples = {}, []
    for p in range(policies):
        pid = f"p{seed}-{p}"
        vectors[pid] = _unit(rng.normal(size=(sentences, dimension)))
        for _ in range(questions):
            answer = int(rng.integers(sentences))
            query = _unit(vectors[pid][answer] @ distortion + 0.2 * rng.normal(size=dimension))
            examples.append(Example(query, pid, np.arange(sentences) == answer))
    return examples, vectors


def _top1(examples: list[Example], vectors: dict[str, np.ndarray], adapter: QueryAdapter | None) -> float:
    hits = 0
    for e in examples:
        query = adapter.apply(e.query_vector) if adapter else e.query_vector
        hits += bool(e.answers[int(np.argmax(vectors[e.policy_id] @ query))])
    return hits / len(examples)


def test_fit_learns_a_map_that_carries_unseen_questions_to_their_answers() -> None:
    train, train_vectors = _synthetic(seed=1)
    test, test_vectors = _synthetic(seed=2)  # other policies, other questions
    adapter = fit(train, train_vectors, epochs=40, learning_rate=3e-2, weight_decay=0.0)
    before, after = _top1(test, test_vectors, None), _top1(test, test_vectors, adapter)
    assert before < 0.2
    assert after > 0.8


def test_fit_refuses_questions_without_answers() -> None:
    examples, vectors = _synthetic(seed=1, policies=1, questions=2)
    for e in examples:
        e.answers[:] = False
    with pytest.raises(InputError, match="No training question"):
        fit(examples, vectors)


def test_saved_adapter_loads_and_gives_unit_vectors(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    adapter = QueryAdapter(0.1 * rng.normal(size=(8, 8)).astype(np.float32))
    adapter.save(tmp_path / "adapter.bin")  # any suffix: the file is written where asked
    loaded = QueryAdapter.load(tmp_path / "adapter.bin")
    vector = _unit(rng.normal(size=8))
    moved = loaded.apply(vector)
    assert np.linalg.norm(moved) == pytest.approx(1.0, abs=1e-5)
    expected = vector + vector @ adapter.matrix
    assert moved == pytest.approx(expected / np.linalg.norm(expected), abs=2e-3)  # stored in half precision


def test_the_setting_names_bundled_none_or_a_file(tmp_path: Path) -> None:
    bundled = load_adapter("bundled", "all-MiniLM-L6-v2")
    assert bundled is not None
    assert bundled.dimension == 384
    assert bundled_adapter("all-MiniLM-L6-v2") is not None
    assert load_adapter("none", "all-MiniLM-L6-v2") is None
    assert load_adapter("bundled", "/models/some-other-model") is None  # no adapter ships for it
    with pytest.raises(InputError, match="No query adapter file"):
        load_adapter(str(tmp_path / "missing.npy"), "all-MiniLM-L6-v2")
    np.save(tmp_path / "flat.npy", np.zeros((3, 4)))
    with pytest.raises(InputError, match="square matrix"):
        load_adapter(str(tmp_path / "flat.npy"), "all-MiniLM-L6-v2")
    (tmp_path / "junk.npy").write_text("not an array")
    with pytest.raises(InputError, match="Cannot read"):
        load_adapter(str(tmp_path / "junk.npy"), "all-MiniLM-L6-v2")
    with pytest.raises(InputError, match="384-dimensional"):
        bundled.apply(np.ones(10, dtype=np.float32))


def test_the_bundled_adapter_knows_the_policies_it_was_fit_on(bundled_assistant) -> None:
    bundled = bundled_assistant.adapter
    assert bundled.trained_on is not None
    assert len(bundled.trained_on) == 20  # policyqa-dev's twenty policies
    for pid in bundled_assistant.store.catalog():  # and none of the five policies the product ships with
        assert not bundled.has_seen(bundled_assistant.store.policy(pid).text)
    assert QueryAdapter(np.zeros((4, 4), dtype=np.float32)).has_seen("any text")  # not recorded: assume seen


def test_the_bundled_assistant_searches_with_the_adapted_vector(bundled_assistant) -> None:
    question = "How long do they keep my data?"
    adapter = bundled_assistant.adapter
    assert adapter is not None
    assert (adapter.rank, adapter.document_rank, adapter.strength) == (16, 0, 0.5)
    assert adapter.examples is not None
    assert adapter.examples[0].shape == adapter.examples[1].shape == (2415, 384)  # PolicyQA's answered questions
    assert adapter.example_texts is not None
    assert len(adapter.example_texts) == 2415  # and their annotated answers' words
    raw = bundled_assistant.query_vector(question, adapted=False)
    assert raw == pytest.approx(bundled_assistant.embedder.embed_batch([question])[0], abs=1e-6)
    updated = adapter.embedder(bundled_assistant.embedder).embed_batch([question])[0]
    assert float(updated @ raw) < 0.999  # the updated model reads the question differently
    adapted = bundled_assistant.query_vector(question)
    assert adapted == pytest.approx(adapter.apply(updated), abs=1e-6)
    assert float(adapted @ raw) < 0.99  # it moves the question


def test_the_bundled_assistant_searches_bm25_with_the_words_of_similar_answers(bundled_assistant, monkeypatch) -> None:
    from assistant.chat import resolve

    resolved = resolve("How long does InsideSales keep my data?", [], bundled_assistant.resolver)
    vector, words = bundled_assistant.query(resolved.query, resolved.expansion)
    assert vector == pytest.approx(bundled_assistant.query_vector(resolved.query, resolved.expansion), abs=1e-6)
    assert "retain" in words.lower()  # PolicyQA's answers to such questions: how long data is retained
    searched: list[str] = []
    real = bundled_assistant.retriever.search
    monkeypatch.setattr(
        bundled_assistant.retriever,
        "search",
        lambda text, *args, **kw: searched.append(text) or real(text, *args, **kw),
    )
    found = bundled_assistant.search(resolved, ["insidesales"], 3)["insidesales"]
    assert len(found) == 3
    assert searched == [f"{resolved.search_text} {words}"]


def test_a_question_moves_toward_the_answers_of_its_closest_worked_examples(tmp_path: Path) -> None:
    from assistant.adapter import EXAMPLE_NEIGHBOURS, EXAMPLE_TEMPERATURE, EXAMPLE_WEIGHT

    rng = np.random.default_rng(0)
    questions, answers = _unit(rng.normal(size=(40, 24))), _unit(rng.normal(size=(40, 24)))
    adapter = QueryAdapter(np.zeros((24, 24), np.float32), examples=(questions, answers))
    asked = _unit(questions[7] + 0.05 * rng.normal(size=24))
    moved = adapter.apply(asked)
    assert np.linalg.norm(moved) == pytest.approx(1.0, abs=1e-6)
    assert float(moved @ answers[7]) > float(asked @ answers[7]) + 0.2  # its closest example's answer
    nearest = np.argsort(-(questions @ asked))[:EXAMPLE_NEIGHBOURS]
    weights = np.exp((questions[nearest] @ asked) / EXAMPLE_TEMPERATURE)
    expected = _unit(asked + EXAMPLE_WEIGHT * (weights / weights.sum()) @ answers[nearest])
    assert moved == pytest.approx(expected, abs=1e-5)  # only the nearest examples count
    adapter.save(tmp_path / "examples.npz")
    loaded = QueryAdapter.load(tmp_path / "examples.npz")
    assert loaded.apply(asked) == pytest.approx(moved, abs=2e-3)  # stored in half precision
    few = QueryAdapter(np.zeros((24, 24), np.float32), examples=(questions[:2], answers[:2]))
    assert np.linalg.norm(few.apply(asked)) == pytest.approx(1.0, abs=1e-6)  # fewer examples than neighbours


def test_the_closest_worked_examples_lend_their_answers_words_to_bm25(tmp_path: Path) -> None:
    from assistant.adapter import EXAMPLE_NEIGHBOURS

    rng = np.random.default_rng(1)
    questions, answers = _unit(rng.normal(size=(40, 24))), _unit(rng.normal(size=(40, 24)))
    texts = [f"answer number {i} worded ünïcode-ly" for i in range(40)]
    adapter = QueryAdapter(np.zeros((24, 24), np.float32), examples=(questions, answers), example_texts=texts)
    asked = _unit(questions[7] + 0.05 * rng.normal(size=24))
    moved, words = adapter.read(asked)
    assert moved == pytest.approx(adapter.apply(asked), abs=1e-6)
    nearest = np.argsort(-(questions @ asked))[:EXAMPLE_NEIGHBOURS]
    assert words == " ".join(texts[i] for i in nearest)  # the closest first
    assert words.startswith("answer number 7 ")
    adapter.save(tmp_path / "texts.npz")
    loaded = QueryAdapter.load(tmp_path / "texts.npz")
    assert loaded.example_texts == texts  # exactly, whatever the characters
    assert loaded.read(asked)[1] == words
    stored = np.load(tmp_path / "texts.npz")["example_texts"]
    assert stored.nbytes == len("\0".join(texts).encode())  # their UTF-8 bytes, not a fixed width per text
    assert QueryAdapter(np.zeros((24, 24), np.float32), examples=(questions, answers)).read(asked)[1] == ""


def test_a_sentence_reads_as_the_questions_its_like_answered(tmp_path: Path) -> None:
    from assistant.adapter import EXAMPLE_NEIGHBOURS, EXAMPLE_TEMPERATURE

    rng = np.random.default_rng(2)
    questions, answers = _unit(rng.normal(size=(40, 24))), _unit(rng.normal(size=(40, 24)))
    adapter = QueryAdapter(np.zeros((24, 24), np.float32), examples=(questions, answers))
    sentences = _unit(answers[[3, 11]] + 0.05 * rng.normal(size=(2, 24)))  # each like one example's answer
    read = adapter.questions_answered(("p", "digest"), sentences)
    assert read.shape == (2, 24)
    assert np.linalg.norm(read, axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)
    assert list(np.argmax(read @ questions.T, axis=1)) == [3, 11]  # each reads as its example's question
    nearest = np.argsort(-(answers @ sentences[0]))[:EXAMPLE_NEIGHBOURS]
    weights = np.exp((answers[nearest] @ sentences[0]) / EXAMPLE_TEMPERATURE)
    assert read[0] == pytest.approx(_unit((weights / weights.sum()) @ questions[nearest]), abs=1e-5)
    # Kept per policy: the same key gives what was read, whatever the vectors.
    assert adapter.questions_answered(("p", "digest"), sentences[::-1]) is read
    # The same question asked of another policy is one at least SAME_QUESTION alike; another is not.
    assert adapter.asked_before(_unit(questions[5] + 0.02 * rng.normal(size=24)))
    assert not adapter.asked_before(_unit(rng.normal(size=24)))
    assert not QueryAdapter(np.zeros((24, 24), np.float32)).asked_before(questions[5])  # no worked examples


def test_a_question_asked_before_scores_sentences_by_the_questions_they_answer(bundled_assistant, monkeypatch) -> None:
    from assistant.chat import resolve

    adapter, retriever = bundled_assistant.adapter, bundled_assistant.retriever
    assert adapter is not None
    seen: list[object] = []
    real = retriever.search
    monkeypatch.setattr(retriever, "search", lambda *a, **kw: seen.append(kw["answered"]) or real(*a, **kw))
    # PolicyQA asks this of every policy: its worked examples hold the same question.
    asked = resolve("Does the company collect my location information?", [], bundled_assistant.resolver)
    assert adapter.asked_before(bundled_assistant.query(asked.query, asked.expansion)[0])
    bundled_assistant.search(asked, ["zopim"], 3)
    vectors = bundled_assistant.store.vectors("zopim")
    assert seen[-1] is not None
    read = seen[-1](vectors)  # type: ignore[operator]
    assert read.shape == vectors.sentence_vectors.shape
    # ...and the sentences' scores take how alike those questions are to it, at `answered_weight`.
    query, bm25 = np.asarray(read[0]), np.zeros(len(read))
    plain = retriever.sentence_scores(vectors, query, bm25, [])
    scored = retriever.sentence_scores(vectors, query, bm25, [], seen[-1])  # type: ignore[arg-type]
    weight = bundled_assistant.settings.retrieval.answered_weight
    assert scored - plain == pytest.approx(weight * (read @ query), abs=1e-5)
    # A question unlike any worked example is searched as before.
    novel = resolve("Does Zopim's widget slow down my online store checkout page?", [], bundled_assistant.resolver)
    assert not adapter.asked_before(bundled_assistant.query(novel.query, novel.expansion)[0])
    bundled_assistant.search(novel, ["zopim"], 3)
    assert seen[-1] is None


def _model_weights(model) -> dict[str, np.ndarray]:
    return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}


def test_updates_merge_into_a_copy_for_questions_and_leave_the_documents_model_alone(tmp_path: Path) -> None:
    from index.embeddings import MiniLMEmbeddings

    base = MiniLMEmbeddings()
    before = _model_weights(base.model)
    name = next(n for n, _ in base.model.named_modules() if n.endswith("encoder.layer.5.output.dense"))  # 1536 -> 384
    rng = np.random.default_rng(0)
    down, up = rng.normal(size=(2, 1536)).astype(np.float32), 0.05 * rng.normal(size=(384, 2)).astype(np.float32)
    adapter = QueryAdapter(np.zeros((384, 384), np.float32), {name: (down, up)}, strength=0.5)
    adapter.save(tmp_path / "adapter.npz")
    loaded = QueryAdapter.load(tmp_path / "adapter.npz")
    assert (loaded.rank, loaded.strength) == (2, 0.5)
    questions = loaded.embedder(base)
    assert loaded.embedder(base) is questions  # merged once
    merged = dict(questions.model.named_parameters())[name + ".weight"].detach().numpy()
    expected = before[name + ".weight"] + 0.5 * loaded.updates[name][1] @ loaded.updates[name][0]
    assert merged == pytest.approx(expected, abs=1e-5)
    text = ["Do you sell my personal information?"]
    assert float(questions.embed_batch(text)[0] @ base.embed_batch(text)[0]) < 0.999
    after = _model_weights(base.model)
    assert all(np.array_equal(before[k], after[k]) for k in before)  # documents are embedded as before

    bad = QueryAdapter(np.zeros((384, 384), np.float32), {name: (down[:, :10], up)})
    with pytest.raises(InputError, match="does not fit"):
        bad.embedder(base)
    missing = QueryAdapter(np.zeros((384, 384), np.float32), {"0.no.such.layer": (down, up)})
    with pytest.raises(InputError, match="does not have"):
        missing.embedder(base)
    plain = type("Plain", (), {"name": "plain", "embed_batch": lambda self, texts: base.embed_batch(texts)})()
    with pytest.raises(InputError, match="need a sentence-transformers model; plain is not one"):
        loaded.embedder(plain)
    np.savez(tmp_path / "half.npz", matrix=np.zeros((384, 384)), **{f"{name}:down": down})  # no up
    with pytest.raises(InputError, match="Cannot read"):
        QueryAdapter.load(tmp_path / "half.npz")


def test_fit_with_the_model_learns_updates_that_rank_answers_higher_and_keeps_the_model() -> None:
    from assistant.adapter import _embed_questions
    from index.embeddings import MiniLMEmbeddings

    base = MiniLMEmbeddings()
    before = _model_weights(base.model)
    policy = [
        "We keep your order history for seven years.",
        "You may opt out of marketing emails at any time.",
        "Our servers are located in Ireland.",
        "We use cookies to remember your preferences.",
        "Children under 13 may not use the service.",
        "We share your address with our courier.",
    ]
    asked = [  # each question's answer is an unrelated-looking clause: only the fit can tie them
        ("Where does the bicycle go at night?", 2),
        ("What colour is the sky on Mars?", 0),
        ("Who plays the trumpet in the band?", 5),
    ]
    sentences = {"p": base.embed_batch(policy)}
    examples = [Example(base.embed_batch([q])[0], "p", np.arange(len(policy)) == answer, q) for q, answer in asked]

    def answer_ranks(adapter: QueryAdapter) -> list[int]:
        ranks = []
        for e in examples:
            vector = adapter.apply(adapter.embedder(base).embed_batch([e.query])[0])
            order = np.argsort(-(sentences["p"] @ vector))
            ranks.append(int(np.where(e.answers[order])[0][0]))
        return ranks

    adapter = fit(examples, sentences, epochs=30, batch_size=3, model=base.model, rank=4, model_learning_rate=3e-3)
    assert adapter.rank == 4
    assert len(adapter.updates) == 36  # six linear layers in each of the six blocks
    assert answer_ranks(adapter) == [0, 0, 0]
    assert sorted(answer_ranks(QueryAdapter(np.zeros((384, 384), np.float32)))) != [0, 0, 0]
    after = _model_weights(base.model)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    # the vectors it trains on are the product's own: the model's embedding, expansion mixed in at its weight
    with_expansion = Example(examples[0].query_vector, "p", examples[0].answers, asked[0][0], "where data is stored")
    own, extra = base.embed_batch([asked[0][0], "where data is stored"])
    mixed = (own + 0.5 * extra) / np.linalg.norm(own + 0.5 * extra)
    assert _embed_questions(base.model.eval(), [with_expansion], 0.5)[0].detach().numpy() == pytest.approx(
        mixed, abs=1e-5
    )
    with pytest.raises(InputError, match="question's text"):
        fit([Example(e.query_vector, "p", e.answers) for e in examples], sentences, model=base.model)


def test_fit_with_documents_learns_updates_for_both_sides_and_names_the_index_apart(tmp_path: Path, capsys) -> None:
    from index.embeddings import MiniLMEmbeddings

    base = MiniLMEmbeddings()
    before = _model_weights(base.model)
    policy = [
        "Hours: We keep your order history for seven years.",
        "Choices: You may opt out of marketing emails at any time.",
        "Storage: Our servers are located in Ireland.",
        "Cookies: We use cookies to remember your preferences.",
        "Children: Children under 13 may not use the service.",
        "Delivery: We share your address with our courier.",
    ]
    asked = [("Where does the bicycle go at night?", 2), ("What colour is the sky on Mars?", 0),
             ("Who plays the trumpet in the band?", 5)]  # fmt: skip
    sentences = {"p": base.embed_batch(policy)}
    examples = [Example(base.embed_batch([q])[0], "p", np.arange(len(policy)) == a, q) for q, a in asked]
    adapter = fit(
        examples, sentences, epochs=30, batch_size=3, model=base.model, rank=4, model_learning_rate=3e-3,
        sentence_texts={"p": policy}, document_rank=2, fresh=4, progress=True,
    )  # fmt: skip
    bar = capsys.readouterr().err
    assert "Fitting the adapter" in bar
    assert "/30 " in bar  # it counts 30 epochs of one batch
    assert (adapter.rank, adapter.document_rank) == (4, 2)
    documents = adapter.documents(base)
    assert documents is adapter.documents(base)
    assert documents is not adapter.embedder(base)
    assert documents.name == f"{base.name}+{adapter.digest(adapter.document_updates)}" != base.name
    rows = documents.embed_batch(policy)
    assert float(np.min(np.sum(rows * sentences["p"], axis=1))) < 0.999  # documents read differently
    for e in examples:
        vector = adapter.apply(adapter.embedder(base).embed_batch([e.query])[0])
        assert e.answers[int(np.argmax(rows @ vector))]
    after = _model_weights(base.model)
    assert all(np.array_equal(before[k], after[k]) for k in before)

    adapter.strength = 0.5
    adapter.save(tmp_path / "both.npz")
    loaded = QueryAdapter.load(tmp_path / "both.npz")
    assert (loaded.rank, loaded.document_rank, loaded.strength) == (4, 2, 0.5)
    assert set(loaded.document_updates) == set(adapter.document_updates)
    assert loaded.documents(base).name != documents.name  # another strength is another index
    assert QueryAdapter(adapter.matrix, adapter.updates).documents(base) is base
    with pytest.raises(InputError, match="sentences' texts"):
        fit(examples, sentences, model=base.model, document_rank=2)


def test_a_policy_embedded_again_by_its_own_model_gives_back_its_indexed_vectors(settings) -> None:
    from assistant.adapter import merged
    from index.embeddings import MiniLMEmbeddings
    from index.ingest import ingest_paths
    from index.store import PolicyStore

    base = MiniLMEmbeddings()
    store = PolicyStore(settings, base)
    ingest_paths(store, [FIXTURES / "acme.txt"])
    indexed = store.vectors("acme")
    store.reembed("acme", base)  # what evaluation does with a fold's document model
    again = store.vectors("acme")
    assert again is not indexed
    assert again.sentences == indexed.sentences
    assert again.sentence_vectors == pytest.approx(indexed.sentence_vectors, abs=1e-5)
    assert again.chunk_vectors == pytest.approx(indexed.chunk_vectors, abs=1e-5)
    name = next(n for n, _ in base.model.named_modules() if n.endswith("encoder.layer.5.output.dense"))
    rng = np.random.default_rng(0)
    update = {
        name: (rng.normal(size=(2, 1536)).astype(np.float32), 0.05 * rng.normal(size=(384, 2)).astype(np.float32))
    }
    store.reembed("acme", base.with_model(merged(base.model, update), "other"))
    assert float(np.min(np.sum(store.vectors("acme").sentence_vectors * indexed.sentence_vectors, axis=1))) < 0.999
    store.reembed("acme", None)
    assert store.vectors("acme") is indexed


def test_an_adapter_with_document_updates_indexes_with_them(settings, tmp_path: Path) -> None:
    from assistant.service import build_assistant
    from index.embeddings import MiniLMEmbeddings
    from index.ingest import ingest_paths

    bundled = build_assistant(settings)
    assert bundled.adapter is not None
    assert bundled.adapter.document_rank == 0
    assert bundled.store.embedder is bundled.embedder  # the bundled adapter leaves documents as they ship
    base = MiniLMEmbeddings()
    name = next(n for n, _ in base.model.named_modules() if n.endswith("encoder.layer.5.output.dense"))
    rng = np.random.default_rng(0)
    update = {
        name: (rng.normal(size=(2, 1536)).astype(np.float32), 0.05 * rng.normal(size=(384, 2)).astype(np.float32))
    }
    QueryAdapter(np.zeros((384, 384), np.float32), update, 1.0, update).save(tmp_path / "documents.npz")
    ingest_paths(bundled.store, [FIXTURES / "acme.txt"])
    shipped_vectors = bundled.store.vectors("acme").sentence_vectors
    mine = settings.model_copy(update={"query_adapter": str(tmp_path / "documents.npz")})
    updated = build_assistant(mine)
    assert updated.store.embedder is updated.adapter.documents(updated.embedder)
    assert updated.store.embedder.name.startswith(base.name + "+")
    assert updated.store.name != bundled.store.name  # another model, another index
    # What the model as it ships indexed is indexed again with the updates, not lost; its collections go.
    assert updated.store.policy("acme").text == (FIXTURES / "acme.txt").read_text()
    again = updated.store.vectors("acme").sentence_vectors
    assert again.shape == shipped_vectors.shape
    assert not np.allclose(again, shipped_vectors, atol=1e-4)
    names = [c.name for c in updated.store.client.list_collections()]
    assert not [n for n in names if n.startswith(bundled.store.name)]
    # Switching to other updates, then back to none for documents, indexes again each time: nothing is hidden.
    doubled = {name: (down, 2 * up) for name, (down, up) in update.items()}
    QueryAdapter(np.zeros((384, 384), np.float32), update, 1.0, doubled).save(tmp_path / "other.npz")
    other = build_assistant(settings.model_copy(update={"query_adapter": str(tmp_path / "other.npz")}))
    assert other.store.name not in (updated.store.name, bundled.store.name)
    assert other.store.policy("acme").text == (FIXTURES / "acme.txt").read_text()
    assert not np.allclose(other.store.vectors("acme").sentence_vectors, again, atol=1e-4)
    back = build_assistant(settings)
    assert back.store.name == bundled.store.name
    assert np.allclose(back.store.vectors("acme").sentence_vectors, shipped_vectors, atol=1e-5)
    names = [c.name for c in back.store.client.list_collections()]
    assert not [n for n in names if n.startswith((updated.store.name, other.store.name))]
    shipped = build_assistant(mine, shipped_documents=True)
    assert shipped.store.embedder.name == base.name
    assert shipped.store.name == bundled.store.name


def _policyqa_folder(root: Path) -> Path:
    """A tiny folder in PolicyQA's layout: three policies, questions with answer offsets."""
    policies = {
        "acme": (FIXTURES / "acme.txt").read_text(),
        "globex": (FIXTURES / "globex.md").read_text(),
        "hooli": "Hooli Privacy Policy\n\nRetention\nWe delete your messages after 90 days.\n\n"
        "Sharing\nWe never sell your data to anyone.\n\nCookies\nWe use cookies to remember your language.\n",
    }
    asked = {
        "acme": [("Do you sell my data?", "We do not sell your personal information."),
                 ("How long are orders kept?", "We keep order records for seven years")],
        "globex": [("Can I delete my data?", "You can ask us to access, correct or delete your personal data"),
                   ("Who shows me ads?", "advertising partners who show you interest-based ads")],
        "hooli": [("How long are messages kept?", "We delete your messages after 90 days."),
                  ("Do you sell my data?", "We never sell your data to anyone.")],
    }  # fmt: skip
    (root / "policies").mkdir(parents=True)
    lines = []
    for name, text in policies.items():
        (root / "policies" / f"{name}.txt").write_text(text)
        for question, answer in asked[name]:
            start = text.index(answer)
            lines.append({"id": f"{name}-{len(lines)}", "policy_id": name, "question": question,
                          "answers": [{"text": answer, "start": start, "end": start + len(answer)}]})  # fmt: skip
    (root / "questions.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return root


def test_each_policy_is_scored_with_an_adapter_fit_without_it(settings, tmp_path: Path, monkeypatch) -> None:
    import assistant.adapter
    from assistant import evaluation

    folder = _policyqa_folder(tmp_path / "policyqa")
    assistant_, questions, texts = evaluation.policyqa_questions(settings, folder)
    fit_on: dict[int, set[str]] = {}
    real_fit = assistant.adapter.fit

    def recording_fit(examples, sentences, **kwargs):
        assert (kwargs["rank"], kwargs["document_rank"]) == (16, 0)  # the kind in use (the bundled one) is refit
        assert kwargs["model"] is assistant_.embedder.model
        assert kwargs["sentence_texts"] is None  # documents stay as the model ships embeds them
        adapter = real_fit(examples, sentences, **kwargs)
        fit_on[id(adapter)] = {e.policy_id for e in examples}
        return adapter

    monkeypatch.setattr(assistant.adapter, "fit", recording_fit)
    held_out = evaluation.cross_validated_adapters(assistant_, questions, texts)
    policies = {q["pid"] for q in questions}
    assert set(held_out) == policies
    for pid, adapter in held_out.items():
        assert adapter.strength == assistant_.adapter.strength == 0.5
        assert pid not in fit_on[id(adapter)]
        assert fit_on[id(adapter)] == policies - {pid}  # three policies: each fold holds one
        # its worked examples are its training questions, with their annotated answers' words
        assert len(adapter.example_texts) == len(adapter.examples[0])
        answers = {" ".join(a["text"] for a in q["answers"]) for q in questions if q["pid"] != pid}
        assert set(adapter.example_texts) <= answers

    # Kept in a cache, the folds' adapters are fit once, and their worked examples made once: a
    # second run loads the very same ones.
    remembered: list[int] = []
    real_remember = evaluation.remember_examples

    def recording_remember(assistant, adapter, examples):
        remembered.append(len(examples))
        return real_remember(assistant, adapter, examples)

    monkeypatch.setattr(evaluation, "remember_examples", recording_remember)
    cache = tmp_path / "held-out"
    first = evaluation.cross_validated_adapters(assistant_, questions, texts, cache=cache)
    assert len(fit_on) == 6
    assert len(remembered) == 3
    assert len(list(cache.glob("*.npz"))) == 6  # each fold's fit, and its fit with its worked examples
    again = evaluation.cross_validated_adapters(assistant_, questions, texts, cache=cache)
    assert len(fit_on) == 6  # nothing fit again
    assert len(remembered) == 3  # and no question embedded again
    for pid in policies:
        assert np.array_equal(again[pid].matrix, first[pid].matrix)
        assert np.array_equal(again[pid].examples[0], first[pid].examples[0])
        assert again[pid].example_texts == first[pid].example_texts
        assert again[pid].trained_on == first[pid].trained_on
        assert again[pid].strength == 0.5
    other = evaluation.cross_validated_adapters(assistant_, questions[:-1], texts, cache=cache)
    assert len(fit_on) == 8  # a question on hooli less: the two folds trained on hooli are fit again
    assert len(other) == 3
    assistant_.adapter.strength = 1.0  # the examples' vectors depend on it, the fits do not
    try:
        stronger = evaluation.cross_validated_adapters(assistant_, questions, texts, cache=cache)
    finally:
        assistant_.adapter.strength = 0.5
    assert len(fit_on) == 8
    assert len(remembered) == 8  # 3, then the 2 folds fit again, then all 3 at the new strength
    assert all(adapter.strength == 1.0 for adapter in stronger.values())


def test_adapt_writes_an_adapter_that_ask_and_eval_use(tmp_path: Path, monkeypatch) -> None:
    from assistant.cli import main

    folder = _policyqa_folder(tmp_path / "policyqa")
    store, out = tmp_path / "store", tmp_path / "mine.npz"
    runner = CliRunner()
    result = runner.invoke(main, ["--store", str(store), "--no-bundled", "adapt", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Fit on 6 of 6 questions (3 policies)" in result.output
    assert QueryAdapter.load(out).dimension == 384
    written = QueryAdapter.load(out)
    assert (written.rank, written.document_rank, written.strength) == (16, 0, 0.5)  # as the bundled one
    assert written.examples is not None
    assert written.examples[0].shape == written.examples[1].shape == (6, 384)  # one worked example a question
    assert written.example_texts is not None
    assert len(written.example_texts) == 6  # with its answer's words
    assert "We never sell your data to anyone." in written.example_texts
    texts = [path.read_text() for path in sorted((folder / "policies").glob("*.txt"))]
    assert len(texts) == 3
    assert all(written.has_seen(text) for text in texts)
    assert not written.has_seen(texts[0] + " Updated in 2026.")  # another version of a policy is another policy
    both = tmp_path / "both.npz"
    result = runner.invoke(main, ["--store", str(store), "--no-bundled", "adapt", str(folder), "--out", str(both), "--document-rank", "4"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert QueryAdapter.load(both).document_rank == 4
    matrix_only = tmp_path / "matrix.npz"
    result = runner.invoke(main, ["--store", str(store), "--no-bundled", "adapt", str(folder), "--out", str(matrix_only), "--rank", "0"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (QueryAdapter.load(matrix_only).rank, QueryAdapter.load(matrix_only).document_rank) == (0, 0)

    monkeypatch.setenv("POLICY_ASSISTANT_QUERY_ADAPTER", str(out))
    result = runner.invoke(main, ["--store", str(store) + "-policyqa", "ask", "Does Hooli sell my data?"])
    assert result.exit_code == 0, result.output
    assert "We never sell your data to anyone." in result.output
    monkeypatch.delenv("POLICY_ASSISTANT_QUERY_ADAPTER")

    result = runner.invoke(main, ["--store", str(store), "--no-bundled", "adapt", str(tmp_path), "--out", str(out)])
    assert result.exit_code != 0
    assert "needs policies/ and questions.jsonl" in result.output


def test_policyqa_eval_scores_ours_and_the_baselines_on_the_same_questions(
    settings, tmp_path: Path, monkeypatch
) -> None:
    import assistant.adapter
    from assistant import evaluation

    def no_fit(*args, **kwargs):
        raise AssertionError("the bundled adapter never saw these policies: nothing is fit")

    monkeypatch.setattr(assistant.adapter, "fit", no_fit)
    folder = _policyqa_folder(tmp_path / "policyqa")
    used: list[object] = []
    real_search = Assistant.search

    def recording_search(self, *args, **kwargs):
        used.append(self.adapter)
        return real_search(self, *args, **kwargs)

    monkeypatch.setattr(Assistant, "search", recording_search)
    rows = evaluation.evaluate_policyqa(settings, folder, ["dense", "hybrid+rerank"])
    assert [r["system"] for r in rows] == ["dense", "hybrid+rerank"]
    assert all(r["questions"] == 6 for r in rows)
    ours = rows[1]
    assert ours["cross_validated_questions"] == 0  # unseen policies: scored with the adapter as it ships
    assert len(used) == 6
    assert all(a is not None and a.trained_on is not None and len(a.trained_on) == 20 for a in used)
    assert ours["hit@5"] >= ours["hit@3"] >= ours["hit@1"]
    assert ours["hit@5"] > 0.5  # six plain questions on three short policies
    assert "6 questions on policies the query adapter in use never saw" in evaluation.format_report(
        {"policyqa-dev": rows}
    )


def test_with_document_updates_ours_reads_each_policy_as_its_fold_embeds_documents(
    settings, tmp_path: Path, monkeypatch
) -> None:
    from assistant import evaluation
    from index.store import PolicyStore

    folder = _policyqa_folder(tmp_path / "policyqa")
    runner = CliRunner()
    from assistant.cli import main

    made = tmp_path / "documents.npz"
    result = runner.invoke(main, ["--store", str(tmp_path / "fit"), "--no-bundled", "adapt", str(folder), "--out", str(made), "--document-rank", "2"])  # fmt: skip
    assert result.exit_code == 0, result.output
    calls: list[tuple[str, str | None]] = []
    real = PolicyStore.reembed

    def recording(self, policy_id, embedder):
        calls.append((policy_id, embedder.name if embedder is not None else None))
        return real(self, policy_id, embedder)

    monkeypatch.setattr(PolicyStore, "reembed", recording)
    mine = settings.model_copy(update={"query_adapter": str(made)})
    rows = evaluation.evaluate_policyqa(mine, folder, ["hybrid+rerank", "dense"])
    assert [r["questions"] for r in rows] == [6, 6]
    assert rows[0]["cross_validated_questions"] == 6  # the adapter in use was fit on these policies: cross-validated
    ours, dense = calls[:3], calls[3:]
    assert sorted(pid for pid, _ in ours) == ["acme", "globex", "hooli"]
    assert len({name for _, name in ours}) == 3  # three folds, three document models
    assert all(name.startswith("all-MiniLM-L6-v2+") for _, name in ours)
    assert dense == [(pid, None) for pid, _ in ours]  # the baselines read the index as it is
    cached = list((tmp_path / "store-policyqa" / evaluation.HELD_OUT_ADAPTERS).glob("*.npz"))
    assert len(cached) == 6  # three folds' fits, and each with its worked examples
