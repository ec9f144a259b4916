"""One typed settings tree. Only this module reads the environment.

Every field can be set as `POLICY_ASSISTANT_<FIELD>` (nested: `POLICY_ASSISTANT_LLM__BACKEND`),
or by the CLI options that mirror them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_store() -> Path:
    return Path(user_data_dir("policy-assistant", appauthor=False)) / "store"


class LLMSettings(BaseModel):
    """Optional LLM backend; `none` keeps the offline extractive answers."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["none", "openai", "ollama"] = Field(
        "none", description="`none` (extractive, offline), `openai` (any OpenAI-compatible server) or `ollama`."
    )
    model: str = Field("llama3.2", description="Model name the backend serves.")
    base_url: str | None = Field(
        None, description="Server URL, e.g. http://127.0.0.1:8080/v1 (llama.cpp) or http://127.0.0.1:11434 (Ollama)."
    )
    api_key: SecretStr | None = Field(None, description="API key for hosted OpenAI-compatible servers.")
    timeout: float = Field(30.0, gt=0, description="Seconds before the extractive answer is shown instead.")
    temperature: float = Field(0.0, ge=0, description="Sampling temperature.")


class RetrievalSettings(BaseModel):
    """Knobs of hybrid retrieval and clause selection, tuned on the development sets."""

    model_config = ConfigDict(extra="forbid")

    candidates: int = Field(
        12, ge=1, description="Chunks each ranking (dense, BM25, best sentence) proposes per company."
    )
    expansion_weight: float = Field(
        0.5, ge=0, description="Weight of the practice description's embedding added to the question's."
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(1.0, ge=0, description="Weight of dense chunk search in the fusion.")
    bm25_weight: float = Field(1.0, ge=0, description="Weight of BM25 chunk search in the fusion.")
    sentence_rank_weight: float = Field(
        1.0, ge=0, description="Weight of the chunks' best-sentence ranking in the fusion."
    )
    sentence_weight: float = Field(1.0, ge=0, description="Weight of a sentence's embedding similarity in its score.")
    bm25_sentence_weight: float = Field(0.15, ge=0, description="Weight of a sentence's own BM25 score in its score.")
    practice_weight: float = Field(
        0.15, ge=0, description="Bonus for sentences that speak to the practice asked about."
    )
    answered_weight: float = Field(
        0.3,
        ge=0,
        description="For a question a worked example asked of another policy: weight of how alike the questions "
        "each sentence answers are to it.",
    )
    chunk_weight: float = Field(
        1.5, ge=0, description="Weight of a sentence's chunk's embedding similarity in its score."
    )
    temperature: float = Field(
        0.15, gt=0, description="Softmax temperature that turns sentence scores into the chance each holds the answer."
    )
    length_cost: float = Field(
        0.08, ge=0, description="What a citation's length costs, per 1,000 characters, against the chance it covers."
    )
    clause_chunks: int = Field(12, ge=1, description="Best fused chunks in which clauses are chosen.")
    sentence_chunks: int = Field(
        3, ge=0, description="Chunks of the best-scoring sentences that compete for clauses however their chunks fuse."
    )
    practice_clauses: int = Field(
        3,
        ge=0,
        description="Best clauses stating the practice asked about added to a company's pool after the windows.",
    )
    qualify_margin: float = Field(0.1, ge=0, description="A lower clause qualifies a denial only within this score.")
    sense_qualify_margin: float = Field(
        0.6,
        ge=0,
        description="The same for a narrower question (third-party tracking, training AI): its clauses use its own words.",
    )
    max_citation_chars: int = Field(
        600, ge=50, description="The longest citation of several sentences (one sentence may be longer)."
    )


class Settings(BaseSettings):
    """policy-assistant's settings. Every field documents itself in `--help` and the README."""

    model_config = SettingsConfigDict(
        env_prefix="POLICY_ASSISTANT_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    store: Path = Field(default_factory=default_store, description="Folder of the on-disk index (embedded Chroma).")
    chroma_url: str | None = Field(None, description="Use a Chroma server (http://host:port) instead of `store`.")
    catalog_ttl: float = Field(
        5.0,
        ge=0,
        description="With a Chroma server: seconds before the list of policies is re-read (others may write).",
    )
    bundled: bool = Field(True, description="Fill an empty index with the five bundled policies on first use.")
    embedding_model: str = Field(
        "all-MiniLM-L6-v2", description="Sentence-transformers model: the bundled name or a local folder."
    )
    chunk_chars: int = Field(900, ge=200, description="Target size of a chunk; paragraphs are never split below it.")
    k: int = Field(3, ge=1, le=20, description="Citations shown per company.")
    query_adapter: str = Field(
        "bundled",
        description="Query adapter: 'bundled' (the one that ships for the bundled model), 'none', "
        "or a file from `policy-assistant adapt`.",
    )
    reranker: Path | None = Field(None, description="Local folder of a sentence-transformers CrossEncoder (optional).")
    ingest_batch: int = Field(
        4096, ge=1, description="Sentences embedded and written together at ingest (larger: faster, more memory)."
    )
    max_file_mb: float = Field(10.0, gt=0, description="Largest policy file (or fetched page) accepted, in MB.")
    fetch_timeout: float = Field(20.0, gt=0, description="Seconds to wait for a policy page when ingesting a URL.")
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted.")
    concurrency: int = Field(
        4,
        ge=1,
        description="Questions the app works on at once (chat, /ask, compare); more overlap waiting for a language "
        "model, while retrieval shares the machine's cores.",
    )
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
