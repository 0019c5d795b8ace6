"""Measure the story thresholds of ``index.stories`` on an indexed eval set.

Usage: python benchmarks/stories.py EVAL_DIR --data-dir DIR

DIR is an index of EVAL_DIR's articles.jsonl made by ``newsqa eval EVAL_DIR
--data-dir DIR`` (its manifest keeps each article's sentences and their
vectors). Prints, as JSON: how many article pairs share each share of their
sentences word for word (copies), the nearest other article's gist similarity
within ``STORY_DAYS`` for every article, example pairs around each threshold
(titles, dates, similarity) to judge by eye, and the stories that
``index.stories.write``, the code that indexing runs, makes of them all.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1]))

from index import stories  # noqa: E402
from index.articles import make_article  # noqa: E402

BINS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def load(folder: Path, data_dir: Path) -> tuple[list, list[set[int]], np.ndarray, list]:
    """The articles, their sentence keys and gists, as the indexed manifest holds their sentences."""
    articles = {}
    for line in (folder / "articles.jsonl").read_text().splitlines():
        raw = json.loads(line)
        published = date.fromisoformat(raw["published_at"]) if raw.get("published_at") else None
        articles[raw["id"]] = make_article(text=raw["text"], origin="eval", title=raw.get("title"),
                                           published_at=published, source=raw.get("source"), url=raw.get("url"),
                                           given_id=raw["id"])  # fmt: skip
    db = sqlite3.connect(f"file:{data_dir / 'manifest.sqlite3'}?mode=ro", uri=True)
    kept, keys, gists, spans_of = [], [], [], []
    for article_id, spans, vectors in db.execute("SELECT article_id, spans, vectors FROM sentences"):
        if article_id not in articles:
            continue
        spans = np.frombuffer(spans, dtype=np.int32).reshape(-1, 2).tolist()
        matrix = np.frombuffer(vectors, dtype=np.float16).reshape(len(spans), -1).astype(np.float32)
        kept.append(articles[article_id])
        keys.append(stories.sentence_keys(articles[article_id].text, spans))
        gists.append(stories.gist(matrix))
        spans_of.append((spans, matrix))
    return kept, keys, np.stack(gists), spans_of


def copies(articles: list, keys: list[set[int]]) -> dict:
    """Pairs by the share of the shorter one's sentences found in the other."""
    shares = Counter()
    examples = []
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            if not keys[i] or not keys[j]:
                continue
            share = len(keys[i] & keys[j]) / min(len(keys[i]), len(keys[j]))
            if share > 0:
                shares[f"{min(int(share * 10) / 10, 1.0):.1f}"] += 1
                examples.append((round(share, 2), articles[i].title[:70], articles[j].title[:70],
                                 articles[i].source, articles[j].source))  # fmt: skip
    return {"pairs_by_share": dict(sorted(shares.items())), "examples": sorted(examples, reverse=True)[:25]}


def nearest(articles: list, gists: np.ndarray) -> dict:
    """Each article's closest other within STORY_DAYS, by gist similarity, and examples in each bin."""
    sims = gists @ gists.T
    days = np.array([a.published_at.toordinal() if a.published_at else 0 for a in articles])
    near = np.abs(days[:, None] - days[None, :]) <= stories.STORY_DAYS
    np.fill_diagonal(near, False)
    masked = np.where(near, sims, -1.0)
    best = masked.argmax(axis=1)
    by_bin = Counter()
    examples: dict[str, list] = {}
    for i, j in enumerate(best):
        like = float(masked[i, j])
        low = max((b for b in BINS if like >= b), default=None)
        label = f">={low}" if low is not None else "<0.6"
        by_bin[label] += 1
        if low is not None and i < j and len(examples.setdefault(label, [])) < 8:
            a, b = articles[i], articles[j]
            examples[label].append((round(like, 3), f"{a.published_at} {a.title[:60]}", f"{b.published_at} {b.title[:60]}"))
    return {"nearest_by_bin": dict(sorted(by_bin.items())), "examples": examples}


def grouped(articles: list, spans_of: list) -> dict:
    """The stories indexing makes of the articles, in the order given, through ``index.stories.write``."""
    db = sqlite3.connect(":memory:")
    db.executescript(stories.SCHEMA)
    rows = stories.SqliteStories(db)
    start = time.perf_counter()
    for article, (spans, vectors) in zip(articles, spans_of):
        stories.write(rows, article, [tuple(s) for s in spans], vectors)
    elapsed = time.perf_counter() - start
    members = Counter(m.story_id for m in rows.memberships().values())
    copies_ = Counter(m.copy_id for m in rows.memberships().values())
    titles = {a.id: a for a in articles}
    big = [
        [f"{titles[a].published_at} {titles[a].title[:60]}" for a, m in rows.memberships().items() if m.story_id == s]
        for s, n in members.most_common(6) if n > 1
    ]  # fmt: skip
    return {
        "articles": len(articles),
        "write_ms_per_article": round(1000 * elapsed / max(len(articles), 1), 2),
        "stories": len(members),
        "stories_of_sizes": dict(sorted(Counter(members.values()).items())),
        "copy_groups_of_2_or_more": sum(1 for n in copies_.values() if n > 1),
        "largest": big,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    articles, keys, gists, spans_of = load(args.folder, args.data_dir)
    report = {"copies": copies(articles, keys), "meaning": nearest(articles, gists), "grouped": grouped(articles, spans_of)}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
