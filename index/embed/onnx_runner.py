"""The bundled embedding model served by ONNX Runtime.

Loading sentence-transformers means importing PyTorch, transformers and
scikit-learn: five seconds or more before the first question can be embedded.
ONNX Runtime and the model's own fast tokenizer load in a fraction of that and,
in fp32, compute the same vectors (cosine 1.0 to the sentence-transformers
ones), so every answer starts sooner and takes less memory.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embed.export import _session
from index.embed.pooling import _vectors
from index.embed.types import Precision

BATCH = 32  # texts per run; they are sorted by length first, so padding stays small
# Tokens per run (texts x the longest one's tokens). ONNX Runtime keeps the
# memory of its largest run: 32 texts of 256 tokens took the process to about
# 1 GB, 8 of them (this budget) to under 0.4 GB, at the same speed.
TOKEN_BUDGET = 2048
WINDOW = 1024  # texts tokenized and sorted together; a long list is taken in windows


class OnnxEmbedder:
    """A mean-pooled sentence-transformers model (the bundled one) run by ONNX Runtime."""

    def __init__(
        self, name: str, model_dir: Path, cache_dir: Path, batch_size: int = BATCH, precision: Precision = "int8"
    ) -> None:
        self.name = name
        self.precision = precision
        self._model_dir = Path(model_dir)
        self._cache_dir = Path(cache_dir)
        self._batch_size = batch_size
        self._session: Any = None
        self._tokenizer: Any = None
        self._counter: Any = None
        self._loading = threading.Lock()
        config = json.loads((self._model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self._max_tokens = int(config["max_seq_length"])
        self._dimension = int(json.loads((self._model_dir / "config.json").read_text(encoding="utf-8"))["hidden_size"])

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def _load(self) -> None:
        with self._loading:
            if self._session is not None:
                return
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self._model_dir / "tokenizer.json"))
            tokenizer.no_padding()  # the file pads to a fixed length; batches are padded here instead
            counter = Tokenizer.from_str(tokenizer.to_str())
            counter.no_truncation()
            tokenizer.enable_truncation(self._max_tokens)
            session = _session(self._model_dir, self._cache_dir, self.precision)
            self._tokenizer, self._counter, self._session = tokenizer, counter, session

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        self._load()
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=False)]

    def embed(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        if not texts:
            return out
        self._load()
        size = batch_size or self._batch_size
        for first in range(0, len(texts), WINDOW):
            encodings = self._tokenizer.encode_batch(texts[first : first + WINDOW])
            for rows in _batches([len(e.ids) for e in encodings], size):
                out[[first + r for r in rows]] = _vectors(self._session, [encodings[r] for r in rows])
        return out


def _batches(lengths: list[int], most: int) -> list[list[int]]:
    """Positions grouped into runs, longest first: at most ``most`` texts and ``TOKEN_BUDGET`` padded tokens each.

    Texts of like length run together, so little is padding; a text longer
    than the budget runs alone.
    """
    order = sorted(range(len(lengths)), key=lengths.__getitem__, reverse=True)
    batches, start = [], 0
    while start < len(order):
        size = max(1, min(most, TOKEN_BUDGET // max(1, lengths[order[start]])))
        batches.append(order[start : start + size])
        start += size
    return batches
