from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from index.embed.base import Embedder, load_embedder
from index.embed.bundled import DEFAULT_MODEL, bundled_model_path
from index.embed.export import GRAPHS, INT8_MIN_COSINE, cache_folder, supports
from index.embed.onnx_runner import TOKEN_BUDGET, OnnxEmbedder, _batches
from index.embed.torch_runner import SentenceTransformerEmbedder
from index.embed.types import Precision
from index.errors import NewsqaError
from tests.conftest import DATA, SAMPLE

ROOT = Path(__file__).resolve().parents[3]


def test_counting_tokens_while_another_thread_embeds(real_embedder: Embedder) -> None:
    """An answer (embedding) during a re-index (counting tokens for chunking) shares one model."""
    sentences = [s for s in SAMPLE.read_text().replace("\n", " ").split(". ") if s]
    long_texts = [" ".join(sentences) * 3] * 2  # longer than the model's limit: truncated when embedded
    expected_vectors = real_embedder.embed(sentences[:8] + long_texts)[:8]
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


def test_runs_hold_every_text_once_within_the_token_budget() -> None:
    lengths = [256, 3, 40, 256, 17, 128, 90, 5] * 20
    batches = _batches(lengths, most=32)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 32
        assert len(batch) * max(lengths[i] for i in batch) <= TOKEN_BUDGET
    longest_first = [lengths[i] for batch in batches for i in batch]
    assert longest_first == sorted(lengths, reverse=True)
    # Runs are filled: every run but the last is as large as its longest text allows.
    for batch in batches[:-1]:
        assert len(batch) == min(32, TOKEN_BUDGET // lengths[batch[0]])
    assert len(batches[0]) == 8 and len(batches[-2]) == 32


def test_texts_keep_their_order_across_windows_and_runs(
    fp32_embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each text's vector lands in its own row, whatever run and window computed it."""
    assert isinstance(fp32_embedder, OnnxEmbedder)
    monkeypatch.setattr("index.embed.onnx_runner.WINDOW", 16)
    texts = [f"report {i} on the storm " * (1 + (i * 7) % 60) for i in range(40)]
    vectors = fp32_embedder.embed(texts)
    for i in (0, 1, 15, 16, 17, 31, 39):
        assert np.allclose(vectors[i], fp32_embedder.embed([texts[i]])[0], atol=1e-5)


def test_onnx_runtime_computes_the_sentence_transformers_vectors(
    real_embedder: Embedder, fp32_embedder: Embedder
) -> None:
    """ONNX Runtime in fp32 computes the model's own vectors; in int8 (the default) vectors close to
    them, so one index serves every backend and precision."""
    texts = [json.loads(line)["text"] for line in (DATA / "realtimeqa-slice.jsonl").read_text().splitlines()[:6]]
    texts += [SAMPLE.read_text(), "Who was blamed first?", ""]
    torch_model = SentenceTransformerEmbedder()
    assert isinstance(real_embedder, OnnxEmbedder) and real_embedder.precision == "int8"
    expected = torch_model.embed(texts)
    for runner in (real_embedder, fp32_embedder):
        assert runner.count_tokens(texts) == torch_model.count_tokens(texts)
        assert (runner.max_tokens, runner.dimension) == (torch_model.max_tokens, torch_model.dimension)
    assert np.sum(fp32_embedder.embed(texts) * expected, axis=1).min() > 0.9999
    int8 = np.sum(real_embedder.embed(texts) * expected, axis=1)
    assert int8.min() > INT8_MIN_COSINE and int8.mean() > 0.98
    assert int8.min() < 0.9999  # the quantised graph is the one running


def test_asking_process_does_not_load_pytorch(real_embedder: Embedder) -> None:
    """Once exported, the model runs without importing PyTorch: what makes a cold answer fast."""
    real_embedder.embed(["warm the cache"])
    script = (
        "import sys; from bot.app.settings import Settings; from index.embed.base import load_embedder;"
        "from index.embed.bundled import DEFAULT_MODEL;"
        "e = load_embedder(DEFAULT_MODEL, Settings(_env_file=None).model_cache); e.embed(['a question']);"
        "print(sorted({'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_two_first_uses_at_once_export_the_model_once(tmp_path: Path, real_embedder: Embedder) -> None:
    """A bot and an indexer starting together on a new machine share one export."""
    embedders = [load_embedder(DEFAULT_MODEL, tmp_path / "cache") for _ in range(2)]
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda e=e: results.append(e.embed(["Kerman attack"]))) for e in embedders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = real_embedder.embed(["Kerman attack"])
    assert len(results) == 2 and all(np.allclose(r, expected, atol=1e-5) for r in results)
    files = sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert files == ["export.lock", "model-int8.onnx", "model.onnx", "weights.json"]


def test_every_installed_copy_of_the_model_shares_one_export(tmp_path: Path) -> None:
    """Each virtualenv installs its own copy of the weights, at another path and time: one export serves them all."""
    installed = Path(bundled_model_path())
    copy = tmp_path / "another-venv" / installed.name
    shutil.copytree(installed, copy)
    os.utime(copy / "model.safetensors", (1, 1))
    cache = tmp_path / "cache"
    folders = {cache_folder(model_dir, cache) for model_dir in (installed, copy, copy)}
    assert len(folders) == 1
    assert len(json.loads((cache / "weights.json").read_text())) == 2


def test_other_models_and_the_torch_backend_use_sentence_transformers(tmp_path: Path) -> None:
    assert isinstance(load_embedder(DEFAULT_MODEL, tmp_path, backend="torch"), SentenceTransformerEmbedder)
    assert isinstance(load_embedder("someone/another-model", tmp_path), SentenceTransformerEmbedder)
    assert not supports(tmp_path)  # a folder without a sentence-transformers layout
    assert isinstance(load_embedder(str(tmp_path), tmp_path), SentenceTransformerEmbedder)


@pytest.mark.parametrize(
    ("made", "damaged", "loaded"),
    [
        ("fp32", "model.onnx", "fp32"),
        ("int8", "model-int8.onnx", "int8"),
        ("fp32", "model.onnx", "int8"),  # the graph the int8 one is then made from
    ],
)
def test_a_damaged_cached_graph_is_made_again(
    tmp_path: Path, real_embedder: Embedder, fp32_embedder: Embedder, made: Precision, damaged: str, loaded: Precision
) -> None:
    load_embedder(DEFAULT_MODEL, tmp_path, precision=made).embed(["Kerman attack"])
    [graph] = tmp_path.rglob(damaged)
    graph.write_bytes(graph.read_bytes()[:1000])  # cut short, as by a full disk
    (graph.parent / "model-int8.4242.partial").write_bytes(b"left by an export killed midway")
    again = load_embedder(DEFAULT_MODEL, tmp_path, precision=loaded).embed(["Kerman attack"])
    expected = (real_embedder if loaded == "int8" else fp32_embedder).embed(["Kerman attack"])
    assert np.allclose(again, expected, atol=1e-5)
    assert sorted(p.name for p in graph.parent.iterdir()) == ["export.lock", *sorted({"model.onnx", GRAPHS[loaded]})]


def test_an_unusable_cache_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    with pytest.raises(NewsqaError, match="NEWSQA_MODEL_CACHE.*NEWSQA_EMBEDDING_PRECISION=fp32.*BACKEND=torch"):
        load_embedder(DEFAULT_MODEL, blocked).embed(["a question"])
