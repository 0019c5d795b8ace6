"""Whether a question is asked in English, the language of the indexed articles and of the model.

A question is read by its first word and its words in lower case: names say
nothing of its language. One holding a common English word is English without
further ado, and so is one of fewer than three such words ("latest on Gaza"
is too short for a language detector). Others go to langdetect, seeded so that the same question is always
read the same way; a question is taken for another language only when the
detector gives English almost no chance.
"""

from __future__ import annotations

import re
from functools import cache

ENGLISH = frozenset(
    "the who what when where which why how is are were did does of to for with by and on about many much "
    "first latest".split()
)
# Below this probability of English (langdetect's), with this many words at
# least, a question is taken to be in another language. Checked on the dev set:
# none of its 280 English questions falls below it; French, Spanish and German
# questions of three words and more give English no probability at all.
_ENGLISH_AT_LEAST = 0.05
_MIN_WORDS = 3
_WORD = re.compile(r"[^\W\d_]+")


def is_english(question: str) -> bool:
    """Whether ``question`` is asked in English (or too short to tell, which is taken as English)."""
    found_words = _WORD.findall(question)
    # Names say nothing of the language ("Luke Littler Luke Humphries final"): the first word and lower-case ones do.
    words = [w.lower() for i, w in enumerate(found_words) if i == 0 or not w[:1].isupper()]
    if len(words) < _MIN_WORDS or ENGLISH.intersection(words):
        return True
    from langdetect import (
        LangDetectException,  # loaded only for questions that may not be English
    )

    try:
        found = _detector()(" ".join(words))
    except LangDetectException:  # nothing to go by (digits, symbols)
        return True
    return sum(lang.prob for lang in found if lang.lang == "en") >= _ENGLISH_AT_LEAST


@cache
def _detector():
    from langdetect import DetectorFactory, detect_langs

    DetectorFactory.seed = 0
    return detect_langs
