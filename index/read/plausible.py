"""How plausible one reading of 8-bit text is: the letters a language writes, in the places it writes them.

The same bytes read in two code pages differ only in their non-ASCII
characters, so a reading is judged on those. Letters count by how often a
language writes them and the letter pairs they form (langdetect's frequencies,
counted on Wikipedia in 55 languages), the language being the one that best
explains the reading's letters around them. Everything else counts at a fixed
rate: typographic punctuation as often as news prints it, and what misread
bytes produce and real text does not (control and unassigned characters,
spacing accents, box drawing, a letter of another alphabet than the text's or
its word's, a capital inside a word, a symbol glued to a word) at far less
than any letter, and a sentence opening in lower case as rarely as news has it.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

# Typographic punctuation per character in the English news of tests/data
# (’ 1.8e-3, “ 1.3e-3, – 3.6e-4, — 1.8e-4 of all characters); at 1e-2 three
# of the corpus cases are misread.
P_SYMBOL = 1e-3
# What a misread byte produces: ten thousand times rarer than the rarest
# letter langdetect keeps for a language (1e-5 of its letters); at 1e-7 two of
# the corpus cases are misread.
P_ODD = 1e-9
# A sentence opening in lower case: 2.7% of sentence starts in the same news
# (after "U.S." and the like); without it "È morto" written on a Mac reads as
# windows-1252's "é morto".
P_LOWERCASE_START = 0.027
# A letter the language does not write (a name from elsewhere) counts at this
# share of its average frequency over all languages, and a letter follows
# another as often as the pair occurs in the language with this weight, as
# often as it occurs alone with the rest. Measured on
# tests/data/legacy-encodings.jsonl with the margin of index/read/decode.py:
# loans at 0.003 to 0.03 misread none of its 160 cases (without loans 9, at
# 0.1 two: "cošrdinatie" passes for Dutch); pairs at 0.5 to 0.8 none (without
# pairs 5, at 0.9 one), 0.8 telling Hebrew from Cyrillic gibberish best.
LOAN = 0.01
PAIR_WEIGHT = 0.8
# How often a letter ends a word: news words average five to six letters.
P_WORD_END = 1 / 6
# Non-ASCII characters judged per reading, spread over the text, and the
# characters either side of each that choose the language: enough for any
# article, and a 5 MB file costs no more than a long one.
MAX_JUDGED = 400
CONTEXT = 40

_ODD_CATEGORIES = {"Cc", "Cn", "Co", "Cs", "Sk"}
_ODD_CHARACTERS = "¤¦"  # the generic currency sign and the broken bar: in code pages, not in text
_JOINERS = "’'·‐‑ʼ"  # may stand between two letters of a word, as may format characters (soft hyphen, ZWNJ)
_OPENING = " \t\r\n\"'“„«‘‚‹([¿¡—–"  # may come between a sentence's start and its first letter
_SENTENCE_END = ".!?…"
# Classes of judged characters and how likely each is; letters are judged by their language.
LETTER, LOWERCASE_START, SYMBOL, ODD = "letter", "lowercase start", "symbol", "odd"
_PROBABILITY = {LOWERCASE_START: P_LOWERCASE_START, SYMBOL: P_SYMBOL, ODD: P_ODD}
_CJK = {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH"}
_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "HEBREW", "ARABIC", "THAI", "ARMENIAN", "GEORGIAN", "DEVANAGARI"} | _CJK
# Judged: what is not printable ASCII or whitespace (DOS files may end in Ctrl-Z).
_JUDGED = re.compile(r"[^\t\n\r\x0b\x0c\x1a\x20-\x7e]")


@dataclass(frozen=True)
class Score:
    """A reading's log-likelihood over its judged characters, those characters, and how many of them were odd."""

    total: float
    judged: str
    odd: int


@dataclass(frozen=True)
class _Profiles:
    languages: list[str]
    letters: list[dict[str, float]]  # per language: letter -> share of its letters
    pairs: list[dict[str, int]]  # per language: letter pair -> count
    firsts: list[Counter[str]]  # per language: letter -> count of pairs it starts
    background: dict[str, float]  # letter -> its average share over all languages


@cache
def _profiles() -> _Profiles:
    from langdetect.detector_factory import PROFILES_DIRECTORY

    profiles = _Profiles([], [], [], [], {})
    for path in sorted(Path(PROFILES_DIRECTORY).iterdir()):
        profile = json.loads(path.read_text(encoding="utf-8"))
        profiles.languages.append(profile["name"])
        profiles.letters.append({k: n / profile["n_words"][0] for k, n in profile["freq"].items() if len(k) == 1})
        pairs = {k: n for k, n in profile["freq"].items() if len(k) == 2}
        firsts: Counter[str] = Counter()
        for pair, n in pairs.items():
            firsts[pair[0]] += n
        profiles.pairs.append(pairs)
        profiles.firsts.append(firsts)
    for letters in profiles.letters:
        for letter, share in letters.items():
            profiles.background[letter] = profiles.background.get(letter, 0.0) + share / len(profiles.languages)
    return profiles


def score(text: str) -> Score:
    """How likely ``text`` is as written text, judged on (up to MAX_JUDGED of) its non-ASCII and control characters."""
    spots = _spots(text)
    if not spots:
        return Score(0.0, "", 0)
    around = Counter(_around(text, spots))
    context = around - Counter(text[i] for i in spots)
    letters = {ch: n for ch, n in around.items() if ch.isalpha()}
    main = _main_script(letters)
    kinds = {i: _kind(text, i, main) for i in spots}
    # The language that best explains the letters around, charged for how well it explains those that are not judged.
    lang = _language(letters)
    total = _fit({ch: n for ch, n in context.items() if ch.isalpha()}, lang)
    total += sum(math.log(_PROBABILITY[kind]) for kind in kinds.values() if kind != LETTER)
    pairs = {j for i in spots for j in (i - 1, i)}
    for j in pairs:
        left, right = _letter_at(text, j, kinds), _letter_at(text, j + 1, kinds)
        if left != " " or right != " ":
            total += math.log(_pair_probability(left, right, lang))
    odd = sum(kind == ODD for kind in kinds.values())
    return Score(total, "".join(text[i] for i in spots), odd)


def _spots(text: str) -> list[int]:
    """Where the judged characters are: the first in each of MAX_JUDGED equal stretches of ``text``."""
    step = max(1, math.ceil(len(text) / MAX_JUDGED))
    found = (_JUDGED.search(text, start, start + step) for start in range(0, len(text), step))
    return [match.start() for match in found if match]


def _around(text: str, spots: list[int]) -> str:
    """The text within CONTEXT characters of the judged ones, each character once."""
    pieces, end = [], 0
    for i in spots:
        start, end = max(end, i - CONTEXT), min(len(text), i + CONTEXT)
        pieces.append(text[start:end])
    return "".join(pieces)


def _kind(text: str, i: int, main: str | None) -> str:
    """The class of ``text[i]``: a letter (in its place or not), a symbol (punctuation, currency, digits) or odd."""
    ch, before, after = text[i], text[i - 1 : i] or " ", text[i + 1 : i + 2] or " "
    category = unicodedata.category(ch)
    if category in _ODD_CATEGORIES or ch in _ODD_CHARACTERS or "\u2500" <= ch <= "\u259f":
        return ODD
    if category == "Mn":  # a combining mark belongs on a letter of its own script
        script = _script(ch)
        return LETTER if script and before.isalpha() and _script(before) == script else ODD
    if ch.isalpha():
        return _letter_kind(text, i, main)
    if before.isalpha() and after.isalpha() and ch not in _JOINERS and category != "Cf" and _spaced(before):
        return ODD  # "c½ur" (but "l’État"); Chinese, Japanese and Thai put no spaces between words
    if category[0] == "S" and (before.isalpha() or after.isalpha()) and not (before.isdigit() or after.isdigit()):
        return ODD  # a symbol stuck to a word: "®мкость", not "5°C" or "€5"
    if category == "Zs" and (before.isspace() or after.isspace()):
        return ODD  # a no-break space beside a space
    return SYMBOL


def _letter_kind(text: str, i: int, main: str | None) -> str:
    """A letter in the text's alphabet and in the case its place calls for, or an odd one."""
    ch, before, after, next_after = text[i], text[i - 1 : i], text[i + 1 : i + 2], text[i + 2 : i + 3]
    script = _script(ch)
    if script not in (main, None) or any(n.isalpha() and _script(n) not in (script, None) for n in (before, after)):
        return ODD  # "Cafι": another alphabet than the text's, or than the rest of its word
    if ch.isupper() and before.isalpha() and before.islower():
        return ODD  # "CafŽ", "ZŸrich"
    if ch.islower() and after.isupper() and (next_after.islower() or before.isupper()):
        return ODD  # "ParisñBerlin", "DíURGENCE"
    if ch.islower() and _starts_sentence(text, i):
        return LOWERCASE_START  # "é morto", where "È morto" was written
    return LETTER


def _starts_sentence(text: str, i: int) -> bool:
    """Whether ``text[i]`` opens the text, a paragraph or a sentence (after its opening quotes or dashes)."""
    j, spaces = i - 1, ""
    while j >= 0 and text[j] in _OPENING:
        spaces += text[j] if text[j].isspace() else ""
        j -= 1
    return j < 0 or "\n\n" in spaces or (bool(spaces) and text[j] in _SENTENCE_END)


def _script(ch: str) -> str | None:
    """The alphabet a character belongs to (the CJK ones as one), or None for those all scripts share."""
    name = unicodedata.name(ch, "").split(" ")[0]
    if name in _CJK:
        return "CJK"
    return name if name in _SCRIPTS else None


def _spaced(letter: str) -> bool:
    """Whether the letter's script puts spaces between words."""
    return _script(letter) not in ("CJK", "THAI")


def _main_script(letters: dict[str, int]) -> str | None:
    """The alphabet most of ``letters`` (letter -> count) belong to."""
    found: Counter[str] = Counter()
    for letter, n in letters.items():
        found[_script(letter) or ""] += n
    found.pop("", None)
    return found.most_common(1)[0][0] if found else None


def _normal(ch: str) -> str:
    """A character as langdetect counts it (kanji by class, punctuation as a word break)."""
    from langdetect.utils.ngram import NGram

    normal = NGram.normalize(ch)
    return normal if normal.strip() else " "


def _letter_at(text: str, j: int, kinds: dict[int, str]) -> str:
    if j < 0 or j >= len(text) or kinds.get(j, LETTER) not in (LETTER, LOWERCASE_START):
        return " "
    return _normal(text[j])


def _letter_probability(letter: str, lang: int) -> float:
    """The letter's share in the language, a loan's share if the language does not write it; a letter no language
    writes is as unlikely as a misread byte."""
    profiles = _profiles()
    return profiles.letters[lang].get(letter, 0.0) + LOAN * profiles.background.get(letter, 0.0) + P_ODD


def _pair_probability(left: str, right: str, lang: int) -> float:
    """How likely ``right`` follows ``left`` in the language (a space is a word break)."""
    profiles = _profiles()
    single = _letter_probability(right, lang) if right != " " else P_WORD_END
    starts = profiles.firsts[lang].get(left, 0)
    paired = profiles.pairs[lang].get(left + right, 0) / starts if starts else 0.0
    return PAIR_WEIGHT * paired + (1 - PAIR_WEIGHT) * single


def _language(letters: dict[str, int]) -> int:
    """The language (its index) whose letter frequencies best explain ``letters`` (letter -> count)."""
    fits = [0.0] * len(_profiles().languages)
    for letter, n in letters.items():
        for lang, log in enumerate(_log_probabilities(letter)):
            fits[lang] += n * log
    return max(range(len(fits)), key=fits.__getitem__)


def _fit(letters: dict[str, int], lang: int) -> float:
    """The log-likelihood of ``letters`` (letter -> count) in the language."""
    return sum(n * _log_probabilities(letter)[lang] for letter, n in letters.items())


@lru_cache(maxsize=8192)  # letters seen, a few thousand in Chinese or Japanese text
def _log_probabilities(letter: str) -> tuple[float, ...]:
    """The letter's log-probability in each language."""
    normal = _normal(letter)
    return tuple(math.log(_letter_probability(normal, lang)) for lang in range(len(_profiles().languages)))
