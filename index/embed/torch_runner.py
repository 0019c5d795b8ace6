"""Embedding with sentence-transformers on PyTorch: any model it can load, in fp32.

The runner for models ONNX Runtime is not used for, and for the bundled one
when asked for; PyTorch is imported only when a model is first used.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from index.embed.bundled import _BUNDLED_ALIASES, DEFAULT_MODEL, bundled_model_path, model_name


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use.

    Loading costs seconds (mostly importing PyTorch), so commands that turn out
    to have nothing to embed, like a re-index with no changes, never pay it.
    """

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64) -> None:
        self._bundled = model in _BUNDLED_ALIASES
        self.name = model_name(model)
        self._source = model
        self._batch_size = batch_size
        self._model: Any = None
        self._counter: Any = None
        self._loading = threading.Lock()
        self._counting = threading.Lock()

    @property
    def model(self) -> Any:
        with self._loading:
            if self._model is None:
                from sentence_transformers import SentenceTransformer  # heavy import
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                self._model = SentenceTransformer(
                    bundled_model_path() if self._bundled else self._source,
                    local_files_only=self._bundled,
                )
                # Counting tokens calls the tokenizer without truncation, which
                # changes its settings; a copy of its own keeps that away from
                # ``encode`` running meanwhile in another thread (an answer
                # during a re-index).
                self._counter = copy.deepcopy(self._model.tokenizer)
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        self.model  # noqa: B018 - loads the model and the counting tokenizer
        with self._counting:
            encoded = self._counter(list(texts), add_special_tokens=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        return self.model.encode(
            list(texts),
            batch_size=batch_size or self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
