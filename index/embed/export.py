"""The bundled model's ONNX graph: exported once per machine, quantised to int8, kept in a cache folder.

The ONNX graph is exported from the packaged weights the first time it is
needed (PyTorch does that once, in a few seconds), its attention, layer norms
and activations fused into ONNX Runtime's transformer kernels, and kept in a
cache folder; a lock keeps two processes from exporting at once, and a graph
is only put in place after its output has been checked against PyTorch's.

By default the graph's weights are quantised to int8 (per output channel),
once, from the fp32 graph; activations are quantised as each run computes
them. On two cores that indexes articles 1.33 times as fast (200 dev-set
articles: 89 s against 119 s); its vectors are within cosine 0.97 of the fp32
ones (0.991 on average over 2,841 news sentences), and recall@5 on the
realtimeqa-2024 dev set is the same (0.526) whether the index, the questions,
both or neither are embedded in int8. Because one scale serves a whole run,
a text's int8 vector varies slightly (cosine about 0.99) with the texts it is
embedded with; ``precision="fp32"`` gives the model's own vectors.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from index.embed.pooling import _vectors
from index.embed.types import Precision
from index.errors import NewsqaError

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17
FORMAT = f"bert-fused-last-hidden-state-opset{OPSET}"  # part of the cache key: a new format is a new export
EXPORT_TOLERANCE = 1e-4  # largest difference allowed between the graph's output and PyTorch's
# Lowest cosine allowed between an int8 graph's sentence vectors and the fp32 graph's
# (measured: 0.972 at worst over 2,841 news sentences).
INT8_MIN_COSINE = 0.95
GRAPHS: dict[str, str] = {"fp32": "model.onnx", "int8": "model-int8.onnx"}  # file names in the cache folder
LOCK = "export.lock"  # held while a graph is written to the cache folder
WEIGHTS_SEEN = "weights.json"  # the digest of each installed copy of the weights, by path, size and time


def supports(model_dir: Path) -> bool:
    """Whether ``model_dir`` is a sentence-transformers model this runner computes exactly (in fp32).

    That is a BERT transformer followed by mean pooling (and optionally
    normalisation), with a fast tokenizer: the layout of all-MiniLM-L6-v2.
    """
    try:
        modules, pooling, config, st_config = (
            json.loads((model_dir / name).read_text(encoding="utf-8"))
            for name in ("modules.json", "1_Pooling/config.json", "config.json", "sentence_bert_config.json")
        )
    except (OSError, ValueError):
        return False
    if config.get("model_type") != "bert" or st_config.get("do_lower_case"):
        return False  # the graph is fed BERT's three inputs, and texts as they are
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        v for k, v in pooling.items() if k.startswith("pooling_mode") and k != "pooling_mode_mean_tokens"
    )
    return (
        kinds[:2] == ["Transformer", "Pooling"]
        and set(kinds[2:]) <= {"Normalize"}
        and bool(mean_only)
        and (model_dir / "tokenizer.json").is_file()
        and (model_dir / "model.safetensors").is_file()
    )


def _session(model_dir: Path, cache_dir: Path, precision: Precision) -> Any:
    """An ONNX Runtime session on the model's graph; a cached graph that cannot be loaded is made anew."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # warnings about unused initialisers are noise here
    try:
        graph = exported_graph(model_dir, cache_dir, precision)
        try:
            return onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        except Exception:  # damaged in the cache (a disk filled up, a copy cut short): made again
            log.warning("The cached ONNX graph %s cannot be loaded; preparing it again", graph)
            with FileLock(str(graph.parent / LOCK)):
                graph.unlink(missing_ok=True)
            graph = exported_graph(model_dir, cache_dir, precision)
            return onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
    except Exception as exc:
        fp32 = "NEWSQA_EMBEDDING_PRECISION=fp32 to run it without int8 weights, " if precision == "int8" else ""
        raise NewsqaError(
            f"could not prepare the embedding model for ONNX Runtime in {cache_dir} ({exc}); set NEWSQA_MODEL_CACHE "
            f"to a writable folder, {fp32}or NEWSQA_EMBEDDING_BACKEND=torch to run it with PyTorch"
        ) from exc


def _weights_digest(weights: Path, cache_dir: Path) -> str:
    """The SHA-256 of the model's weights, so that every installed copy of one model (each virtualenv has its
    own) shares one export; remembered per copy (path, size, time) in ``WEIGHTS_SEEN``, so each is read once."""
    stat = weights.stat()
    copy = f"{weights}|{stat.st_size}|{stat.st_mtime_ns}"
    seen_path = cache_dir / WEIGHTS_SEEN
    try:
        seen = json.loads(seen_path.read_text())
    except (OSError, ValueError):
        seen = {}
    if copy in seen:
        return seen[copy]
    with weights.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    try:  # another process may write it meanwhile: at worst a copy is read once more
        cache_dir.mkdir(parents=True, exist_ok=True)
        staged = seen_path.with_suffix(f".{os.getpid()}.partial")
        staged.write_text(json.dumps({**seen, copy: digest}))
        os.replace(staged, seen_path)
    except OSError:
        pass  # an unwritable cache is reported where the graph is written
    return digest


def cache_folder(model_dir: Path, cache_dir: Path) -> Path:
    """Where the graphs of ``model_dir`` are kept: one folder per model content and export format."""
    key = f"{FORMAT}|{_weights_digest((model_dir / 'model.safetensors').resolve(), cache_dir)}"
    return cache_dir / f"{model_dir.name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def exported_graph(model_dir: Path, cache_dir: Path, precision: Precision) -> Path:
    """The ONNX graph of ``model_dir`` in ``precision``, exported into ``cache_dir`` on first use."""
    folder = cache_folder(model_dir, cache_dir)
    target = folder / GRAPHS[precision]
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / LOCK)):
        for stale in folder.glob("*.partial*"):  # left by a process killed while writing; none is written now
            stale.unlink(missing_ok=True)
        full = folder / GRAPHS["fp32"]

        def export() -> None:
            _write(full, lambda path: _export(model_dir, path))

        def quantize() -> None:
            _write(target, lambda path: _quantize(model_dir, full, path))

        if not full.is_file():  # another process may have exported it while this one waited
            log.info("Preparing the embedding model for ONNX Runtime in %s (once per machine)", folder)
            export()
        if not target.is_file():
            try:
                quantize()
            except Exception:  # the fp32 graph it is made from may be damaged: export it again, then retry
                log.warning("Could not quantise %s; exporting it again", full)
                export()
                quantize()
    return target


def _write(target: Path, make: Callable[[Path], None]) -> None:
    """Make ``target`` under a name of its own, and give it the final name only once it is complete on disk."""
    partial = target.with_name(f"{target.stem}.{os.getpid()}.partial")
    try:
        make(partial)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _export(model_dir: Path, path: Path) -> None:
    """Write the transformer of ``model_dir`` as a fused ONNX graph, checked against PyTorch.

    Attention is traced in its plain ("eager") form, which ONNX Runtime's
    transformer optimizer recognises and fuses into one kernel per layer
    (scaled-dot-product attention is traced into a form it leaves alone).
    On two cores that embeds 1,000-character passages about 1.3 times as
    fast as the unfused graph, with the same vectors.
    """
    import onnxruntime
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()

    class Hidden(torch.nn.Module):  # positional inputs, one output: the graph ONNX Runtime runs
        def __init__(self) -> None:
            super().__init__()
            self.transformer = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.transformer(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    traced_graph = path.with_name(path.name + ".traced")
    traced = ["A short sentence.", "A somewhat longer sentence to pad the other one."]
    sample = tokenizer(traced, padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    hidden = Hidden()
    # Checked on other shapes than the traced ones: three texts, padded and longer.
    check = tokenizer(["One.", "Two words", "A third text, " * 40], padding=True, return_tensors="pt")
    with torch.no_grad(), warnings.catch_warnings():
        expected = hidden(*(check[name] for name in INPUTS)).numpy()  # before tracing, which alters the module
        warnings.simplefilter("ignore")  # tracer notes about shapes: the graph is checked below instead
        try:
            torch.onnx.export(
                hidden, tuple(sample[name] for name in INPUTS), str(traced_graph), input_names=list(INPUTS),
                output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET, dynamo=False,
            )  # fmt: skip
            heads, width = model.config.num_attention_heads, model.config.hidden_size
            fused = optimize_model(str(traced_graph), model_type="bert", num_heads=heads, hidden_size=width)
        finally:
            traced_graph.unlink(missing_ok=True)
    fused.save_model_to_file(str(path))
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {name: check[name].numpy() for name in INPUTS})
    real = check["attention_mask"].numpy().astype(bool)  # padding positions are never pooled
    if not np.allclose(got[real], expected[real], atol=EXPORT_TOLERANCE):
        raise ValueError("the exported graph does not reproduce the model's output")


def _quantize(model_dir: Path, source: Path, path: Path) -> None:
    """Write ``source`` with int8 weights to ``path``, checked against ``source``'s vectors."""
    import onnx
    import onnxruntime
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quiet = logging.Filter("not the root logger")  # the quantizer suggests a preprocessing step on the root logger
    logging.getLogger().addFilter(quiet)
    try:
        quantize_dynamic(
            source, path, weight_type=QuantType.QInt8, per_channel=True,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # for outputs of fused kernels with no type
        )  # fmt: skip
    finally:
        logging.getLogger().removeFilter(quiet)
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    encodings = tokenizer.encode_batch(QUANTIZE_CHECK)
    full, int8 = (
        _vectors(onnxruntime.InferenceSession(str(graph), providers=["CPUExecutionProvider"]), encodings)
        for graph in (source, path)
    )
    worst = float(np.min(np.sum(full * int8, axis=1)))
    if worst < INT8_MIN_COSINE:
        raise ValueError(f"the int8 graph's vectors stray from the model's (cosine {worst:.3f})")


# Texts the int8 graph is checked on: news sentences of different lengths.
QUANTIZE_CHECK = [
    "Who was blamed first?",
    "Iran's Supreme Leader Ayatollah Ali Khamenei blamed Israel for the attack.",
    "Two explosions killed at least 84 people at a ceremony in Kerman on Wednesday, state media reported.",
    "The Islamic State group claimed responsibility for the bombings in a statement posted on its Telegram channels, "
    "a day after Iranian officials vowed revenge and pointed at the United States and Israel.",
]
