"""The query adapter: it carries a question's embedding toward the clauses that answer it.

all-MiniLM-L6-v2 was trained on general sentence pairs. A privacy question and the clause that answers
it ("How long do you keep my data?" and "We retain account information for 30 days after you close your
account") sit further apart in its space than its training needed. The adapter has two parts, both
learned from questions with annotated answers:

- low-rank updates to the model's linear layers (B A added to each weight, rank 16), used only to embed
  questions: a copy of the model with the updates merged reads the question;
- a 384 x 384 matrix W after it: the question's vector q becomes normalise(q + qW).

Both are fit together with a listwise loss over every sentence of the question's own policy (the
sentences holding an answer against all the others). The sentence vectors in the index are not touched:
documents are embedded by the model as it ships, so an adapter costs no re-indexing.

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
    import torch

    from index.embeddings import Embedder

BUNDLED_DIR = Path(__file__).parent / "adapters"

# A low-rank update per linear layer: (down r x in, up out x r); the weight becomes W + up @ down.
Updates = dict[str, tuple["np.ndarray", "np.ndarray"]]


@dataclass
class Example:
    """One training question: its query vector, its policy, which of the policy's sentences answer it,
    and the texts the vector was embedded from (a fit that updates the model embeds them again)."""

    query_vector: np.ndarray
    policy_id: str
    answers: np.ndarray  # bool, one per sentence of the policy
    query: str = ""
    expansion: str = ""


class QueryAdapter:
    """q -> normalise(q + qW), q embedded by the model with the adapter's low-rank updates, if any."""

    def __init__(self, matrix: np.ndarray, updates: Updates | None = None, strength: float = 1.0) -> None:
        import numpy as np

        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise InputError(f"A query adapter is a square matrix; this one has shape {matrix.shape}.")
        self.matrix = matrix.astype(np.float32)
        self.updates = {
            name: (down.astype(np.float32), up.astype(np.float32)) for name, (down, up) in (updates or {}).items()
        }
        self.strength = strength  # the updates are merged at this fraction of their fitted size
        self._embedders: dict[str, Embedder] = {}

    @property
    def dimension(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def rank(self) -> int:
        """The rank of the updates to the model; 0 for an adapter that is the matrix alone."""
        return min((down.shape[0] for down, _ in self.updates.values()), default=0)

    def apply(self, vector: np.ndarray) -> np.ndarray:
        import numpy as np

        if vector.shape != (self.dimension,):
            raise InputError(
                f"The query adapter is for {self.dimension}-dimensional embeddings and the embedding model gives "
                f"{vector.shape[-1]}. Set POLICY_ASSISTANT_QUERY_ADAPTER=none, or fit one: policy-assistant adapt."
            )
        moved = vector + vector @ self.matrix
        return (moved / np.linalg.norm(moved)).astype(np.float32)

    def embedder(self, base: Embedder) -> Embedder:
        """What embeds questions: `base` itself, or (with updates) a copy of its model with them merged.
        The copy is made once; `base`, which embeds the documents, is left as it is."""
        if not self.updates:
            return base
        if base.name not in self._embedders:
            model = model_of(base)  # with it, `base` is a MiniLMEmbeddings and has `with_model`
            self._embedders[base.name] = base.with_model(merged(model, self.updates, self.strength))  # type: ignore[attr-defined]
        return self._embedders[base.name]

    def save(self, path: Path) -> None:
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {"matrix": self.matrix, "strength": np.array(self.strength)}
        for name, (down, up) in self.updates.items():
            arrays[f"{name}:down"], arrays[f"{name}:up"] = down, up
        with path.open("wb") as out:  # np.savez on a path would add ".npz" to any other suffix
            np.savez(out, **{key: array.astype(np.float16) for key, array in arrays.items()})  # half precision

    @classmethod
    def load(cls, path: Path) -> QueryAdapter:
        """An adapter file: the matrix alone (.npy, as fit before updates existed) or matrix and updates (.npz)."""
        import numpy as np

        try:
            stored = np.load(path, allow_pickle=False)
            if isinstance(stored, np.ndarray):
                return cls(stored)
            with stored:
                names = sorted({key.rsplit(":", 1)[0] for key in stored.files if ":" in key})
                updates = {name: (stored[f"{name}:down"], stored[f"{name}:up"]) for name in names}
                strength = float(stored["strength"]) if "strength" in stored.files else 1.0
                return cls(stored["matrix"], updates, strength)
        except (OSError, ValueError, KeyError) as err:
            raise InputError(f"Cannot read the query adapter {path}: {err}") from err


def model_of(embedder: Embedder) -> torch.nn.Module:
    """The sentence-transformers model behind `embedder`: what updates to the model are fit on and merged into."""
    model = getattr(embedder, "model", None)
    if model is None or not hasattr(embedder, "with_model"):
        raise InputError(
            f"Updates to the embedding model need a sentence-transformers model; {embedder.name} is not one."
        )
    return model


def merged(model: torch.nn.Module, updates: Updates, strength: float = 1.0) -> torch.nn.Module:
    """A copy of `model` with each named linear layer's weight W replaced by W + strength * up @ down."""
    import copy

    import torch

    tuned = copy.deepcopy(model)
    with torch.no_grad():
        for name, (down, up) in updates.items():
            try:
                weight = tuned.get_submodule(name).weight
            except AttributeError as err:
                raise InputError(
                    f"The query adapter updates {name}, which this embedding model does not have."
                ) from err
            if weight.shape != (up.shape[0], down.shape[1]):
                raise InputError(f"The query adapter's update for {name} does not fit this embedding model.")
            weight += torch.from_numpy(strength * (up @ down))
    return tuned.eval()


def bundled_adapter(model_name: str) -> Path | None:
    """The adapter that ships for an embedding model, if one does."""
    path = BUNDLED_DIR / f"{model_name}.npz"
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
            f"No query adapter file at {path}: pass 'bundled', 'none' or a file from policy-assistant adapt."
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
    model: torch.nn.Module | None = None,
    rank: int = 16,
    model_learning_rate: float = 1e-3,
    expansion_weight: float = 0.5,
) -> QueryAdapter:
    """Learn W so that each question's answering sentences outrank the rest of its policy; given the
    embedding `model`, learn low-rank updates to its linear layers with it (the model is not changed).

    A batch mixes questions on different policies (batches of one policy fit that policy and carry
    less to others): each question's softmax runs over its own policy's rows of one shared matrix.
    """
    import numpy as np
    import torch

    usable = [e for e in examples if e.answers.any()]
    if not usable:
        raise InputError("No training question has an answer among its policy's sentences.")
    if model is not None and not all(e.query for e in usable):
        raise InputError("Updating the embedding model needs each training question's text.")
    order = np.random.default_rng(seed)
    policies = sorted({e.policy_id for e in usable})
    offsets = np.cumsum([0] + [len(sentence_vectors[p]) for p in policies])
    where = {p: (int(offsets[i]), int(offsets[i + 1])) for i, p in enumerate(policies)}
    sentences = torch.from_numpy(np.concatenate([sentence_vectors[p] for p in policies]).astype(np.float32))
    queries = torch.from_numpy(np.stack([e.query_vector for e in usable]).astype(np.float32))
    dimension = queries.shape[1]
    matrix = torch.zeros(dimension, dimension, requires_grad=True)
    groups = [{"params": [matrix], "lr": learning_rate}]
    with torch.random.fork_rng():  # the updates' start and dropout are seeded without touching the caller's state
        torch.manual_seed(seed)
        if model is not None:
            tuned, low_rank = _with_low_rank(model, rank)
            groups.append(
                {
                    "params": [p for layer in low_rank.values() for p in (layer.down, layer.up)],
                    "lr": model_learning_rate,
                }
            )
        optimiser = torch.optim.Adam(groups)
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
                if model is None:
                    asked = queries[batch]
                else:
                    asked = _embed_questions(tuned, [usable[i] for i in batch], expansion_weight)
                moved = asked + asked @ matrix
                moved = moved / moved.norm(dim=1, keepdim=True)
                log_p = torch.log_softmax(moved @ sentences.T / temperature + own, dim=1)
                loss = -torch.logsumexp(log_p + answers, dim=1).mean() + weight_decay * (matrix**2).sum()
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
    updates = {name: layer.update() for name, layer in low_rank.items()} if model is not None else None
    return QueryAdapter(matrix.detach().numpy(), updates)


def _with_low_rank(model: torch.nn.Module, rank: int) -> tuple[torch.nn.Module, dict]:
    """A trainable copy of `model`: its own weights frozen, each linear layer of its transformer
    blocks given a low-rank update (up starts at zero, so the copy starts as the model)."""
    import copy

    import torch

    class LowRank(torch.nn.Module):
        def __init__(self, base: torch.nn.Linear) -> None:
            super().__init__()
            self.base, self.scale = base, 16.0 / rank
            self.down = torch.nn.Parameter(0.01 * torch.randn(rank, base.in_features))
            self.up = torch.nn.Parameter(torch.zeros(base.out_features, rank))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + (x @ self.down.T @ self.up.T) * self.scale

        def update(self) -> tuple[np.ndarray, np.ndarray]:
            return self.down.detach().numpy().copy(), (self.up * self.scale).detach().numpy()

    tuned = copy.deepcopy(model)
    for parameter in tuned.parameters():
        parameter.requires_grad = False
    names = [n for n, m in tuned.named_modules() if isinstance(m, torch.nn.Linear) and ".encoder.layer." in n]
    if not names:
        raise InputError("The embedding model has no transformer layers to update; fit without it.")
    layers = {}
    for name in names:
        parent, _, child = name.rpartition(".")
        layers[name] = LowRank(tuned.get_submodule(name))
        setattr(tuned.get_submodule(parent), child, layers[name])
    return tuned.train(), layers


def _embed_questions(model: torch.nn.Module, examples: list[Example], expansion_weight: float) -> torch.Tensor:
    """The questions' vectors as `Assistant.query_vector` makes them, with gradients: the question's own
    embedding plus its expansion's at `expansion_weight`, normalised."""
    import torch

    def embed(texts: list[str]) -> torch.Tensor:
        return torch.nn.functional.normalize(model(model.preprocess(texts))["sentence_embedding"], dim=1)

    vectors = embed([e.query for e in examples])
    expanded = [row for row, e in enumerate(examples) if e.expansion]
    if expanded:
        extra = torch.zeros_like(vectors)
        extra[expanded] = expansion_weight * embed([examples[row].expansion for row in expanded])
        vectors = torch.nn.functional.normalize(vectors + extra, dim=1)
    return vectors
