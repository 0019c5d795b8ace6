"""Whether a question is asked in English, the language of the indexed articles and of the model.

A question written mostly in another script is not English. Otherwise it is
read by its first word and its words in lower case: names say nothing of its
language. One holding a common English word is English without further ado;
one opening with another language's question word is not, and a short one
is. Others go to langdetect, seeded so that the same question is always read
the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Common English words that no other language of the Latin script writes alike ("on" and "to" are French and Czech).
ENGLISH = frozenset(
    "the who what when where which why how is are were did does of for with by and about many much first latest".split()
)
# With fewer words of its own (lower case, or the first) a question is taken
# as English: headline-like questions ("Super Bowl halftime performer") are too
# short for a language detector. Longer ones are taken for another language
# when langdetect gives it at least this probability and English next to
# none. Checked on the dev set's 280 English questions (none is taken for
# another language) and on short keyword questions (tests).
_MIN_WORDS = 4
# Question words of other languages of the Latin script that English does not write: a question opening with
# one (or with "¿") and holding no common English word is in that language however short ("Quel âge a Luke
# Littler ?" is three words of its own).
# Left out where English writes the word too ("was", "come", "dove", "hoe") or a name starts with it ("Como",
# "Cosa Nostra").
_OTHER_OPENERS = frozenset(
    "quel quelle quels quelles qui quoi où quand comment combien pourquoi lequel laquelle "  # French
    "qué que quién quien quiénes cuál cual cuáles cuándo cuando cuánto cuánta cuántos cuantos cuántas dónde donde "
    "cómo "  # Spanish
    "wer wen wem wessen wann wo wie warum weshalb welche welcher welches wieviel wieviele "  # German
    "chi quale quali perché quando quanto quanti quante "  # Italian
    "quem qual quais onde quantos quantas porque "  # Portuguese
    "wat wanneer waar waarom welke hoeveel".split()  # Dutch
)
_OTHER_AT_LEAST = 0.9
_ENGLISH_BELOW = 0.05
_WORD = re.compile(r"[^\W\d_]+")


def is_english(question: str) -> bool:
    """Whether ``question`` is asked in English (or too short to tell, which is taken as English).

    A question written mostly in another script (Chinese, Arabic, Cyrillic…)
    is not English, however short.
    """
    letters = [ch for ch in question if ch.isalpha()]
    if letters and sum(not _is_latin(ch) for ch in letters) > len(letters) / 2:
        return False
    found_words = _WORD.findall(question)
    # Names say nothing of the language ("Luke Littler Luke Humphries final"): the first word and lower-case ones do.
    words = [w.lower() for i, w in enumerate(found_words) if i == 0 or not w[:1].isupper()]
    if ENGLISH.intersection(words):  # "Wen Jiabao said what about growth?"
        return True
    if question.lstrip().startswith("¿") or (words and words[0] in _OTHER_OPENERS):
        return False
    if len(words) < _MIN_WORDS:
        return True
    from langdetect import (
        LangDetectException,  # loaded only for questions that may not be English
    )

    try:
        found = _detector()(" ".join(words))
    except LangDetectException:  # nothing to go by
        return True
    english = sum(lang.prob for lang in found if lang.lang == "en")
    return not (found and found[0].lang != "en" and found[0].prob >= _OTHER_AT_LEAST and english < _ENGLISH_BELOW)


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


@cache
def _detector():
    from langdetect import DetectorFactory, detect_langs

    DetectorFactory.seed = 0
    return detect_langs
