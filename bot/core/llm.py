"""Optional answers written by a language model, held to the retrieved citations.

The model sees the question and the numbered passages (as data, inside
delimiters) and must cite a passage number in every sentence. Sentences that
cite nothing, or cite a number that was not given, are dropped; if nothing is
left, the caller falls back to the extractive answer. The model never widens
what the bot can say beyond what was retrieved.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING

import prompts
from bot.core.answer import Answer, Citation, Writer
from index.chunking import split_sentences
from index.errors import NewsqaError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)

_MARKERS = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_DIGIT_START = re.compile(r"(?<=[.!?])\s+(?=\d)")
_PROVIDERS = {"ollama": "langchain-ollama", "openai": "langchain-openai"}


def chat_model(provider: str, model: str | None, base_url: str | None, api_key: str | None) -> BaseChatModel:
    """Build the chat model of ``provider`` (``LLM_PROVIDER``), through its LangChain integration."""
    provider = provider.lower()
    if provider not in _PROVIDERS:
        raise NewsqaError(f"LLM_PROVIDER must be one of {', '.join(_PROVIDERS)}, not {provider!r}")
    if not model:
        raise NewsqaError(f"LLM_PROVIDER={provider} needs LLM_MODEL (the model's name)")
    try:
        if provider == "ollama":
            from langchain_ollama import ChatOllama

            return ChatOllama(model=model, base_url=base_url, temperature=0)
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=model, base_url=base_url, api_key=api_key or "unused", temperature=0, timeout=60)
    except ImportError:
        raise NewsqaError(
            f"LLM_PROVIDER={provider} needs the {_PROVIDERS[provider]} package: pip install 'newsqa[{provider}]'"
        ) from None


def make_writer(model: BaseChatModel) -> Writer:
    """A writer that asks ``model`` and keeps only what is cited correctly."""

    def write(question: str, citations: list[Citation]) -> Answer | None:
        try:
            reply = model.invoke(render_messages(question, citations))
        except Exception:  # a model server being down must not break answering
            log.warning("the language model failed; using the extractive answer", exc_info=True)
            return None
        text, used = keep_cited(str(reply.content), len(citations))
        if not text:
            return None
        renumber = {old: new for new, old in enumerate(used, start=1)}
        text = _MARKERS.sub(lambda m: "".join(f"[{renumber[int(n)]}]" for n in m.group(1).split(",")), text)
        kept = [replace(c, n=renumber[c.n]) for c in citations if c.n in renumber]
        return Answer(question, True, text, sorted(kept, key=lambda c: c.n))

    return write


def render_messages(question: str, citations: list[Citation]) -> list[BaseMessage]:
    """The chat messages for one question: rules, then the passages as delimited data."""
    from langchain_core.prompts import ChatPromptTemplate

    passage = prompts.load("answer_passage")
    passages = "\n".join(
        passage.format(
            n=c.n,
            title=_attr(c.title),
            date=c.published_at or "unknown",
            source=_attr(c.source),
            text=_body(c.text),
        )
        for c in citations
    )
    template = ChatPromptTemplate.from_messages(
        [("system", prompts.load("answer_system")), ("human", prompts.load("answer_user"))]
    )
    return template.format_messages(passages=passages, question=question)


def keep_cited(text: str, count: int) -> tuple[str, list[int]]:
    """Keep the sentences whose every citation is one of 1..count; return them and the numbers used."""
    kept: list[str] = []
    used: list[int] = []
    for sentence in _sentences(text):
        numbers = [int(n) for m in _MARKERS.finditer(sentence) for n in m.group(1).split(",")]
        if not numbers or any(not 1 <= n <= count for n in numbers):
            continue
        kept.append(sentence)
        used.extend(n for n in numbers if n not in used)
    return " ".join(kept), used


def _sentences(text: str) -> list[str]:
    """Sentences, with a marker the splitter put on its own ("... 84. [1]") joined back.

    The splitter keeps "terrible. 284 were hurt" together, so sentences are also
    cut before a number that follows a full stop: an uncited sentence must not
    ride along with a cited one.
    """
    pieces = [
        part
        for span in split_sentences(text)
        for part in _DIGIT_START.split(text[span.start : span.end])
    ]
    out: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if out and not _MARKERS.sub("", piece).strip(" .,;"):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _attr(value: str) -> str:
    return value.replace('"', "'").replace("\n", " ")


def _body(text: str) -> str:
    """Article text cannot close its own passage element and pose as instructions."""
    return re.sub(r"</?\s*passage", "[passage", text, flags=re.IGNORECASE)
