"""BM25 keyword search over the stored chunks.

Dense embeddings miss exact names, numbers and rare words that news questions
hinge on; BM25 catches them. The BM25 index is derived from the store, saved
beside the manifest with the manifest generation it reflects, and rebuilt
whenever the index has changed since.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

from index.store import Hit

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG

_STEMMER = Stemmer.Stemmer("english")
# The longer English list: it also drops question words ("who", "which",
# "did"), which otherwise match sentences that merely contain them.
_STOPWORDS = list(STOPWORDS_EN_PLUS)
_CURRENT = "current.json"
STALE_AFTER_S = 60
# Part of the saved stamp: a saved index made with other tokenization is rebuilt.
TOKENIZER_VERSION = 2


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stemmed word tokens without English stop words."""
    return bm25s.tokenize(
        list(texts), stopwords=_STOPWORDS, stemmer=_STEMMER, show_progress=False, return_ids=False
    )


def stems(words: Sequence[str]) -> list[str]:
    """The English stems of ``words`` as keyword search stems them ("Americans": "american")."""
    return _STEMMER.stemWords(list(words))


class KeywordIndex:
    """BM25 over chunk texts, answering with chunk ids."""

    def __init__(self, ids: list[str], model: bm25s.BM25 | None) -> None:
        self.ids = ids
        self._model = model

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> KeywordIndex:
        if not ids:
            return cls([], None)
        model = bm25s.BM25()
        model.index(tokenize(texts), show_progress=False)
        return cls(list(ids), model)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, score) pairs, best first; only chunks sharing a word."""
        if self._model is None or k <= 0:
            return []
        tokens = [t for t in tokenize([query])[0] if t in self._model.vocab_dict]
        if not tokens:
            return []
        docs, scores = self._model.retrieve([tokens], k=min(k, len(self.ids)), show_progress=False)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def save(self, folder: Path, stamp: int) -> None:
        """Save as generation ``stamp``, atomically: readers see the old index or the new one, whole.

        Each save goes to a folder of its own; a small pointer file, replaced
        in one step, names the current one. Several processes may save at once.
        """
        folder.mkdir(parents=True, exist_ok=True)
        target = Path(tempfile.mkdtemp(prefix=f"gen-{stamp}-", dir=folder))
        if self._model is not None:
            self._model.save(str(target), show_progress=False)
        np.save(target / "ids.npy", np.array(self.ids, dtype=str))
        pointer = {"dir": target.name, "stamp": stamp, "tokenizer": TOKENIZER_VERSION, "empty": self._model is None}
        staged = target / _CURRENT
        staged.write_text(json.dumps(pointer))
        os.replace(staged, folder / _CURRENT)
        _remove_stale(folder, keep=target.name)

    @staticmethod
    def _pointer(folder: Path) -> dict | None:
        try:
            pointer = json.loads((folder / _CURRENT).read_text())
            return pointer if pointer.get("tokenizer") == TOKENIZER_VERSION else None
        except (OSError, ValueError):
            return None

    @classmethod
    def saved_stamp(cls, folder: Path) -> int | None:
        """The generation the saved index reflects, if there is one."""
        pointer = cls._pointer(folder)
        return int(pointer["stamp"]) if pointer else None

    @classmethod
    def load(cls, folder: Path, stamp: int) -> KeywordIndex | None:
        """The saved index if it reflects generation ``stamp``, else None."""
        pointer = cls._pointer(folder)
        if pointer is None or pointer.get("stamp") != stamp:
            return None
        try:
            if pointer["empty"]:
                return cls([], None)
            saved = folder / pointer["dir"]
            ids = [str(i) for i in np.load(saved / "ids.npy")]
            return cls(ids, bm25s.BM25.load(str(saved), show_progress=False))
        except (OSError, ValueError, KeyError) as exc:
            log.info("keyword index at %s not usable (%s); rebuilding", folder, exc)
            return None


def _remove_stale(folder: Path, keep: str) -> None:
    """Remove earlier saves, leaving a grace period for a reader that is still loading one."""
    now = time.time()
    for old in folder.glob("gen-*"):
        try:
            stale = old.name != keep and now - old.stat().st_mtime > STALE_AFTER_S
        except FileNotFoundError:  # another process saving at the same time removed it first
            continue
        if stale:
            shutil.rmtree(old, ignore_errors=True)


def build_from(chunks: Iterable[Hit]) -> KeywordIndex:
    """The keyword index over ``chunks`` (title and text)."""
    ids, texts = [], []
    for chunk in chunks:
        ids.append(chunk.id)
        texts.append(f"{chunk.metadata.get('title', '')}\n{chunk.text}")
    return KeywordIndex.build(ids, texts)


def build_and_save(folder: Path, stamp: int, chunks: Iterable[Hit]) -> KeywordIndex:
    """Build the keyword index over ``chunks`` and save it as generation ``stamp``."""
    built = build_from(chunks)
    try:
        built.save(folder, stamp)
    except OSError as exc:  # a read-only data dir still gets answers
        log.warning("cannot save the keyword index to %s: %s", folder, exc)
    return built


def load_or_build(folder: Path, stamp: int, chunks: Iterable[Hit]) -> KeywordIndex:
    """The saved keyword index for generation ``stamp``, or a new one built (and saved) from ``chunks``."""
    return KeywordIndex.load(folder, stamp) or build_and_save(folder, stamp, chunks)
