"""What a question asks for beyond its topic, read once."""

from __future__ import annotations

from datetime import date

from bot.core.question import (
    follows_up,
    looks_ahead,
    order_asked,
    predicate_of,
    read_question,
    topic_of,
)
from bot.core.words import names_in, plain_words, terms_of


def test_order_words() -> None:
    assert order_asked("Who was blamed first?") == "earliest"
    assert order_asked("What happened before the vote?") == "earliest"
    assert order_asked("What came first, the strike or the lockout?") == "earliest"
    assert order_asked("What is the latest on the strike?") == "latest"
    assert order_asked("Which report came out last?") == "latest"
    assert order_asked("What happened last week?") is None
    assert order_asked("Who was blamed first for the attack?") == "earliest"
    assert order_asked("Which outlet first reported the leak?") == "earliest"
    assert order_asked("Who became the first woman to lead the party?") is None  # rank, not time
    assert order_asked("Who was the first elected mayor?") is None
    assert order_asked("Which team had never won before?") is None
    assert order_asked("Who endorsed Trump before the Iowa caucus?") is None  # when, not which came first
    assert order_asked("What happened after the vote?") == "earliest"
    assert order_asked("How many people died?") is None
    assert order_asked("What's the latest news about the strike?") == "latest"
    assert read_question("Who most recently won the title?", date(2024, 1, 5)).order == "latest"
    # "latest" before another noun only describes it: these ask for a disease and a share, not the newest report
    assert order_asked("Latest data shows that cases of which disease have hit a near 75-year high?") is None
    assert order_asked("What percentage of US adults have received the latest Covid-19 vaccine?") is None


def test_the_predicate_is_what_the_question_asks_of_its_subject() -> None:
    assert predicate_of("Who was blamed for the bombing near Soleimani's grave?") == "Who was blamed"
    assert predicate_of("Which outlet reported the leak?") == "Which outlet reported the leak"
    assert predicate_of("Who in the party was blamed?") == "Who in the party was blamed"  # not after one word
    assert read_question("Who was blamed first for the attack?", date(2024, 1, 5)).predicate == "Who was blamed"


def test_order_words_leave_the_topic_only_when_they_ask_about_order() -> None:
    assert topic_of("Who was blamed first for the attack?") == "Who was blamed for the attack?"
    assert topic_of("What is the latest on the strike?") == "What is the on the strike?"
    assert topic_of("Which report came out last?") == "Which report came out?"
    assert topic_of("What happened last week?") == "What happened last week?"
    assert topic_of("Who became the first woman to lead the party?") == "Who became the first woman to lead the party?"


def test_quantity_questions() -> None:
    today = date(2024, 1, 5)
    assert read_question("How many were injured?", today).quantity
    assert read_question("What was the death toll of the quake?", today).quantity
    assert not read_question("Who was blamed first?", today).quantity


def test_names_are_the_capitalised_words_and_not_figures() -> None:
    # An article may round a figure ("more than 112,000" for 112,965): it names nothing.
    assert names_in("Which automaker recalled more than 112,000 vehicles this week?") == {}
    assert names_in("Did Louis Rees-Zammit quit? What does U.S. law say?") == {
        "Louis": {"loui"}, "Rees-Zammit": {"ree", "zammit"}, "U.S.": {"us", "usa", "america", "american"}
    }  # fmt: skip
    assert names_in("Which event put millions of Americans under alerts?") == {"Americans": {"american", "america", "us", "usa"}}
    assert names_in("how many people were killed in the attack?") == {}  # lower case names nothing
    assert names_in("Who won the 2024 race in the past 48 hours, I'm asking?") == {}  # years, counts, "I'm"
    assert names_in("Which 1988 hit shot to No. 1 in the charts?") == {}  # a rank, not a name
    assert "No" in names_in("Who leads the group No Labels?")


def test_plain_words_match_names_as_articles_write_them() -> None:
    words = set(plain_words("An American said the U.S. plan, Biden’s, would cost 112,000 dollars."))
    assert {"american", "us", "biden", "112000"} <= words


def test_a_question_that_points_back_follows_up_the_conversation() -> None:
    today = date(2024, 1, 5)
    assert follows_up("who will he face in the final?") and follows_up("When is it?")
    assert not follows_up("Who is Luke Littler?") and not follows_up("What did Burgum say about it?")
    assert follows_up("How did this happen?") and follows_up("What happened that day?")
    # "this week" is now: a dev question naming nothing was taken for a follow-up, and a chat would have searched
    # it together with the question before
    assert not follows_up("Which state saw hundreds of mudslides and floods this week?")
    followed = read_question("Who will he face in the final?", today, context="Who is Luke Littler?")
    assert followed.search_topic == "Who is Luke Littler? Who will he face in the final?" and followed.points_back
    # "he" is Luke Littler: a sentence naming him brings no new person to a follow-up
    assert {"luke", "littler"} <= followed.words
    assert not {"luke", "littler"} & read_question("Who will he face in the final?", today).words
    assert not {"luke", "littler"} & read_question("Who won it?", today, context="Who is Luke Littler?").words
    # ...and the names its passages must mention are the ones asked about before; a question naming its own
    # keeps them, and one pointing back at no one ("its staff") gets none
    assert set(followed.names) == {"Luke", "Littler"}
    assert not read_question("Which paper cut 20% of its staff?", today, context="Who is Luke Littler?").names
    assert set(read_question("What did Burgum say about it?", today, context="Who is Luke Littler?").names) == {
        "Burgum"
    }
    # its sentences are ranked as if it named them, not against both questions ("What did Raisi do?" drew the quote
    # of what he did first, for where he was to go)
    assert followed.resolved == "Who will Luke Littler face in the final?"
    went = read_question("which country was he supposed to visit?", today, context="What did Raisi do?")
    assert went.resolved == "which country was Raisi supposed to visit?"
    assert read_question("his plans?", today, context="What did Raisi do?").resolved == "Raisi's plans?"
    assert read_question("When is it?", today, context="Who is Luke Littler?").resolved is None  # no one
    assert read_question("Who will he face in the final?", today).resolved is None


def test_a_question_about_what_is_still_to_come_looks_ahead() -> None:
    today = date(2024, 1, 5)
    assert read_question("Who will he face in the final?", today, context="Who is Luke Littler?").ahead
    assert read_question("Which team is set to host the final?", today).ahead
    assert not read_question("Who beat Luke Littler in the final?", today).ahead
    assert not read_question("Who is Luke Littler?", today).ahead
    assert read_question("Will Littler win the final?", today).ahead
    assert not read_question("Who did Will Smith slap at the Oscars?", today).ahead
    # a sentence is read the same way: the final still to come, not the semi-final won
    assert looks_ahead("The finals, set for January 3, 2024, will be between Littler and Luke Humphries.")
    assert not looks_ahead("Luke Littler took down Rob Cross in order to secure a spot in the Finals.")
    assert not looks_ahead("Willow Creek residents said goodwill was shown.")  # "will" as a word only
    assert looks_ahead("He’ll face Luke Humphries.") and looks_ahead("Littler won’t play on Friday.")
    assert not looks_ahead("The delay is due to a strike.") and not looks_ahead("He was going to resign.")


def test_a_prefix_that_makes_another_thing_keeps_its_word_apart() -> None:
    """A "semi-final" holds no "final" for a question about the final, nor a "vice-president" a president."""
    asked = read_question("Who will he face in the final?", date(2024, 1, 2)).terms
    assert "final" in asked
    assert not asked & set(terms_of(["Rob Cross, his semi-final opponent, was the best he had faced."])[0]) - {"face"}
    assert "final" in terms_of(["The finals will be between Littler and Humphries."])[0]
    assert "presid" not in terms_of(["Ex-president Harris spoke."])[0]
    assert "israel" in terms_of(["Anti-Israel protests grew."])[0]  # before a name the prefix changes nothing


def test_a_leading_name_and_variants_count_but_dates_and_reporters_do_not() -> None:
    assert names_in("Israel is grappling with its worst school shooting. In which province?") == {
        "Israel": {"israel", "isra"}
    }  # fmt: skip
    assert set(names_in("Which British teens feel addicted, according to a Cambridge study?")) == {"British"}
    assert {"uk", "britain"} <= names_in("Which British teens?")["British"]
    assert names_in("Which festival runs from August 15th?") == {}
    # A first word that only opens the sentence names nothing; one that starts a longer name does.
    assert names_in("Annual sales of which type of book have soared?") == {}
    assert names_in("Latest data shows which disease is rising?") == {}
    assert set(names_in("Luke Littler is in the final. Who will he face?")) == {"Luke", "Littler"}
    assert set(names_in("Mexican drug cartels target which state?")) == {"Mexican"}
