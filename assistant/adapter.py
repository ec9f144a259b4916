"""The query adapter: a linear map that carries a question's embedding toward the clauses that answer it.

all-MiniLM-L6-v2 was trained on general sentence pairs. A privacy question and the clause that answers
it ("How long do you keep my data?" and "We retain account information for 30 days after you close your
account") sit further apart in its space than its training needed. The adapter is a 384 x 384 matrix W,
learned from questions with annotated answers: a question's vector q becomes normalise(q + qW).

It is fit with a listwise loss over every sentence of the question's own policy (the sentences holding
an answer against all the others), with weight decay on W. The sentence vectors in the index are not
touched: the adapter costs one small matrix product per question, and no re-indexing.

The adapter bundled for all-MiniLM-L6-v2 was fit on PolicyQA's development questions with
`policy-assistant adapt`. `policy-assistant eval` scores it only on policies it was not fit on: it
refits the adapter once per fold, cross-validated by policy (docs/retrieval.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import InputError

if TYPE_CHECKING:
    import numpy as np

BUNDLED_DIR = Path(__file__).parent / "adapters"


@dataclass
class Example:
    """One training question: its query vector, its policy, which of the policy's sentences answer it."""

    query_vector: np.ndarray
    policy_id: str
    answers: np.ndarray  # bool, one per sentence of the policy


class QueryAdapter:
    """q -> normalise(q + qW)."""

    def __init__(self, matrix: np.ndarray) -> None:
        import numpy as np

        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise InputError(f"A query adapter is a square matrix; this one has shape {matrix.shape}.")
        self.matrix = matrix.astype(np.float32)

    @property
    def dimension(self) -> int:
        return int(self.matrix.shape[0])

    def apply(self, vector: np.ndarray) -> np.ndarray:
        import numpy as np

        if vector.shape != (self.dimension,):
            raise InputError(
                f"The query adapter is for {self.dimension}-dimensional embeddings and the embedding model gives "
                f"{vector.shape[-1]}. Set POLICY_ASSISTANT_QUERY_ADAPTER=none, or fit one: policy-assistant adapt."
            )
        moved = vector + vector @ self.matrix
        return (moved / np.linalg.norm(moved)).astype(np.float32)

    def save(self, path: Path) -> None:
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:  # np.save on a path would add ".npy" to any other suffix
            np.save(out, self.matrix.astype(np.float16))  # half precision: 288 KiB

    @classmethod
    def load(cls, path: Path) -> QueryAdapter:
        import numpy as np

        try:
            return cls(np.load(path, allow_pickle=False))
        except (OSError, ValueError) as err:
            raise InputError(f"Cannot read the query adapter {path}: {err}") from err


def bundled_adapter(model_name: str) -> Path | None:
    """The adapter that ships for an embedding model, if one does."""
    path = BUNDLED_DIR / f"{model_name}.npy"
    return path if path.is_file() else None


def load_adapter(choice: str, model_name: str) -> QueryAdapter | None:
    """The adapter a setting names: 'bundled' (the model's own, if it has one), 'none', or a file."""
    if choice.lower() == "none":
        return None
    if choice.lower() == "bundled":
        path = bundled_adapter(model_name)
        return QueryAdapter.load(path) if path else None
    path = Path(choice).expanduser()
    if not path.is_file():
        raise InputError(
            f"No query adapter file at {path}: pass 'bundled', 'none' or a .npy from policy-assistant adapt."
        )
    return QueryAdapter.load(path)


def fit(
    examples: list[Example],
    sentence_vectors: Mapping[str, np.ndarray],
    epochs: int = 5,
    weight_decay: float = 1e-3,
    temperature: float = 0.05,
    learning_rate: float = 1e-3,
    batch_size: int = 32,
    seed: int = 0,
) -> QueryAdapter:
    """Learn W so that each question's answering sentences outrank the rest of its policy.

    A batch mixes questions on different policies (batches of one policy fit that policy and carry
    less to others): each question's softmax runs over its own policy's rows of one shared matrix.
    """
    import numpy as np
    import torch

    usable = [e for e in examples if e.answers.any()]
    if not usable:
        raise InputError("No training question has an answer among its policy's sentences.")
    order = np.random.default_rng(seed)  # the only randomness: W starts at zero
    policies = sorted({e.policy_id for e in usable})
    offsets = np.cumsum([0] + [len(sentence_vectors[p]) for p in policies])
    where = {p: (int(offsets[i]), int(offsets[i + 1])) for i, p in enumerate(policies)}
    sentences = torch.from_numpy(np.concatenate([sentence_vectors[p] for p in policies]).astype(np.float32))
    queries = torch.from_numpy(np.stack([e.query_vector for e in usable]).astype(np.float32))
    dimension = queries.shape[1]
    matrix = torch.zeros(dimension, dimension, requires_grad=True)
    optimiser = torch.optim.Adam([matrix], lr=learning_rate)
    for _ in range(epochs):
        shuffled = order.permutation(len(usable))
        for first in range(0, len(shuffled), batch_size):
            batch = shuffled[first : first + batch_size]
            # -inf outside each question's own policy, and outside its answers for the numerator
            own = torch.full((len(batch), len(sentences)), -torch.inf)
            answers = torch.full((len(batch), len(sentences)), -torch.inf)
            for row, i in enumerate(batch):
                start, end = where[usable[i].policy_id]
                own[row, start:end] = 0.0
                answers[row, start:end][torch.from_numpy(usable[i].answers)] = 0.0
            moved = queries[batch] + queries[batch] @ matrix
            moved = moved / moved.norm(dim=1, keepdim=True)
            log_p = torch.log_softmax(moved @ sentences.T / temperature + own, dim=1)
            loss = -torch.logsumexp(log_p + answers, dim=1).mean() + weight_decay * (matrix**2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return QueryAdapter(matrix.detach().numpy())
