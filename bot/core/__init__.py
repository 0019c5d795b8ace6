"""Answering: a question read once, the evidence found for it, and the cited answer composed from it.

Plain arguments only: no settings, no front-end library. The errors and types
that the front ends need from the index below are re-exported here, so that
they never import ``index`` themselves.
"""

from index import SAMPLES_DIR
from index.errors import IndexBusyError, NewsqaError
from index.filters import Filter
from index.indexer import Progress
from index.report import IndexReport
from index.wording import counted

__all__ = ["SAMPLES_DIR", "Filter", "IndexBusyError", "IndexReport", "NewsqaError", "Progress", "counted"]
