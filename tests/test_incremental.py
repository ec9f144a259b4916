"""Incremental ingest: unchanged files cost nothing, changed files replace atomically, remove is clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.errors import InputError
from assistant.service import build_assistant
from assistant.settings import Settings
from index.embeddings import MiniLMEmbeddings
from index.ingest import ingest_paths, upgrade_index
from index.store import FORMAT_FILE, FORMAT_VERSION, PolicyStore, index_name, open_client
from tests.conftest import FIXTURES


class CountingEmbeddings(MiniLMEmbeddings):
    """The real model, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed_batch(texts)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    for name in ("acme.txt", "globex.md", "initech.html"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def expected_rows(store: PolicyStore) -> dict[str, int]:
    """What the store must hold if every policy is there exactly once, in its current version."""
    catalog = store.catalog()
    return {"policies": len(catalog), "chunks": sum(i.chunks for i in catalog.values())}


def test_unchanged_reingest_embeds_nothing(settings: Settings, corpus: Path) -> None:
    embedder = CountingEmbeddings()
    store = PolicyStore(settings, embedder)
    first = ingest_paths(store, [corpus])
    assert sorted(first.added) == ["acme", "globex", "initech"]
    embedded, counts = embedder.embedded, store.count()
    assert embedded > 0
    assert counts == expected_rows(store)

    # A new process (new store object) re-reading the same folder does nothing at all.
    again_embedder = CountingEmbeddings()
    again = ingest_paths(PolicyStore(settings, again_embedder), [corpus])
    assert sorted(again.unchanged) == ["acme", "globex", "initech"]
    assert again.added == again.replaced == []
    assert again_embedder.embedded == 0
    assert store.count() == counts


def test_changed_file_replaces_its_old_version_only(settings: Settings, corpus: Path) -> None:
    embedder = CountingEmbeddings()
    store = PolicyStore(settings, embedder)
    ingest_paths(store, [corpus])
    old_acme = store.catalog()["acme"]
    globex_before = store.catalog()["globex"]
    embedded = embedder.embedded

    path = corpus / "acme.txt"
    path.write_text(path.read_text() + "\n\nAcme keeps support tickets for ninety days and then deletes them.\n")
    report = ingest_paths(store, [corpus])
    assert report.replaced == ["acme"]
    assert sorted(report.unchanged) == ["globex", "initech"]
    new_acme = store.catalog()["acme"]
    assert new_acme.sha256 != old_acme.sha256
    assert store.catalog()["globex"] == globex_before
    # Only acme's sentences were embedded again.
    assert 0 < embedder.embedded - embedded <= len(store.vectors("acme").sentences)
    # No rows of the old version remain, none are duplicated.
    assert store.count() == expected_rows(store)
    old_rows = store.chunks._collection.get(where={"sha": old_acme.sha256[:12]})
    assert old_rows["ids"] == []
    assert "ninety days" in store.policy("acme").text


def test_failed_write_leaves_the_old_version_whole(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = PolicyStore(settings, MiniLMEmbeddings())
    ingest_paths(store, [corpus])
    old = store.catalog()["acme"]
    counts = store.count()
    path = corpus / "acme.txt"
    path.write_text(path.read_text().replace("Acme", "Acme Corporation"))

    collection = type(store.policies)
    real_upsert = collection.upsert

    def crash(self, *args, **kwargs):  # the catalog write is the last step: crash just before it
        if self.name.endswith("-policies"):
            raise OSError("disk full")
        return real_upsert(self, *args, **kwargs)

    monkeypatch.setattr(collection, "upsert", crash)
    with pytest.raises(OSError, match="disk full"):
        ingest_paths(store, [corpus])
    monkeypatch.setattr(collection, "upsert", real_upsert)

    # Readers still see the old version, whole: catalog, and exactly its chunks through the filter.
    reader = PolicyStore(settings, MiniLMEmbeddings())
    assert reader.catalog()["acme"].sha256 == old.sha256
    visible = reader.chunks._collection.get(where=reader.chunk_filter(["acme"]))
    assert len(visible["ids"]) == old.chunks
    assert "Acme Corporation" not in reader.policy("acme").text

    # The next ingest finishes the job and leaves no orphan rows.
    report = ingest_paths(reader, [corpus])
    assert report.replaced == ["acme"]
    assert reader.count() == expected_rows(reader)
    assert reader.count()["policies"] == counts["policies"]


def test_remove_command_deletes_every_row(tmp_path: Path, corpus: Path) -> None:
    runner = CliRunner()
    store_args = ["--store", str(tmp_path / "store"), "--no-bundled"]
    assert runner.invoke(main, [*store_args, "ingest", str(corpus)]).exit_code == 0
    settings = Settings(store=tmp_path / "store", bundled=False)
    store = PolicyStore(settings, MiniLMEmbeddings())
    before = store.count()
    globex = store.catalog()["globex"]

    result = runner.invoke(main, [*store_args, "remove", "Globex"])
    assert result.exit_code == 0, result.output
    assert "Removed" in result.output

    after = PolicyStore(settings, MiniLMEmbeddings())
    assert "globex" not in after.catalog()
    assert after.count() == {"policies": before["policies"] - 1, "chunks": before["chunks"] - globex.chunks}
    assert after.chunks._collection.get(where={"policy_id": "globex"})["ids"] == []
    missing = runner.invoke(main, [*store_args, "remove", "Globex"])
    assert missing.exit_code == 1
    assert "No policy for 'Globex'" in missing.output
    assert "Traceback" not in missing.output


def test_a_taken_company_name_is_refused_before_anything_is_written(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    store = PolicyStore(settings, MiniLMEmbeddings())
    ingest_paths(store, [corpus])
    counts = store.count()
    other = tmp_path / "more"
    other.mkdir()
    (other / "fresh.txt").write_text("Fresh Co never shares your data with anyone.\n")
    (other / "acme2.txt").write_text("Acme's second policy says it keeps logs for a year.\n")
    (other / "manifest.json").write_text('{"acme2.txt": {"company": "ACME"}}')
    with pytest.raises(InputError, match="already indexed"):
        ingest_paths(store, [other])
    assert store.count() == counts
    assert "fresh" not in store.catalog()


@pytest.mark.parametrize(("fmt", "rows"), [(1, "sentences"), (2, "chunks"), (3, "chunks")])
def test_an_index_of_an_earlier_format_is_upgraded_without_losing_a_policy(
    settings: Settings, fmt: int, rows: str
) -> None:
    # An index as an earlier version left it: a catalog record holding the full text, and rows
    # (format 1: a third collection of sentences; formats 2 and 3: chunks cut by an earlier chunker).
    client = open_client(settings)
    (settings.store / FORMAT_FILE).write_text(f'{{"format": {fmt}}}')
    old = index_name(MiniLMEmbeddings().name, settings.chunk_chars, fmt=fmt)
    text = (FIXTURES / "acme.txt").read_text()
    catalog = client.get_or_create_collection(f"{old}-policies", embedding_function=None)
    meta = {"company": "Acme", "aliases": '["Acme Corp"]', "effective": "2024-01-01", "source": "acme.txt"}
    catalog.add(ids=["acme"], embeddings=[[0.05] * 384], documents=[text], metadatas=[{**meta, "sha256": "0" * 64}])
    client.get_or_create_collection(f"{old}-{rows}", embedding_function=None).add(
        ids=["acme:x:s0"], embeddings=[[0.05] * 384], metadatas=[{"policy_id": "acme"}]
    )

    assistant = build_assistant(settings)
    info = assistant.store.catalog()["acme"]
    assert (info.company, info.aliases, info.effective, info.source) == (
        "Acme",
        ("Acme Corp",),
        "2024-01-01",
        "acme.txt",
    )
    assert assistant.store.policy("acme").text == text
    answer = assistant.ask("Does Acme sell my data?")
    assert answer.per_company[0].citations
    assert all(c.quote == text[c.start : c.end] for c in answer.per_company[0].citations)
    names = [c.name for c in assistant.store.client.list_collections()]
    assert not [n for n in names if n.startswith(old)]
    assert f'"format": {FORMAT_VERSION}' in (settings.store / FORMAT_FILE).read_text()

    # The next start finds nothing to upgrade and indexes nothing again.
    embedder = CountingEmbeddings()
    assert upgrade_index(PolicyStore(settings, embedder)) is None
    assert embedder.embedded == 0
