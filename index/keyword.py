"""BM25 keyword search over the stored chunks.

Dense embeddings miss exact names, numbers and rare words that news questions
hinge on; BM25 catches them. The BM25 index is derived from the store, saved
beside the manifest with the manifest generation it reflects, and rebuilt
whenever the index has changed since.
"""

from __future__ import annotations

import json
import logging
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
_STAMP = "stamp.json"
# Part of the saved stamp: a saved index made with other tokenization is rebuilt.
TOKENIZER_VERSION = 2


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stemmed word tokens without English stop words."""
    return bm25s.tokenize(
        list(texts), stopwords=_STOPWORDS, stemmer=_STEMMER, show_progress=False, return_ids=False
    )


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
        folder.mkdir(parents=True, exist_ok=True)
        (folder / _STAMP).unlink(missing_ok=True)
        if self._model is not None:
            self._model.save(str(folder), show_progress=False)
        np.save(folder / "ids.npy", np.array(self.ids, dtype=str))
        # Written last: a folder without a current stamp is never trusted.
        saved = {"stamp": stamp, "tokenizer": TOKENIZER_VERSION, "empty": self._model is None}
        (folder / _STAMP).write_text(json.dumps(saved))

    @staticmethod
    def saved_stamp(folder: Path) -> int | None:
        """The generation the saved index reflects, if there is one."""
        try:
            saved = json.loads((folder / _STAMP).read_text())
            return int(saved["stamp"]) if saved.get("tokenizer") == TOKENIZER_VERSION else None
        except (OSError, ValueError, KeyError):
            return None

    @classmethod
    def load(cls, folder: Path, stamp: int) -> KeywordIndex | None:
        """The saved index if it reflects generation ``stamp``, else None."""
        if cls.saved_stamp(folder) != stamp:
            return None
        try:
            saved = json.loads((folder / _STAMP).read_text())
            if saved["empty"]:
                return cls([], None)
            ids = [str(i) for i in np.load(folder / "ids.npy")]
            model = bm25s.BM25.load(str(folder), show_progress=False)
            return cls(ids, model)
        except (OSError, ValueError, KeyError) as exc:
            log.info("keyword index at %s not usable (%s); rebuilding", folder, exc)
            return None


def load_or_build(folder: Path, stamp: int, chunks: Iterable[Hit]) -> KeywordIndex:
    """The saved keyword index for generation ``stamp``, or a new one built (and saved) from ``chunks``."""
    saved = KeywordIndex.load(folder, stamp)
    return saved if saved is not None else build_and_save(folder, stamp, chunks)


def build_and_save(folder: Path, stamp: int, chunks: Iterable[Hit]) -> KeywordIndex:
    """Build the keyword index over ``chunks`` (title and text) and save it as generation ``stamp``."""
    ids, texts = [], []
    for chunk in chunks:
        ids.append(chunk.id)
        texts.append(f"{chunk.metadata.get('title', '')}\n{chunk.text}")
    built = KeywordIndex.build(ids, texts)
    try:
        built.save(folder, stamp)
    except OSError as exc:  # a read-only data dir still gets answers
        log.warning("cannot save the keyword index to %s: %s", folder, exc)
    return built
