"""What's new about a topic, on real articles: the stories of a window, newest first; nothing new said plainly."""

from __future__ import annotations

from datetime import date

from bot.app.service import Service
from bot.core.compose import is_claim
from bot.core.new import whats_new
from bot.core.params import PARAMS


def test_the_stories_of_a_window_come_newest_first_one_claim_each(slice_index: Service) -> None:
    stories = whats_new(slice_index.retriever, "Alaska Airlines flight", date(2024, 1, 5))
    assert [s.published_at for s in stories][:2] == ["2024-01-09", "2024-01-06"]
    assert all("Alaska" in s.title or "Boeing" in s.title for s in stories[:2])
    assert all(s.published_at and s.published_at >= "2024-01-05" for s in stories)
    assert len({s.story_id for s in stories}) == len(stories) and all(s.text and s.url for s in stories)


def test_each_story_is_told_by_a_whole_sentence_not_a_sub_heading(slice_index: Service) -> None:
    # The grounding report's best match is its sub-heading "Alaska Airlines, Boeing also investigating incident".
    stories = whats_new(slice_index.retriever, "Alaska Airlines", date(2024, 1, 5))
    assert stories and all(is_claim(s.text, PARAMS) for s in stories), [s.text for s in stories]
    assert not is_claim("Alaska Airlines, Boeing also investigating incident", PARAMS)
    assert is_claim("Alaska was reporting 52 canceled flights on Saturday.", PARAMS)


def test_a_window_after_the_story_has_nothing_new(slice_index: Service) -> None:
    assert whats_new(slice_index.retriever, "Alaska Airlines flight", date(2024, 1, 20)) == []


def test_a_story_carried_by_three_outlets_is_new_once(stories_index: Service) -> None:
    stories = whats_new(stories_index.retriever, "Greece same-sex marriage", date(2024, 2, 1))
    greek = [s for s in stories if "Greece" in s.title]
    assert len(greek) == 1 and len(greek[0].also_reported_by) == 2
