"""The one facade both front ends use: what it reads is what has been indexed, whoever indexed it."""

from __future__ import annotations

from datetime import timedelta

from bot.app.service import Service
from bot.app.settings import Settings
from index.embed.base import Embedder
from index.read.sources import Source
from tests.conftest import SAMPLE


def test_articles_a_round_adds_to_an_empty_index_are_found_by_the_service_opened_before(
    settings: Settings, real_embedder: Embedder
) -> None:
    service = Service(settings, real_embedder)  # opened while the store holds no collection yet
    assert not service.ask("How many people were killed in Kerman?").answered
    report = service.reindex(sources=[Source(SAMPLE, timedelta(hours=1))])  # its own indexer creates it
    assert report.added == 1
    answer = service.ask("How many people were killed in Kerman?")
    assert answer.answered and answer.citations[0].title.startswith("ISIS has claimed")
