"""The kinds of embedding run there are: which backend runs a model, and in which precision.

Their own module so that the runners and ``load_embedder``, which chooses
between them, all name them without importing one another.
"""

from __future__ import annotations

from typing import Literal

Backend = Literal["onnx", "torch"]
Precision = Literal["int8", "fp32"]  # of the weights ONNX Runtime runs
