"""The kind of answer a question asks for, and the spans of that kind in a sentence."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.kind import (
    AGE,
    CITY,
    CLOCK,
    COUNTRY,
    DATE,
    DURATION,
    LOCATION,
    MONEY,
    MONTH_ASKED,
    NAME,
    NUMBER,
    ORGANISATION,
    PERCENTAGE,
    PERSON,
    PLACE,
    REGION,
    SCORE,
    TITLE,
    YEAR_ASKED,
    kind_asked,
    spans_of,
)
from bot.core.names import Span, names_of
from bot.core.question import read_question
from bot.core.short import short_answer


def short_for(kind: str | None, sentences: list[str], question: str) -> str | None:
    """The short answer of ``sentences`` for ``question``, read as an answer reads it."""
    read = read_question(question, date(2024, 1, 12))
    return short_answer(kind, sentences, read.words, read.anchors)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        (
            "Who beat darts prodigy Luke Littler to become the PDC world champion?",
            PERSON,
        ),
        (
            "Which US state became the first in which Kennedy qualified for the ballot?",
            REGION,
        ),
        ("In which province did the shooting happen?", REGION),
        ("Where did CNN's Republican primary debate take place this week?", LOCATION),
        ("Which city was attacked?", CITY),
        ("In which town did the storm make landfall?", CITY),
        ("Which airline said this week it found loose bolts?", ORGANISATION),
        (
            "Which school won the College Football Playoff National Championship?",
            ORGANISATION,
        ),
        ("How many people were injured?", NUMBER),
        ("What was the final score of the basketball game between Princeton and Delaware?", SCORE),
        ("Insulin makers are making their products available at what price?", MONEY),
        ("How much will a 30-second ad during the Super Bowl cost advertisers?", MONEY),
        ("What is the estimated cost of the Restore the Corridor project?", MONEY),
        ("How much rain fell in San Diego?", NUMBER),  # "how much" asks for money only when it says so
        ("How old is the kid who beat Tetris?", AGE),
        ("At what age did she retire?", AGE),
        ("What is the minimum age for users on TikTok?", NUMBER),  # a rule: "users must be 13 or older"
        ("What was the age of the kid who beat Tetris?", AGE),
        ("What percentage of US adults have received the latest vaccine?", PERCENTAGE),
        ("How long did the siege last?", DURATION),
        ("When is the final?", DATE),
        ("What year did Captain's Catch Seafood open for business?", YEAR_ASKED),
        ("Which film won five awards at the 2024 Golden Globes?", TITLE),
        ("Which former president scored an Emmy this week?", PERSON),
        ("South Korea passed a law this week banning the sale of what?", None),
        ("Who is Luke Littler?", None),  # what he is, not who else
        ("Who is the CEO of OpenAI?", PERSON),
        ("Who was MVP?", PERSON),  # a role, no name
        ("Who is Prime Minister?", PERSON),
        ("Who is NATO'S SECRETARY GENERAL JENS STOLTENBERG now?", PERSON),  # read at once, capitals and all
    ],
)
def test_the_kind_asked_for(question: str, kind: str | None) -> None:
    assert kind_asked(question) == kind


@pytest.mark.parametrize(
    ("question", "sentence", "short"),
    [
        (
            "Who beat 16-year-old darts prodigy Luke Littler to become the PDC world champion?",
            "Luke Humphries beat Luke Littler 7-4 in the final at Alexandra Palace.",
            "Luke Humphries",
        ),
        (
            "Which US state became the first in which Robert F. Kennedy Jr. qualified for the ballot?",
            "Kennedy, who met Governor Spencer Cox, qualified for the ballot in Utah, his campaign said.",
            "Utah",
        ),
        (
            "Which airline found loose bolts on its grounded planes?",
            "Boeing said on Monday that United Airlines had found loose bolts on several planes.",
            "United Airlines",
        ),
        (
            "How many people were killed?",
            "At least 84 people were killed in 2024 and 284 injured.",
            "84",
        ),
        (
            "How long did the siege last?",
            "The siege lasted three weeks before police moved in.",
            "three weeks",
        ),
        (
            "When is the final?",
            "The final is on Wednesday, January 3 in London.",
            "Wednesday, January 3",
        ),
        (
            "Which film won five awards?",
            "“Oppenheimer” won five awards at the Golden Globes.",
            "Oppenheimer",
        ),
    ],
)
def test_the_short_answer_is_the_first_span_of_the_kind_the_question_lacks(
    question: str, sentence: str, short: str
) -> None:
    assert short_for(kind_asked(question), [sentence], question) == short


def test_no_short_answer_without_a_span_of_the_kind_or_a_kind() -> None:
    assert short_for(NUMBER, ["Officials gave no figure for the dead."], "How many died?") is None
    # The only name is the one the question already holds.
    assert short_for(PERSON, ["Luke Littler lost the final."], "Who beat Luke Littler?") is None
    # ...also with a title before it: the person is known by the last name
    macron = "French President Emmanuel Macron has appointed Edouard Philippe as prime minister."
    assert short_for(PERSON, [macron], "Who did Emmanuel Macron appoint as prime minister?") == "Edouard Philippe"
    assert short_for(PERSON, ["President Joe Biden spoke."], "What did Biden say?") is None


def test_a_person_is_not_a_place_and_a_year_is_no_count() -> None:
    question = "Who won the election in Taiwan?"
    assert short_for(PERSON, ["In Taiwan, Lai Ching-te won the vote."], question) == "Lai Ching-te"
    assert short_for(NUMBER, ["In 2024, 3,000 homes flooded."], "How many homes flooded?") == "3,000"


def test_the_later_sentences_are_read_when_the_first_holds_no_span() -> None:
    sentences = ["The storm hit the coast on Sunday.", "The storm was named by forecaster Jane Smith."]
    assert short_for(kind_asked("Who named the storm?"), sentences, "Who named the storm?") == "Jane Smith"


def test_datelines_possessives_and_non_counts_are_no_answers() -> None:
    killed = "WASHINGTON (AP) — The attack killed 84 people and Iran's Supreme Leader Ali Khamenei vowed revenge."
    assert short_for(PERSON, [killed], "Who vowed revenge for the attack?") == "Supreme Leader Ali Khamenei"
    assert short_for(PLACE, [killed], "Where did the attack happen?") == "Iran"
    assert short_for(NUMBER, ["No one was hurt, and 3 houses burned."], "How many houses burned?") == "3"
    assert short_for(DURATION, ["A second explosion followed 20 minutes later."], "How long after?") == "20 minutes"
    assert short_for(TITLE, ["At the Golden Globes, Oppenheimer won best drama."], "Which film won?") is None
    assert short_for(PLACE, ["Talks were held in Kermān."], "Where were the talks held?") == "Kermān"


def test_only_a_span_surely_of_the_kind_is_a_short() -> None:
    """A one-word name may be anything; a name for "what is the name of…" may be any name in the sentence."""
    assert short_for(PERSON, ["The storm was named Henk by forecasters."], "Who named the storm?") is None
    assert short_for(PERSON, ["ISIS claimed the attack."], "Who claimed the attack?") == "ISIS"
    assert short_for(PLACE, ["It happened in Little Snoring, officials said."], "Where did it happen?") is None
    assert short_for(NAME, ["The storm was named Henk by the Met Office."], "What is the storm's name?") is None
    # a quoted phrase not written as a title is no title ("Which classic video game…?" led with "kill screen.")
    screen = "Tetris players long thought the game ended at the “kill screen.”"
    assert short_for(TITLE, [screen], "Which classic video game was beaten this week?") is None
    assert short_for(TITLE, ["The film “Poor Things” led."], "Which film led?") == "Poor Things"


def test_descriptions_polls_and_tours_are_no_one_s_name() -> None:
    """Dev set: "Which singer was sued by her dancers?" led with "Grammy Award-winning"; "Which Republican
    candidate was the runner-up…?" with "Iowa Poll"; "Which musician's 1988 hit…?" with "World Tour"."""
    lizzo = "Three former dancers for Lizzo, a Grammy Award-winning artist, have filed a lawsuit against her."
    assert short_for(PERSON, [lizzo], "Which singer was sued by her dancers?") is None
    masimo = "The California-based Masimo Corp. sued Apple."
    assert short_for(ORGANISATION, [masimo], "Which company sued?") == "Masimo Corp"
    poll = "Here's where each candidate stands according to our January Iowa Poll; Ron DeSantis came second."
    assert short_for(PERSON, [poll], "Which Republican candidate was the runner-up?") == "Ron DeSantis"
    tour = "Urban's World Tour takes its name from the album of Keith Urban."
    assert short_for(PERSON, [tour], "Which musician's hit shot to No. 1?") == "Keith Urban"
    # a name with a lower-case part after a hyphen is still one
    assert short_for(PERSON, ["In Taiwan, Lai Ching-te won the vote."], "Who won the vote?") == "Lai Ching-te"
    assert short_for(PERSON, ["Media tycoon Jimmy Lai Chee-ying was jailed."], "Who was jailed?") == (
        "Jimmy Lai Chee-ying"
    )
    assert names_of("A New York-based firm hired Jane Doe.") == [Span("Jane Doe", 28)]  # no "New"


def test_of_several_names_the_one_written_as_what_is_asked_for_answers() -> None:
    """Dev set: "Which former president scored an Emmy…?" led with the actor named first."""
    emmys = (
        'Late "Black Panther" star Chadwick Boseman earned a posthumous prize for character voiceover, while'
        ' former President Barack Obama picked up outstanding narrator.'
    )
    assert short_for(PERSON, [emmys], "Which former president scored an Emmy for narration?") == (
        "President Barack Obama"
    )
    assert short_for(PERSON, [emmys], "Which star scored a posthumous Emmy?") == "Chadwick Boseman"
    assert short_for(PERSON, [emmys], "Who scored an Emmy?") == "Chadwick Boseman"  # named as nothing: the first


def test_a_city_is_no_country() -> None:
    """The sample: "Which city was attacked?" led with Iran. The rules know no cities: a name may be one."""
    deadliest = "This attack stands as the deadliest in Iran since the country's 1979 revolution."
    assert spans_of(CITY, deadliest) == []
    assert spans_of(CITY, "The bombing in Kerman, Iran, killed 84.") == [Span("Kerman", 15)]
    assert short_for(CITY, ["The bombing in Kerman, Iran, killed 84."], "Which city was attacked?") is None


def test_a_score_is_a_result_not_a_count() -> None:
    """Dev set: "What was the final score of the … game between Princeton … and Delaware …?" set 21 points
    against 28 as differing figures; the quote held "84-82"."""
    game = "Caden Pierce scored 21 points in Princeton's 84-82 win in the 2023-24 season."
    assert short_for(SCORE, [game], "What was the final score of the Princeton game?") == "84-82"
    beat = "Alabama beat Michigan 27-24, ending the run."
    assert short_for(SCORE, [beat], "What was the final score?") == "27-24"
    # a credit score or a test's is a number
    assert kind_asked("What was the credit score threshold?") == kind_asked("What score did he get?") == NUMBER
    assert short_for(NUMBER, [game], "How many points did Caden Pierce score?") == "21"
    heading = "Princeton Tigers (11-1) at Delaware Fightin' Blue Hens (8-4)"  # the teams' records
    assert short_for(SCORE, [heading], "What was the final score of the Princeton game?") is None
    assert not read_question("What was the final score of the game?", date(2024, 1, 12)).quantity


def test_datelines_and_possessives_of_plural_names_end_a_name() -> None:
    """"who did he blame?" led with the dateline "BOONE"; "Which airline's plane lost a door?" had no short
    answer from "Alaska Airlines' Flight 1282"."""
    boone = "BOONE, Iowa — President Joe Biden's inability to secure the border is to blame, Doug Burgum said."
    assert short_for(PERSON, [boone], "Who was blamed?") == "President Joe Biden"
    flight = "A boy on board Alaska Airlines' Flight 1282 had his shirt sucked off when the jet lost a door."
    assert short_for(ORGANISATION, [flight], "Which airline's plane lost a door?") == "Alaska Airlines"


def test_a_price_is_an_amount_of_money() -> None:
    """Dev set: "…available to more Americans at what price?" led with "three" (insulin makers)."""
    insulin = "In March, three insulin makers said they would cap costs at $35 a month for 8 million Americans."
    assert short_for(MONEY, [insulin], "Insulin is available at what price?") == "$35"
    assert short_for(NUMBER, [insulin], "How many insulin makers cut prices?") == "three"
    sales = "Annual sales of poetry books rose 8% to £14.4 million, or 20 dollars a reader."
    assert short_for(MONEY, [sales], "How much did poetry books earn?") == "£14.4 million"
    assert short_for(MONEY, ["Three firms raised prices."], "At what price?") is None
    assert short_for(MONEY, ["It sold for $35, a record."], "What price did it fetch?") == "$35"
    assert short_for(MONEY, ["It cost three people $7m."], "How much did it cost?") == "$7m"
    # time and rates are no money, however "how much" asks for them
    assert kind_asked("How much time did the astronauts spend in space?") == NUMBER
    assert kind_asked("How much did the Fed raise interest rates?") == NUMBER


def test_of_several_figures_the_one_beside_what_is_asked_answers() -> None:
    toll = "The dual explosions resulted in the deaths of at least 84 people and left 284 others injured."
    assert short_for(NUMBER, [toll], "How many people were injured?") == "284"
    assert short_for(NUMBER, [toll], "How many people were killed?") == "84"  # nothing beside either: the first
    flights = "The FAA grounded 171 planes, and 40 flights were cancelled on Sunday."
    assert short_for(NUMBER, [flights], "How many flights were cancelled?") == "40"
    jets = "The FAA has grounded 171 of 215 MAX 9 jets in service."  # the thing counted sits beside the fleet's size
    assert short_for(NUMBER, [jets], "How many Boeing 737 Max 9 jets were grounded this month?") == "171"


def test_a_day_of_a_date_is_no_count() -> None:
    """The sample: "how many were killed" was answered 3, the day Soleimani was killed."""
    killed = "Soleimani was killed in a US airstrike at Baghdad International Airport on January 3, 2020."
    deaths = "The dual explosions resulted in the deaths of at least 84 people and left 284 others injured."
    assert short_for(NUMBER, [killed], "How many people were killed?") is None
    assert short_for(NUMBER, [killed, deaths], "How many people were killed?") == "84"
    assert short_for(NUMBER, ["On 3 May 2024 12 people died; on Monday 5 more."], "How many died?") == "12"
    assert short_for(NUMBER, ["Officials said 12 may have died."], "How many died?") == "12"  # "may": no month
    assert short_for(NUMBER, ["In March 5,000 protesters marched."], "How many marched?") == "5,000"


def test_a_year_after_since_is_no_date_of_the_event() -> None:
    record = "This attack stands as the deadliest in Iran since the country's 1979 revolution."
    assert short_for(DATE, [record], "When did the attack happen?") is None
    assert short_for(DATE, [record, "It happened on January 3, 2024."], "When did it happen?") == "January 3, 2024"


def test_events_and_buildings_are_no_people() -> None:
    """Real sentences of the dev set: a championship and a palace answered "who beat Luke Littler?"."""
    question = "Who beat 16-year-old darts prodigy Luke Littler to become the PDC world champion?"
    waves = (
        "A 16-year-old is making waves at the Professional Darts Corporation (PDC) World Darts Championship"
        " at the Alexandra Palace in London."
    )
    final = "The finals will be between Littler and 2023 World Grand Prix champion Luke Humphries."
    assert short_for(PERSON, [waves], question) is None
    assert short_for(PERSON, [waves, final], question) == "Luke Humphries"
    where = "Where is the darts final played?"
    assert short_for(kind_asked(where), [waves], where) == "Alexandra Palace"


def test_a_country_opening_the_sentence_is_a_name_and_a_title_in_quotes_no_person() -> None:
    """Real sentences of the dev set: the country that answered was the sentence's first word, passed over for
    the Netherlands of the next quote; a song's title answered "which pop star"."""
    question = "Which country became the first Orthodox Christian nation to legalise same-sex marriage?"
    greece = "Greece has legalized same-sex civil marriage, the first majority-Orthodox Christian country to do so."
    netherlands = "In 2001, the Netherlands was the first country in the world to open civil marriage to same-sex couples."
    assert short_for(COUNTRY, [greece, netherlands], question) == "Greece"
    assert short_for(COUNTRY, ["Passengers said the Netherlands was next."], question) == "Netherlands"
    # a given name, a compass point: no place
    assert short_for(COUNTRY, ["Jordan scored 30 as the United States won."], "Which country won?") == "United States"
    assert short_for(REGION, ["Western lawmakers said Texas sued."], "Which state sued?") == "Texas"
    star = "Which pop star is being sued for starting her concerts hours late?"
    fans = 'Two Madonna fans didn\'t get "Into the Groove" with the pop icon, and now they\'re suing the singer.'
    assert short_for(PERSON, [fans], star) is None  # "Madonna" alone: the rules cannot tell a person by one word
    assert short_for(PERSON, [fans, "Madonna Louise Ciccone was sued on Tuesday."], star) == "Madonna Louise Ciccone"
    # quoted speech is no title: the person named in it may answer
    said = '"I lost to Rob Cross in the semi-final," Luke Littler said.'
    assert short_for(PERSON, [said], "Who beat Luke Littler in the semi-final?") == "Rob Cross"


def test_where_asks_for_a_place_something_is_put_in() -> None:
    """The sample: "Israel" is who was accused, "Iran" where the attack happened."""
    where = "Where did the attack happen?"
    accused = "During the period between the explosions and ISIS' statement, accusations were made against Israel."
    deadliest = "This attack stands as the deadliest in Iran since the country's 1979 revolution."
    assert kind_asked(where) == LOCATION
    assert short_for(LOCATION, [accused], where) is None
    assert short_for(LOCATION, [accused, deadliest], where) == "Iran"
    assert short_for(PLACE, [accused], "Which country was accused?") == "Israel"


def test_a_state_is_no_country_and_a_year_no_month() -> None:
    """Real sentences of the dev set, each once answered with the wrong one."""
    hosts = "MetLife Stadium in East Rutherford, New Jersey, will host the final of the World Cup in the United States."
    assert kind_asked("Which state will host the 2026 World Cup final?") == REGION
    assert short_for(REGION, [hosts], "Which state will host the 2026 World Cup final?") == "New Jersey"
    assert short_for(COUNTRY, [hosts], "Which country will host the final?") == "United States"
    drinks = "The new rules went into effect Thursday, Jan. 11, allowing bars to serve alcohol from 8 a.m. on Sundays."
    assert kind_asked("What time can Delaware bars start serving alcohol?") == CLOCK
    assert short_for(CLOCK, [drinks], "What time can Delaware bars start serving alcohol?") == "8 a.m."
    taxes = "In 2023, the IRS began accepting 2022 tax returns; the deadline to file is April 18."
    assert kind_asked("In which month is the deadline?") == MONTH_ASKED
    assert short_for(MONTH_ASKED, [taxes], "In which month is the deadline?") == "April"
    opened = "The restaurant opened on Main Street in 1998, three blocks from the beach."
    assert short_for(YEAR_ASKED, [opened, taxes], "What year did the restaurant open?") == "1998"


def test_ages_and_dates_tied_to_the_question() -> None:
    """The slice's darts article: "two-time" counts nothing, "16-year-old" gives an age, and of two sentences with
    dates the one beside what is asked about answers (a year of other events comes first)."""
    cross = "Luke Littler took down two-time European Championship winner Rob Cross."
    teen = "The 16-year-old is making waves at the World Darts Championship."
    assert short_for(kind_asked("How old is Luke Littler?"), [cross, teen], "How old is Luke Littler?") == "16"
    events = "Littler participated in two World Darts Federation events back in 2022."
    final = "The finals, set for January 3, 2024, will be between Littler and Luke Humphries."
    assert short_for(DATE, [events, final], "When is the darts final?") == "January 3, 2024"
    assert short_for(DATE, [events], "When is the darts final?") == "2022"  # nothing beside it: the first


def test_a_role_asks_for_a_person_not_an_acronym_or_an_organisation() -> None:
    """Dev set sentences quoted for "Which former governor…?" (led with GOP) and "Which member of the British royal
    family…?" (led with CNN); "who" alone may still be answered by a group."""
    governor = "Which former governor did President Donald Trump grant clemency to this week?"
    rivals = (
        "Donald Trump’s indictments over his handling of classified documents and the 2020 election have raised the "
        "question among his GOP rivals of whether they would pardon the former president if they're elected."
    )
    assert short_for(kind_asked(governor), [rivals], governor) is None
    royal = "Which member of the British royal family landed a new podcast deal?"
    source = (
        "A royal source initially CNN that neither Buckingham Palace nor Kensington Palace, nor any members of the "
        "royal family, were approached for comment on the content of the series."
    )
    assert short_for(kind_asked(royal), [source], royal) is None
    claimed = "Who claimed responsibility for the attack?"
    assert short_for(kind_asked(claimed), ["In a statement, ISIS claimed responsibility for the attack."], claimed) == "ISIS"


FATHER = (
    "He dedicated his win to his dad, Adam Gibson, who passed away Dec. 14, at age 39, reported The Oklahoman, part of "
    "the USA TODAY Network."
)
PLAYER = (
    "Willis Gibson, 13, of Stillwater, Okla., recently earned the ultimate achievement in the game, developed by "
    "Russian scientist Alexey Pajitnov in 1984."
)
TRUCKS = (
    "“An award of punitive damages to hopefully warn people riding around in the millions of those trucks Ford sold "
    "was the reason the Hill family insisted on a verdict.”"
)
VERDICT = (
    "Butler conceded that the $1.7 billion verdict is likely to be reduced on appeal, but he’s hoping it serves as a "
    "wake-up call to both automakers and pickup truck owners."
)


@pytest.mark.parametrize(
    ("question", "sentences", "short"),
    [
        # the slice's Tetris report writes its player's age after his name between commas; his late father's
        # "at age 39" was the only age before
        ("How old is Willis Gibson?", [FATHER, PLAYER], "13"),
        # the slice's Ford verdict report: "millions" (of trucks) led, then "billion", a word of "$1.7 billion"
        # read again on its own
        ("How much was the Ford verdict?", [TRUCKS, VERDICT], "$1.7 billion"),
        ("How old is Robert F. Kennedy Jr.?", ["Robert F. Kennedy Jr., 70, said he would run."], "70"),
    ],
)
def test_short_answers_of_real_sentences(question: str, sentences: list[str], short: str) -> None:
    assert short_for(kind_asked(question), sentences, question) == short


def test_no_age_in_counts_after_names_nor_a_sum_in_its_own_words() -> None:
    assert [span.text for span in spans_of(AGE, "Gibson, 13,000 fans and Norway, 16, Germany, 12, and the U.S., 9")] == []
    assert [span.text for span in spans_of(NUMBER, VERDICT)] == ["$1.7 billion"]
    # a vague count sitting next to what is asked is no answer, and leaves none to the figure beside it
    flood = "Thousands died in the flood, and 12 were rescued."
    assert short_for(NUMBER, [flood], "How many people died?") is None


def test_places_by_their_last_word_and_initials_are_no_person() -> None:
    """"U.S." lost its last dot and was taken for an acronym, answering "Which senator endorsed Trump?"; a county is
    no person, while "City" and "State" end teams' and groups' names too."""
    crash = "The April 2014 crash in Gwinnett County killed Melvin Hill."
    assert [(n.text, n.kind) for n in names_of(crash)] == [("Gwinnett County", PLACE), ("Melvin Hill", None)]
    assert [(n.text, n.kind) for n in names_of("It happened in the U.S.")] == [("U.S.", PLACE)]
    assert [(n.text, n.kind) for n in names_of("Robert F. Kennedy Jr. qualified.")] == [("Robert F. Kennedy Jr", None)]
    senator = "Which senator endorsed Trump?"
    assert short_for(kind_asked(senator), ["Trump thanked the U.S. troops."], senator) is None
    claimed = "Who claimed responsibility for the attack?"
    assert short_for(kind_asked(claimed), ["The Islamic State claimed responsibility."], claimed) == "Islamic State"
    found = "Who found the door plug?"  # the FAA's airworthiness directive led it
    assert short_for(kind_asked(found), ["The agency is issuing this AD to address the unsafe condition."], found) is None
    assert short_for(kind_asked(claimed), ["The EU claimed responsibility."], claimed) == "EU"
    won = "Who won the Super Bowl?"
    assert short_for(kind_asked(won), ["Kansas City beat San Francisco 25-22 in overtime."], won) == "Kansas City"


def test_a_figure_is_tied_to_the_question_within_its_own_clause() -> None:
    """The slice's Kim Jong Un birthday report: "born" sits beside both years, and "Kim Jong" only beside the first
    across ", and": the sentence does not say when Kim Jong Un was born, so it gives no year (it gave 1912, his
    grandfather's); a clause that says it alone answers."""
    born = "Kim Il Sung was born in 1912, and Kim Jong Il, father of Kim Jong Un, was born in 1942."
    question = "When was Kim Jong Un born?"
    assert short_for(kind_asked(question), [born], question) is None
    believed = "Kim Jong Un is believed to have been born on January 8, 1984."
    # nor does it read on: the next quote's year may be of another event ("founded in 1948 by his grandfather")
    assert short_for(kind_asked(question), [born, "North Korea was founded in 1948."], question) is None
    assert short_for(kind_asked(question), [believed, born], question) == "January 8, 1984"
    # the same figure twice is one answer
    twice = "Officials said 84 people were killed, and state TV said 84 people were killed."
    assert short_for(NUMBER, [twice], "How many people were killed?") == "84"
    # an aside between commas is no new clause: "The finals, set for January 3, 2024, …" answers when the final is
    final = "The finals, set for January 3, 2024, will be between Littler and Luke Humphries."
    assert short_for(DATE, [final], "When is the darts final?") == "January 3, 2024"


def test_a_date_years_before_its_report_is_background() -> None:
    """The sample (2024-01-04) on an attack on the anniversary of Soleimani's killing: "January 3, 2020" dates
    the killing, not the attack; asked about that year, it answers."""
    killed = "Soleimani was killed in a US airstrike at Baghdad International Airport on January 3, 2020."
    attack = read_question("When did the attack happen?", date(2024, 1, 12))
    assert short_answer(DATE, [killed], attack.words, attack.anchors, ["2024-01-04"]) is None
    assert short_answer(DATE, [killed], attack.words, attack.anchors, ["2020-01-04"]) == "January 3, 2020"
    # asked about what the sentence says happened then, the background is the answer
    for asked, short in (("When was Qassem Soleimani killed?", "January 3, 2020"), ("What year was he killed?", None)):
        read = read_question(asked, date(2024, 1, 12))
        assert short_answer(read.kind, [killed], read.words, read.anchors, ["2024-01-04"]) == short, asked
    year = read_question("What year was Soleimani killed?", date(2024, 1, 12))
    assert short_answer(YEAR_ASKED, [killed], year.words, year.anchors, ["2024-01-04"]) == "2020"
    in_2020 = read_question("What happened in January 2020?", date(2024, 1, 12))
    assert short_answer(DATE, [killed], in_2020.words, in_2020.anchors, ["2024-01-04"]) == "January 3, 2020"


def test_of_several_names_untied_to_the_question_the_one_the_passages_mention_most_answers() -> None:
    asked = read_question("Which island nation recently elected a new leader?", date(2024, 1, 19))
    backing = (
        "The United States, which is bound by its laws to provide Taiwan with the weapons needed to defend itself, "
        "pledged support for whichever government emerges."
    )
    won = "TAIPEI, Taiwan — Ruling-party candidate Lai Ching-te emerged victorious in Taiwan’s presidential election."
    assert short_answer(asked.kind, [backing], asked.words, asked.anchors, passages=[backing, won]) == "Taiwan"
    # as often as each other: the rules cannot tell which answers
    assert short_answer(asked.kind, [backing], asked.words, asked.anchors, passages=[backing]) is None


def test_how_old_asks_for_an_age_not_any_count() -> None:
    """Asked of the slice's Tetris report, it led with the game's "40" (years since its release)."""
    game = "Tetris is an old-school video game, released nearly 40 years ago."
    kid = (
        "But a 13-year-old from Oklahoma just pulled off a new trick on the classic, being the first player to "
        "truly beat the game."
    )
    assert short_for(AGE, [game, kid], "How old is the kid who beat Tetris?") == "13"
    assert short_for(AGE, ["Carter, who is 99 years old, entered hospice care."], "How old is Carter?") == "99"
    assert short_for(AGE, ["She was aged 42 when she retired."], "At what age did she retire?") == "42"
    began = "Willis, who began playing Tetris at the age of 11, and other competitive gamers will keep trying."
    assert short_for(AGE, [began], "At what age did Willis start playing Tetris?") == "11"
    # no quote holds an age: a number answers ("how old is Tetris?")
    assert short_for(AGE, [game], "How old is Tetris?") == "40"
    assert [s.text for s in spans_of(NUMBER, "The tortoise, 3.5 years old, met a 99 years old man.")] == ["3.5", "99"]
    assert [s.text for s in spans_of(AGE, "The tortoise, 3.5 years old, met a 99 years old man.")] == ["99"]


def test_a_longer_name_s_mentions_are_not_counted_for_a_shorter_name_inside_it() -> None:
    asked = read_question("Which country signed the deal?", date(2024, 1, 8))
    both = "Guinea sent envoys as Papua New Guinea hosted the talks."
    passages = [both, "Papua New Guinea signed the deal on Monday."]
    assert short_answer(asked.kind, [both], asked.words, asked.anchors, passages=passages) == "Papua New Guinea"
