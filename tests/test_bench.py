"""The benchmark's own logic (not timings): generated policies, the cache, the CLI's errors."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from assistant.bench import CachedEmbeddings, generate_policies, load_corpus
from assistant.cli import main
from index.embeddings import MiniLMEmbeddings
from index.ingest import bundled_folder


def test_generated_policies_are_deterministic_recombinations() -> None:
    sources = load_corpus(bundled_folder())
    first = generate_policies(sources, 50, seed=7)
    assert first == generate_policies(sources, 50, seed=7)
    assert first != generate_policies(sources, 50, seed=8)
    assert len({p.policy_id for p in first}) == 50
    assert len({p.company.casefold() for p in first}) == 50
    paragraphs = {para.strip() for s in sources for para in re.split(r"\n\s*\n", s.text)}
    for policy in first:
        assert policy.text.strip()
        assert {para.strip() for para in re.split(r"\n\s*\n", policy.text)} <= paragraphs


def test_cached_embeddings_match_the_model_and_embed_each_text_once() -> None:
    model = MiniLMEmbeddings()
    cached = CachedEmbeddings(model)
    texts = ["We never sell your data.", "Cookies remember your settings.", "We never sell your data."]
    rows = cached.embed_batch(texts)
    direct = model.embed_batch(texts)
    assert abs(rows - direct).max() < 1e-5
    assert len(cached._cache) == 2


def test_bench_refuses_a_missing_corpus_and_bad_scales(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(
        main, ["bench", "--scales", "95", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path)]
    )
    assert missing.exit_code == 1
    assert "no such corpus folder" in missing.output
    assert "Traceback" not in missing.output
    bad = runner.invoke(main, ["bench", "--scales", "five", "--out", str(tmp_path)])
    assert bad.exit_code == 2
    assert "--scales takes numbers" in bad.output
