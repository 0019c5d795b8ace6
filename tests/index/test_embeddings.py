from __future__ import annotations

import threading

import numpy as np

from index.embeddings import SentenceTransformerEmbedder
from tests.conftest import SAMPLE


def test_counting_tokens_while_another_thread_embeds(real_embedder: SentenceTransformerEmbedder) -> None:
    """An answer (embedding) during a re-index (counting tokens for chunking) shares one model."""
    sentences = [s for s in SAMPLE.read_text().replace("\n", " ").split(". ") if s]
    long_texts = [" ".join(sentences) * 3] * 2  # longer than the model's limit: truncated when embedded
    expected_vectors = real_embedder.embed(sentences[:8])
    expected_counts = real_embedder.count_tokens(long_texts)
    errors: list[BaseException] = []
    done = threading.Event()

    def count() -> None:
        try:
            while not done.is_set():
                assert real_embedder.count_tokens(long_texts) == expected_counts
        except BaseException as exc:
            errors.append(exc)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        for _ in range(8):
            assert np.allclose(real_embedder.embed(sentences[:8] + long_texts)[:8], expected_vectors, atol=1e-5)
    finally:
        done.set()
        counter.join()
    assert errors == []
