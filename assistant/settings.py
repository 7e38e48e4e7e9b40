"""The one settings object of Veiviser (env prefix VEIVISER_, nested with __).

Examples: ``VEIVISER_INDEX__CHROMA__MODE=http``, ``VEIVISER_LLM__BACKEND=openai``,
``VEIVISER_LLM__BASE_URL=http://127.0.0.1:8080/v1``, ``VEIVISER_INDEX__EMBEDDING__MODEL=/models/e5-base``.
"""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.config import IndexConfig
from ingest.errors import ConfigError

_PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "admin", "password", "test"}


class RetrievalConfig(BaseModel):
    """Hybrid retrieval: dense + BM25 fused by weighted reciprocal rank."""

    top_k: int = Field(default=8, ge=1, le=50, description="Passages returned by search and given to the composer.")
    candidates: int = Field(default=40, ge=5, le=200, description="Candidates taken from each retriever before fusion.")
    rrf_k: int = Field(default=60, ge=1, le=1000, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(default=1.0, ge=0.0, le=10.0)
    lexical_weight: float = Field(default=1.0, ge=0.0, le=10.0)
    query_expansion: bool = Field(default=True, description="Norwegian compound/abbreviation expansion of the query.")
    spelling_correction: bool = Field(
        default=True,
        description="Mend slips and missing æøå in Norwegian questions to the sources' words, and an English "
        "question's slips to English words (assistant.spelling).",
    )


class FinderConfig(BaseModel):
    """The service finder's ranking (tuned on the dev split of the situation slice)."""

    dense_weight: float = Field(default=0.7, ge=0.0, le=1.0, description="Meaning vs words in a row's score.")
    lexicon_weight: float = Field(default=0.7, ge=0.0, le=5.0, description="Weight of words the lexicon adds.")
    age_weight: float = Field(default=0.3, ge=0.0, le=5.0, description="Weight of age-group words.")
    top_rows: int = Field(default=3, ge=1, le=20)
    best_row_weight: float = Field(default=1.0, ge=0.0, le=5.0)
    top_rows_weight: float = Field(default=0.5, ge=0.0, le=5.0)
    profile_weight: float = Field(default=0.5, ge=0.0, le=5.0)
    named_bonus: float = Field(default=0.5, ge=0.0, le=5.0, description="A service the situation names.")
    acute_bonus: float = Field(
        default=0.5, ge=0.0, le=5.0, description="Under a safety notice: the services that help first for that danger."
    )
    age_mismatch_factor: float = Field(
        default=0.65,
        ge=0.0,
        le=1.0,
        description="A child-specific service whose age range holds none of the ages stated: its score × this.",
    )
    age_match_bonus: float = Field(
        default=0.1, ge=0.0, le=5.0, description="A child-specific service made for an age the situation states."
    )
    partner_weight: float = Field(default=1.0, ge=0.0, le=5.0, description="Weight of the partners column.")
    service_words_weight: float = Field(default=1.0, ge=0.0, le=5.0, description="BM25 on the service's words.")
    min_services: int = Field(default=1, ge=1, le=50, description="Always show at least this many services.")
    chat_min_services: int = Field(
        default=1,
        ge=1,
        le=10,
        description="A chat answer names at least this many services (when that many fit at all); more only when "
        "they clear the finder's bar (the runner-up's is low: `second_relative_score`). Dev: 3 -> 2 raised line "
        "precision 0.512 -> 0.543 at the cost of one situation's must service in the chat (0.926 -> 0.912); 2 -> 1 "
        "(8 of 72 dev situations then name one service, the rest two or three) raised it 0.716 -> 0.741 (English "
        "0.594 -> 0.607, typos 0.693 -> 0.718) with key facts and the chat's must services equal.",
    )
    min_relative_score: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Show a service only when its score is at least this share of the way from the median "
        "service's score to the best one's (0 shows every service up to the limit).",
    )
    second_relative_score: float = Field(
        default=0.4,
        ge=0.0,
        le=1.0,
        description="The runner-up is shown from this share on (lower than `min_relative_score`): when the best "
        "service is wrong, the second is the likeliest right one, and one service alone is a confident answer.",
    )
    later_relative_score: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="The fourth service and those after it are shown from this share on (higher than "
        "`min_relative_score`): the further down the list, the less often a service fits, so a long list is shown "
        "only for services nearly as strong as the best.",
    )
    one_relative_score: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="When a chat question asks for one service or offer («Hvilken tjeneste …?», «Hva heter "
        "tilbudet?», «Which service …?»), a service after the best is named only from this share on (0: as for any "
        "situation). Dev: 0.6 -> line precision 0.799 -> 0.807, 0.8 -> 0.815 (typos 0.747 -> 0.764, English 0.685 "
        "-> 0.694); key facts and the situations' chat services equal.",
    )
    profile_prose_nodes: int = Field(default=8, ge=0, le=100)
    measures_per_service: int = Field(default=3, ge=1, le=50, description="Measures per service at least.")
    max_measures_per_service: int = Field(default=5, ge=1, le=50, description="Measures per service at most.")
    measures_shown: int = Field(
        default=6, ge=1, le=100, description="Aim for this many measures in all: fewer services, more measures each."
    )


class SafetyConfig(BaseModel):
    """The semantic safety check beside the patterns (tuned on the dev split of eval/datasets/safety.jsonl)."""

    semantic: bool = Field(default=True, description="Also compare with vetted danger prototypes (needs the embedder).")
    min_similarity: float = Field(default=0.89, ge=-1.0, le=1.0, description="Nearest danger prototype at least this.")
    min_margin: float = Field(default=0.01, ge=-1.0, le=1.0, description="Nearer danger than calm by at least this.")


class ThemesConfig(BaseModel):
    """The planners' theme map (assistant/themes.py); both thresholds tuned on the dev split."""

    distance_threshold: float = Field(
        default=0.925, gt=0.0, lt=2.0, description="Cosine distance at which agglomerative clustering stops merging."
    )
    min_link_similarity: float = Field(
        default=0.20,
        ge=-1.0,
        le=1.0,
        description="A 2022 passage (by its nearest sentence) or row is linked to a theme at this nearness or more "
        "(the blend of `link_word_weight`); tuned with it on the dev split's judged links.",
    )
    link_word_weight: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="Weight of shared words (character n-grams) against meaning (centred cosine) in a link's "
        "nearness; 0 is meaning alone (dev link recall 0.47 at 0, 0.65 at 0.8, 0.71 with headings left out).",
    )


class AnswerConfig(BaseModel):
    """The extractive composer and the refusal rule."""

    min_support_score: float = Field(
        default=0.5, ge=0.0, le=1.1, description="A situation answer adds a prose sentence covering this much."
    )
    description_min_idf: float = Field(
        default=4.5,
        ge=0.0,
        description="A citizen's measure line quotes its row's description when the two share a word this rare "
        "(BM25 idf; 4.5 is a word in about 1 % of the passages) that the measure's name lacks.",
    )
    semantic_routing: bool = Field(
        default=True,
        description="A message the patterns read as a plain question but whose meaning reads as a situation "
        "gets services (assistant/intent_semantic.py).",
    )
    situation_min_probability: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="The semantic router's probability needed (tuned on dev: it adds no false situation there).",
    )
    max_sentences: int = Field(default=6, ge=1, le=30)
    min_relative_unit_score: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="An answer line must score at least this share of the best line (0: no relative cut). "
        "Chosen on dev with the meaning blend below: key facts 0.725 -> 0.792, line precision 0.379 -> 0.400.",
    )
    unit_meaning_weight: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="How much a line's closeness in meaning to the question (its vector, stored at ingest) counts "
        "beside the share of the question's words it holds (0: words only).",
    )
    other_passage_relative_unit_score: float = Field(
        default=0.7,
        ge=0.0,
        le=1.0,
        description="A Norwegian question's answer line from another passage than the lead's must score at least "
        "this share of the lead (lines beside it, and the other rows of the lead's service, keep "
        "`min_relative_unit_score`). Dev plateau 0.65-0.75: line precision 0.543 -> 0.587 at 0.7, key facts and "
        "cited evidence equal; 0.8 loses key facts.",
    )
    confident_lead_score: float = Field(
        default=0.65,
        ge=0.0,
        le=2.0,
        description="A lead line scoring this or more answers clearly: the lines beside it must then score "
        "`confident_relative_unit_score` of it. A weak lead (an English or misspelt question's flatter scores) "
        "keeps the wider cut. Dev plateau 0.6-0.7: line precision 0.615 -> 0.677, multilingual 0.557 -> 0.571, "
        "typos 0.620 -> 0.659, key facts equal on all four dev sets; 0.55 loses key facts.",
    )
    confident_relative_unit_score: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="The relative cut under a clear lead (`confident_lead_score`). Dev: 0.75 gains less line "
        "precision (0.646), 0.9 loses key facts on the multilingual and typo sets.",
    )
    subsumed_relative_unit_score: float = Field(
        default=0.75,
        ge=0.0,
        le=1.0,
        description="A supporting line that holds none of the question's words the lines above it lack (in any "
        "inflection) must score at least this share of the lead (0: no such cut). Dev: 0.7 gains less line "
        "precision, 0.8 loses key facts on the main, English and multilingual sets.",
    )
    workshop_section_min_similarity: float = Field(
        default=0.89,
        ge=-1.0,
        le=1.0,
        description="A question to one workshop is answered from the section of its report whose heading is this "
        "near in meaning (the cosine of their query vectors): «Hva bør barnevernet gjøre mindre av, ifølge "
        "barnevernsverkstedet?» from «Hva bør vi gjøre mindre av?». 1.0: never.",
    )
    summary_link_min_similarity: float = Field(
        default=0.45,
        ge=-1.0,
        le=1.0,
        description="A planner's chat answer shows a 2022 link from this similarity on (the theme map and the "
        "exports list every link from `themes.min_link_similarity`). Dev: 0.40 keeps weak links, 0.45 -> line "
        "precision 0.815 -> 0.823, English 0.694 -> 0.739, multilingual 0.633 -> 0.676, cross-lingual 0.593 -> "
        "0.632; 0.50 drops a link that answers.",
    )
    answer_type_bonus: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Added to a line's score when it holds the kind of answer the question expects (a share, a "
        "date, an age range, a price as the sources state it). Dev: 0.1 and 0.2 alike (multilingual line precision "
        "0.402 -> 0.414, key facts equal); at 0.1 the ages of «Hvilken aldersgruppe er Ungdomstorget for?» still "
        "came second.",
    )
    unit_meaning_floor: float = Field(
        default=0.7, ge=-1.0, le=1.0, description="Cosine similarity that counts as 0 closeness (e5-small scale)."
    )
    unit_meaning_ceiling: float = Field(
        default=0.9, ge=-1.0, le=1.0, description="Cosine similarity that counts as full closeness."
    )
    min_term_coverage: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Share of the question's content terms the evidence must cover.",
    )
    min_dense_score_foreign: float = Field(
        default=0.80,
        ge=-1.0,
        le=1.0,
        description="For a question in English or another language: the best dense similarity needed to answer.",
    )
    min_dense_score: float = Field(
        default=0.855,
        ge=-1.0,
        le=1.0,
        description=(
            "Low term coverage is forgiven when the best dense cosine similarity reaches this value. "
            "Tuned on the dev split for multilingual-e5-small; re-tune for another embedding model."
        ),
    )


class LLMConfig(BaseModel):
    """An optional OpenAI-compatible LLM server (vLLM, llama.cpp server, Ollama, hosted)."""

    backend: Literal["none", "openai"] = Field(
        default="none", description="'none' answers with the embedded extractive composer."
    )
    base_url: str = "http://127.0.0.1:8080/v1"
    model: str = "local-model"
    api_key: SecretStr = SecretStr("not-needed")
    timeout_s: float = Field(default=30.0, gt=0, le=600, description="Longest wait for one LLM call.")
    deadline_s: float = Field(
        default=45.0,
        gt=0,
        le=1200,
        description="Longest time one request spends on the LLM, across its calls; then the extractive answer.",
    )
    max_concurrent: int = Field(
        default=4, ge=1, le=256, description="LLM calls at once per process; past it, the extractive answer."
    )
    temperature: float = Field(default=0.1, ge=0.0, le=2.0)
    max_tokens: int = Field(default=700, ge=16, le=8192)
    context_window: int = Field(default=8192, ge=512)


class APIConfig(BaseModel):
    """The HTTP API and UI."""

    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    admin_api_key: SecretStr | None = Field(
        default=None, description="Enables /admin/* and the feedback export; unset = disabled."
    )
    max_question_chars: int = Field(default=1000, ge=10, le=20000)
    max_history_turns: int = Field(default=20, ge=0, le=200)
    max_body_bytes: int = Field(
        default=256 * 1024, ge=1024, le=64 * 1024 * 1024, description="Larger request bodies get a 413 unread."
    )
    log_questions: bool = Field(
        default=False, description="Log question text (masked) for debugging; off: only intent, language, flags."
    )
    feedback_max_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1024, description="Size cap of the feedback file; past it new feedback gets 507."
    )
    feedback_retention_days: int = Field(
        default=90, ge=1, le=3650, description="Feedback older than this is deleted (checked hourly)."
    )
    worker_threads: int = Field(
        default=8,
        ge=1,
        le=256,
        description="API requests worked on at once (threads); more wait in line without holding a thread. "
        "Retrieval is CPU work under one GIL: many more threads than cores only slow every request and the "
        "event loop (health probes) with them.",
    )
    ui_concurrency: int = Field(
        default=4, ge=1, le=64, description="UI requests worked on at once (Gradio's queue); more wait in line."
    )
    ui_max_upload_bytes: int = Field(
        default=2 * 1024 * 1024, ge=1024, le=256 * 1024 * 1024, description="Largest file the UI accepts (an upload)."
    )
    reload_interval_s: float = Field(
        default=2.0,
        ge=0,
        le=3600,
        description="How often a server looks for an index generation committed by another process (0: never).",
    )


class Settings(BaseSettings):
    """All configuration, read from the environment (and an optional .env file)."""

    model_config = SettingsConfigDict(
        env_prefix="VEIVISER_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    environment: Literal["development", "production", "test"] = "development"
    index: IndexConfig = Field(default_factory=IndexConfig)
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    answer: AnswerConfig = Field(default_factory=AnswerConfig)
    finder: FinderConfig = Field(default_factory=FinderConfig)
    themes: ThemesConfig = Field(default_factory=ThemesConfig)
    safety: SafetyConfig = Field(default_factory=SafetyConfig)
    llm: LLMConfig = Field(default_factory=LLMConfig)
    api: APIConfig = Field(default_factory=APIConfig)

    @model_validator(mode="after")
    def _no_placeholder_secrets_in_production(self) -> Settings:
        key = self.api.admin_api_key
        if self.environment == "production" and key is not None:
            value = key.get_secret_value()
            if value.lower() in _PLACEHOLDER_SECRETS or len(value) < 16:
                raise ValueError(
                    "VEIVISER_API__ADMIN_API_KEY is a placeholder or shorter than 16 characters; "
                    "set a real secret in production"
                )
        return self


def load_settings() -> Settings:
    """The settings from the environment; ConfigError names each bad variable and what is wrong with it,
    without echoing the value (pydantic's own message would print a secret)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            where = "__".join(str(part).upper() for part in error.get("loc", ()) if part != "__root__")
            problems.append(f"VEIVISER_{where}: {error.get('msg', 'ugyldig verdi')}" if where else error["msg"])
        raise ConfigError("Ugyldig konfigurasjon – " + "; ".join(problems)) from None


def apply_process_environment() -> None:
    """Switch off telemetry and hub access for this process (before chromadb/gradio/HF import)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
