"""Sentence vectors from the ONNX graph: tokenized texts run as one padded batch, mean-pooled, unit length.

Its own module because both the runner and the check of a quantised graph
against the fp32 one compute vectors this way.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _vectors(session: Any, encodings: list[Any]) -> np.ndarray:
    """Unit sentence vectors of tokenized texts, run by ``session`` as one padded batch."""
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    (hidden,) = session.run(None, feed)
    return _normalised(_mean_pool(hidden, mask))


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[:, :, None].astype(hidden.dtype)
    return (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)


def _normalised(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
