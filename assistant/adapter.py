"""The query adapter: it carries a question's embedding toward the clauses that answer it.

all-MiniLM-L6-v2 was trained on general sentence pairs. A privacy question and the clause that answers
it ("How long do you keep my data?" and "We retain account information for 30 days after you close your
account") sit further apart in its space than its training needed. The adapter is learned from
questions with annotated answers:

- low-rank updates to the model's linear layers (B A added to each weight, rank 16), used only to embed
  questions: a copy of the model with the updates merged reads the question;
- a 384 x 384 matrix W after it: the question's vector q becomes normalise(q + qW);
- worked examples: the training questions' vectors and their answers' vectors. q moves toward the
  answers of the questions closest to it (their softmax-weighted mean, added at a weight of 0.3), and
  those answers' own words join the question's for BM25. When a worked example is the same question
  asked of another policy (PolicyQA's questions recur in nearly the same words), each sentence is also
  read as the questions whose answers it resembles (`questions_answered`), and the retriever adds its
  likeness to the question to the sentence's score;
- optionally (`adapt --document-rank`), low-rank updates of their own used only to embed documents: a
  second copy of the model reads every sentence at ingest. The index is named after them, so a store
  built with other updates, or none, is indexed again rather than searched with mismatched vectors.

Updates and matrix are fit together with a listwise loss over every sentence of the question's own
policy (the sentences holding an answer against all the others). Without document updates, as
bundled, documents are embedded as the model ships and an adapter costs no re-indexing.

The adapter bundled for all-MiniLM-L6-v2 was fit on PolicyQA's development questions with
`policy-assistant adapt`. `policy-assistant eval` scores it only on policies it was not fit on: it
refits the adapter once per fold, cross-validated by policy, with the fold's own questions as its
worked examples (docs/retrieval.md).
"""

from __future__ import annotations

import threading
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
DOCUMENTS = "documents/"  # the prefix of the document updates' names in an adapter file
# A question moves toward the answers of its closest worked examples (training questions):
EXAMPLE_NEIGHBOURS = 5  # how many
EXAMPLE_TEMPERATURE = 0.05  # softmax over their similarity to the question
EXAMPLE_WEIGHT = 0.3  # their answers' weighted mean, added to the question's vector at this weight
SAME_QUESTION = 0.9  # a worked example at least this alike (cosine) is the same question, asked of another policy
_ANSWERED_CACHE = 512  # policies whose sentences' answered questions are kept in memory
DOCUMENT_ROWS = 64  # sentences embedded again with gradients per batch, when documents are updated
DOCUMENT_NEIGHBOURS = 8  # of which, per question, its best-scoring sentences


@dataclass
class Example:
    """One training question: its query vector, its policy, which of the policy's sentences answer it,
    and the texts the vector was embedded from (a fit that updates the model embeds them again)."""

    query_vector: np.ndarray
    policy_id: str
    answers: np.ndarray  # bool, one per sentence of the policy
    query: str = ""
    expansion: str = ""
    answer_text: str = ""  # the annotated answers' own words


class QueryAdapter:
    """q -> normalise(q + qW), q embedded by the model with the adapter's low-rank updates, if any;
    documents embedded by the model with its document updates, if any."""

    def __init__(
        self,
        matrix: np.ndarray,
        updates: Updates | None = None,
        strength: float = 1.0,
        document_updates: Updates | None = None,
        examples: tuple[np.ndarray, np.ndarray] | None = None,
        example_texts: list[str] | None = None,
        trained_on: frozenset[str] | None = None,
    ) -> None:
        import numpy as np

        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise InputError(f"A query adapter is a square matrix; this one has shape {matrix.shape}.")
        self.matrix = matrix.astype(np.float32)
        self.updates = _as_float32(updates)
        self.document_updates = _as_float32(document_updates)
        self.strength = strength  # both kinds of updates are merged at this fraction of their fitted size
        self.examples = examples  # worked examples: (question vectors, their answers' vectors), row for row
        self.example_texts = example_texts  # and their answers' words, row for row (for BM25)
        self.trained_on = trained_on  # digests of the policies its questions were on; None: not recorded
        self._embedders: dict[tuple[str, str], Embedder] = {}
        self._embedders_lock = threading.Lock()  # one merged copy, however many questions come at once
        self._answered: dict[tuple[str, str], np.ndarray] = {}  # each policy's questions_answered (same lock)

    @property
    def dimension(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def rank(self) -> int:
        """The rank of the updates to the model for questions; 0 for an adapter that is the matrix alone."""
        return _rank(self.updates)

    @property
    def document_rank(self) -> int:
        """The rank of the updates to the model for documents; 0 when documents are embedded as it ships."""
        return _rank(self.document_updates)

    def apply(self, vector: np.ndarray) -> np.ndarray:
        return self.read(vector)[0]

    def read(self, vector: np.ndarray) -> tuple[np.ndarray, str]:
        """The question's vector moved as above, and the words of the answers to its closest worked
        examples: how other policies worded the answer to such a question, for BM25 to look for."""
        import numpy as np

        if vector.shape != (self.dimension,):
            raise InputError(
                f"The query adapter is for {self.dimension}-dimensional embeddings and the embedding model gives "
                f"{vector.shape[-1]}. Set POLICY_ASSISTANT_QUERY_ADAPTER=none, or fit one: policy-assistant adapt."
            )
        moved = vector + vector @ self.matrix
        moved = moved / np.linalg.norm(moved)
        words = ""
        if self.examples is not None:  # toward the answers of the closest worked examples
            import torch

            questions, answers = self.examples
            # through torch: numpy's BLAS, run right after the model, waits on torch's busy threads (+25 ms)
            similar = (torch.from_numpy(questions) @ torch.from_numpy(moved.astype(np.float32))).numpy()
            count = min(EXAMPLE_NEIGHBOURS, len(similar))
            nearest = np.argpartition(-similar, count - 1)[:count]
            weights = np.exp((similar[nearest] - similar[nearest].max()) / EXAMPLE_TEMPERATURE)
            moved = moved + EXAMPLE_WEIGHT * (weights / weights.sum()) @ answers[nearest]
            moved = moved / np.linalg.norm(moved)
            if self.example_texts is not None:
                words = " ".join(self.example_texts[i] for i in nearest[np.argsort(-similar[nearest])])
        return moved.astype(np.float32), words

    def asked_before(self, vector: np.ndarray) -> bool:
        """Whether a worked example is the same question as `vector` (moved as `read` moves it), asked of
        another policy: at least SAME_QUESTION alike."""
        if self.examples is None:
            return False
        import torch

        similar = torch.from_numpy(self.examples[0]) @ torch.from_numpy(vector.astype("float32"))
        return float(similar.max()) >= SAME_QUESTION

    def questions_answered(self, key: tuple[str, str], sentence_vectors: np.ndarray) -> np.ndarray:
        """Each sentence read as the questions it answers: the worked examples' question vectors, weighted by
        how alike their answers are to the sentence (its EXAMPLE_NEIGHBOURS closest answers, softmax at
        EXAMPLE_TEMPERATURE), one unit vector per sentence. The dual of `read`, which moves a question toward
        the answers of its closest examples. Kept per policy (`key`: its id and digest)."""
        import numpy as np
        import torch

        with self._embedders_lock:
            found = self._answered.get(key)
        if found is not None:
            return found
        if self.examples is None or not len(sentence_vectors):
            return np.zeros_like(sentence_vectors)
        questions, answers = (torch.from_numpy(x) for x in self.examples)
        similar = torch.from_numpy(sentence_vectors.astype(np.float32)) @ answers.T
        top, nearest = similar.topk(min(EXAMPLE_NEIGHBOURS, similar.shape[1]), dim=1)
        weights = torch.softmax(top / EXAMPLE_TEMPERATURE, dim=1)
        read = torch.nn.functional.normalize((weights.unsqueeze(2) * questions[nearest]).sum(dim=1), dim=1)
        found = read.numpy()
        with self._embedders_lock:
            while len(self._answered) >= _ANSWERED_CACHE:
                del self._answered[next(iter(self._answered))]
            self._answered[key] = found
        return found

    def embedder(self, base: Embedder) -> Embedder:
        """What embeds questions: `base` itself, or (with updates) a copy of its model with them merged.
        The copy is made once; `base` itself is left as it is."""
        return self._merged_into(base, "questions", self.updates)

    def documents(self, base: Embedder) -> Embedder:
        """What embeds documents: `base` itself, or (with document updates) a copy of its model with them
        merged, named apart (`base.name` + a digest of the updates) so an index built by one is never
        read as built by the other."""
        return self._merged_into(base, "documents", self.document_updates)

    def _merged_into(self, base: Embedder, side: str, updates: Updates) -> Embedder:
        if not updates:
            return base
        with self._embedders_lock:
            if (side, base.name) not in self._embedders:
                model = merged(model_of(base), updates, self.strength)  # with it, `base` has `with_model`
                name = f"{base.name}+{self.digest(updates)}" if side == "documents" else base.name
                self._embedders[side, base.name] = base.with_model(model, name)  # type: ignore[attr-defined]
            return self._embedders[side, base.name]

    def has_seen(self, policy_text: str) -> bool:
        """Whether the adapter was fit on questions about this policy (an adapter that does not record
        its policies, as those written before it did, is taken to have seen every one)."""
        return self.trained_on is None or policy_digest(policy_text) in self.trained_on

    def digest(self, updates: Updates) -> str:
        """A short digest of `updates` at this adapter's strength."""
        import hashlib

        h = hashlib.sha256(repr(self.strength).encode())
        for name in sorted(updates):
            down, up = updates[name]
            h.update(name.encode() + down.tobytes() + up.tobytes())
        return h.hexdigest()[:10]

    def save(self, path: Path) -> None:
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {"matrix": self.matrix, "strength": np.array(self.strength)}
        if self.examples is not None:
            arrays["example_questions"], arrays["example_answers"] = self.examples
        for prefix, updates in (("", self.updates), (DOCUMENTS, self.document_updates)):
            for name, (down, up) in updates.items():
                arrays[f"{prefix}{name}:down"], arrays[f"{prefix}{name}:up"] = down, up
        arrays = {key: array.astype(np.float16) for key, array in arrays.items()}  # half precision
        if self.example_texts is not None:  # UTF-8, one NUL between texts (a fixed-width array would be 30 MB)
            arrays["example_texts"] = np.frombuffer("\0".join(self.example_texts).encode(), dtype=np.uint8)
        if self.trained_on is not None:
            arrays["trained_on"] = np.frombuffer("\0".join(sorted(self.trained_on)).encode(), dtype=np.uint8)
        with path.open("wb") as out:  # np.savez on a path would add ".npz" to any other suffix
            np.savez(out, **arrays)

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
                found = {name: (stored[f"{name}:down"], stored[f"{name}:up"]) for name in names}
                updates = {n: u for n, u in found.items() if not n.startswith(DOCUMENTS)}
                documents = {n.removeprefix(DOCUMENTS): u for n, u in found.items() if n.startswith(DOCUMENTS)}
                strength = float(stored["strength"]) if "strength" in stored.files else 1.0
                examples = None
                if "example_questions" in stored.files:
                    examples = (
                        stored["example_questions"].astype(np.float32),
                        stored["example_answers"].astype(np.float32),
                    )
                texts = None
                if "example_texts" in stored.files:
                    texts = stored["example_texts"].tobytes().decode().split("\0")
                trained_on = None
                if "trained_on" in stored.files:
                    trained_on = frozenset(filter(None, stored["trained_on"].tobytes().decode().split("\0")))
                return cls(stored["matrix"], updates, strength, documents, examples, texts, trained_on)
        except (OSError, ValueError, KeyError) as err:
            raise InputError(f"Cannot read the query adapter {path}: {err}") from err


def policy_digest(text: str) -> str:
    """A policy's identity for `QueryAdapter.trained_on`: a digest of its text as indexed."""
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _as_float32(updates: Updates | None) -> Updates:
    import numpy as np

    return {name: (down.astype(np.float32), up.astype(np.float32)) for name, (down, up) in (updates or {}).items()}


def _rank(updates: Updates) -> int:
    return min((down.shape[0] for down, _ in updates.values()), default=0)


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
    sentence_texts: Mapping[str, list[str]] | None = None,
    document_rank: int = 0,
    fresh: int = DOCUMENT_ROWS,
    progress: bool = False,
) -> QueryAdapter:
    """Learn W so that each question's answering sentences outrank the rest of its policy; given the
    embedding `model`, learn low-rank updates to its linear layers with it (the model is not changed);
    given also `document_rank` and the texts each policy's sentence vectors were embedded from, learn
    updates for the model that embeds documents too.

    A batch mixes questions on different policies (batches of one policy fit that policy and carry
    less to others): each question's softmax runs over its own policy's rows of one shared matrix.
    When documents are updated, a batch holds the questions of one policy instead. Its sentences are
    embedded once an epoch without gradients; in each batch, the `fresh` rows that count most for its
    questions (their answers and closest other sentences) are embedded again with gradients.
    With `progress`, a bar counts the batches of all epochs.
    """
    import numpy as np
    import torch
    from tqdm import tqdm

    usable = [e for e in examples if e.answers.any()]
    if not usable:
        raise InputError("No training question has an answer among its policy's sentences.")
    if model is not None and not all(e.query for e in usable):
        raise InputError("Updating the embedding model needs each training question's text.")
    if document_rank and (model is None or sentence_texts is None):
        raise InputError("Updating how documents are embedded needs the model and the sentences' texts.")
    order = np.random.default_rng(seed)
    policies = sorted({e.policy_id for e in usable})
    offsets = np.cumsum([0] + [len(sentence_vectors[p]) for p in policies])
    where = {p: (int(offsets[i]), int(offsets[i + 1])) for i, p in enumerate(policies)}
    sentences = torch.from_numpy(np.concatenate([sentence_vectors[p] for p in policies]).astype(np.float32))
    queries = torch.from_numpy(np.stack([e.query_vector for e in usable]).astype(np.float32))
    dimension = queries.shape[1]
    matrix = torch.zeros(dimension, dimension, requires_grad=True)
    groups = [{"params": [matrix], "lr": learning_rate}]
    low_rank: dict = {}
    document_layers: dict = {}
    with torch.random.fork_rng():  # the updates' start and dropout are seeded without touching the caller's state
        torch.manual_seed(seed)
        if model is not None:
            tuned, low_rank = _with_low_rank(model, rank)
            groups.append({"params": _parameters(low_rank), "lr": model_learning_rate})
        if document_rank:
            reader, document_layers = _with_low_rank(model, document_rank)
            groups.append({"params": _parameters(document_layers), "lr": model_learning_rate})
        optimiser = torch.optim.Adam(groups)
        bar = tqdm(desc="Fitting the adapter", unit="batch", disable=not progress, dynamic_ncols=True, leave=False)
        for epoch in range(epochs):
            if document_rank:
                reader.eval()  # no dropout for the epoch's rows
                sentences = _embed_sentences(reader, [t for p in policies for t in sentence_texts[p]])  # type: ignore[index]
                reader.train()
                shuffled = order.permutation(len(usable))
                by_policy = [[i for i in shuffled if usable[i].policy_id == p] for p in policies]
                batches = [b[first : first + batch_size] for b in by_policy for first in range(0, len(b), batch_size)]
                batches = [batches[k] for k in order.permutation(len(batches))]
            else:
                shuffled = order.permutation(len(usable))
                batches = [shuffled[first : first + batch_size] for first in range(0, len(shuffled), batch_size)]
            bar.total = epochs * len(batches)  # batches per epoch are the same each epoch
            bar.set_postfix_str(f"epoch {epoch + 1}/{epochs}")
            for batch in batches:
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
                rows = sentences
                if document_rank:  # one policy: refresh the rows that count most, with gradients
                    policy = usable[batch[0]].policy_id
                    start, _ = where[policy]
                    picked = _rows_to_refresh(moved.detach(), sentences, own, answers, fresh)
                    rows = sentences.clone()
                    texts = sentence_texts[policy]  # type: ignore[index]
                    rows[picked] = _embed_sentences(reader, [texts[j - start] for j in picked.tolist()], grad=True)
                log_p = torch.log_softmax(moved @ rows.T / temperature + own, dim=1)
                loss = -torch.logsumexp(log_p + answers, dim=1).mean() + weight_decay * (matrix**2).sum()
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                bar.update()
        bar.close()
    updates = {name: layer.update() for name, layer in low_rank.items()} or None
    documents = {name: layer.update() for name, layer in document_layers.items()} or None
    return QueryAdapter(matrix.detach().numpy(), updates, document_updates=documents)


def _parameters(layers: dict) -> list:
    return [p for layer in layers.values() for p in (layer.down, layer.up)]


def _rows_to_refresh(
    moved: torch.Tensor, sentences: torch.Tensor, own: torch.Tensor, answers: torch.Tensor, count: int
) -> torch.Tensor:
    """The rows of one policy's sentences that count most for a batch of its questions: every answer,
    then the best-scoring other rows of each question, up to `count` in all."""
    import torch

    scores = moved @ sentences.T + own
    priority = torch.full((len(sentences),), -torch.inf)
    for row in range(len(scores)):
        best = scores[row].topk(min(DOCUMENT_NEIGHBOURS, int(torch.isfinite(scores[row]).sum()))).indices
        priority[best] = torch.maximum(priority[best], scores[row, best])
    priority[(answers == 0).any(dim=0)] = torch.inf
    chosen = priority.topk(min(count, int((priority > -torch.inf).sum()))).indices
    return chosen.sort().values


def _embed_sentences(model: torch.nn.Module, texts: list[str], grad: bool = False) -> torch.Tensor:
    """Unit vectors of `texts` by `model`, in batches of similar length (less padding)."""
    import numpy as np
    import torch

    order = np.argsort([len(t) for t in texts], kind="stable")
    parts = []
    with torch.set_grad_enabled(grad):
        for first in range(0, len(order), 32):
            batch = [texts[i] for i in order[first : first + 32]]
            parts.append(torch.nn.functional.normalize(model(model.preprocess(batch))["sentence_embedding"], dim=1))
    rows = torch.cat(parts) if parts else torch.zeros((0, 384))
    return rows[torch.from_numpy(np.argsort(order, kind="stable"))]


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
