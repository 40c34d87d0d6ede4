"""Topic labels: nouns and noun phrases the topic's talks share, never adverbs, lone
adjectives, numbers or one talk's filler (issue 19)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from topics.corpus import Corpus, Talk
from topics.model import TopicModel
from topics.model.labels import (
    MIN_SUPPORT,
    ambiguous,
    support,
    term_reason,
    topic_labels,
    word_reason,
)
from topics.model.lexicon import LookupFile, lemminflect
from topics.model.vocabulary import Analyzer

#: Theme -> the nouns its talks share, and the words a person would never label it with,
#: written to be the theme's most distinctive words: an adverb, lone adjectives, number
#: words, and (in one talk only) a placeholder.
THEMES = {
    "database": (
        "database index query planner replication postgresql",
        "seamlessly sure thousand million broadly inviting",
    ),
    "graphics": (
        "vulkan shader renderer gpu texture pipeline",
        "seamlessly diverse hundred overlooked quickly upcoming",
    ),
    "teaching": (
        "classroom teacher student curriculum lesson school",
        "thousand million sure diverse broadly inviting",
    ),
}


def _programme() -> Corpus:
    talks = []
    for theme, (nouns, junk) in THEMES.items():
        nouns, junk = nouns.split(), junk.split()
        for i in range(8):
            picked = " ".join(nouns[(i + j) % len(nouns)] for j in range(4))
            # The junk words, twice, in every talk: more weight than any one noun.
            filler = " ".join(junk[(i + j) % len(junk)] for j in range(5))
            extra = " xxq xxq xxq xxq" if i == 0 else ""
            talks.append(
                Talk(
                    id=f"{theme}-{i}",
                    title=f"{picked.split()[0].title()} talk {i}",
                    abstract=f"{picked}, {filler}. {filler}. {picked}{extra}.",
                )
            )
    return Corpus(talks, title="LabelCon")


@pytest.fixture(scope="module")
def model() -> TopicModel:
    return TopicModel(n_topics=3, random_state=0).fit(_programme())


def test_labels_hold_only_nouns_the_topic_shares(model):
    nouns = {word for shared, _ in THEMES.values() for word in shared.split()}
    junk = {word for _, words in THEMES.values() for word in words.split()} | {"xxq"}
    assert len(model.topic_labels_) == 3
    for label in model.topic_labels_:
        terms = label.split(" · ")
        assert len(terms) == 3, label
        words = {word for term in terms for word in term.split()}
        assert not words & junk, label
        assert words <= nouns, label


def test_the_junk_words_are_the_topics_most_weighted_terms(model):
    # Else the test above would pass for the old labels too.
    junk = {word for _, words in THEMES.values() for word in words.split()}
    heavy = {term for k in range(3) for term, _ in model.top_words(k, 3)}
    assert heavy & junk


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("database", None),
        ("kubernetes", None),  # unknown to the lexicon: jargon is content
        ("testing", None),  # a gerund is a noun
        ("sure", "adjective"),
        ("diverse", "adjective"),
        ("broadly", "adverb"),
        ("seamlessly", "adverb"),  # unknown, but the -ly adverb of an adjective
        ("reproducible", "adjective"),  # unknown, -ible
        ("serverless", "adjective"),  # unknown, -less
        ("sandboxed", "adjective"),  # unknown, the -ed participle of "sandbox"
        ("jared", None),  # unknown; "jar" is too short a stem to read it as a participle
        ("th", "number"),  # what the tokenizer leaves of "25th"
        ("overlooked", "verb"),
        ("fast", "adjective"),  # a noun too, but mostly an adjective or adverb
        ("thousand", "number"),
        ("million", "number"),
        ("2016", "number"),
        ("https", "url/markup"),
        ("ll", "contraction"),
    ],
)
def test_word_reason(word, reason):
    assert word_reason(word) == reason


def test_an_adjective_is_a_noun_where_the_corpus_uses_its_plural():
    assert word_reason("standard") == "adjective"
    assert word_reason("standard", plurals={"standard"}) is None
    assert word_reason("fast", plurals={"fast"}) == "adjective"  # an adverb too


def test_a_noun_is_a_verb_where_the_corpus_uses_it_as_one():
    analyzer = Analyzer().fit(
        [
            "We meet in the hall, we push the release and we push it again.",
            "Come and meet us: you can meet the team. The release is out, the push is not.",
            "Our release process and the release notes.",
        ]
    )
    assert {"meet", "push"} <= analyzer.verbs_ and "release" not in analyzer.verbs_
    assert word_reason("meet", verbs=analyzer.verbs_) == "verb"
    assert word_reason("release", verbs=analyzer.verbs_) is None
    assert word_reason("meet") is None  # a noun too, when the corpus says nothing
    assert term_reason("team meet", verbs=analyzer.verbs_) is None  # a phrase's head


def test_a_verb_s_form_is_no_plural_where_the_corpus_uses_it_as_a_verb():
    # FOSDEM 2024 uses "permits" as a verb only ("this permits to generate events"): a
    # verb's "-s" form, spelled as a plural. A parking corpus uses it as a plural noun.
    io = Analyzer().fit(
        [
            "This library permits fast I/O. It permits us to wait on a file descriptor.",
            "epoll permits the kernel to wake a thread, which permits the reuse of buffers.",
            "Devices that permit such computing. The tests run in CI; our tests are fast.",
            "A test of epoll and the file descriptor of a kernel.",
        ]
    )
    parking = Analyzer().fit(
        [
            "Parking permits are issued by the city. The permits cost money.",
            "Residents hold two permits; a permit holder parks free. Our permits expire.",
        ]
    )
    # Two of the four "permits" follow a subject ("It", "which"): verbs, not plurals.
    assert "permit" in io.verbs_ and io.plural_share_["permit"] == 2 / 3
    assert "test" not in io.verbs_ and io.plural_share_["test"] == 2 / 3
    assert "permit" not in parking.verbs_ and parking.plural_share_["permit"] == 4 / 5
    H = np.array([[1.0, 0.9, 0.8, 0.7]])
    terms = np.array(["permit", "epoll", "file descriptor", "kernel"])
    assert topic_labels(H, terms, analyzers=[io]) == ["epoll · file descriptor · kernel"]
    assert topic_labels(H, terms, analyzers=[parking]) == ["permit · epoll · file descriptor"]


def test_analyzer_measures_how_often_a_word_is_used_in_the_plural():
    analyzer = Analyzer().fit(
        ["Games and a game, a game engine.", "Mobile apps on a mobile phone, an app."]
    )
    assert analyzer.plural_share_ == {"game": 1 / 3, "app": 1 / 2}
    labels = topic_labels(
        np.array([[1.0, 0.9, 0.8, 0.7]]),
        np.array(["mobile", "game", "phone", "app"]),
        None,
        None,
        None,
        [analyzer],
    )
    # "mobile": no "mobiles"; "phone" (a verb too, never plural here) yields to "app".
    assert labels == ["game · app · phone"]


def test_phrases_are_noun_phrases():
    assert term_reason("machine learning") is None
    assert term_reason("upcoming change") is None  # adjective + noun
    assert term_reason("distributed system") is None  # participle + noun
    assert term_reason("broadly inviting") == "inviting: adjective"
    assert term_reason("broadly change") == "broadly: adverb"
    assert term_reason("thousand user") == "thousand: number"
    assert word_reason("supply") == "adverb" and term_reason("software supply") is None


def test_other_languages_are_checked_against_the_junk_lists_only():
    assert word_reason("rápidamente", "es") is None
    assert term_reason("sure", "fr") is None
    assert word_reason("the", "es") == "function word"
    assert word_reason("of", "pt") == "function word"  # English, in a Portuguese topic


def test_support_is_the_share_of_topic_weight_holding_the_term():
    W = np.array([[1.0, 0.0], [1.0, 0.0], [2.0, 1.0]])
    X = sp.csr_matrix(np.array([[1, 0], [0, 1], [1, 0]]))
    np.testing.assert_allclose(support(W, X), [[0.75, 0.25], [1.0, 0.0]])


def test_a_term_of_one_talk_does_not_lead_when_shared_nouns_exist():
    terms = np.array(["placeholder", "shader", "gpu", "renderer"], dtype=object)
    H = np.array([[1.0, 0.5, 0.4, 0.3]])
    W = np.ones((10, 1))
    X = sp.csr_matrix(np.array([[1, 1, 1, 1]] + [[0, 1, 1, 1]] * 9))
    assert support(W, X)[0, 0] < MIN_SUPPORT
    assert topic_labels(H, terms, W, X) == ["shader · gpu · renderer"]
    # Without W and X every noun may lead.
    assert topic_labels(H, terms) == ["placeholder · shader · gpu"]


def test_a_topic_without_nouns_keeps_its_best_term_and_labels_stay_unique():
    terms = np.array(["seamlessly", "sure", "vulkan", "gpu"], dtype=object)
    H = np.array([[1.0, 0.9, 0.0, 0.0], [0.0, 0.0, 1.0, 0.5], [0.0, 0.0, 1.0, 0.5]])
    labels = topic_labels(H, terms)
    assert labels[0] == "seamlessly"
    assert labels[1] == "vulkan · gpu" and labels[2] == "vulkan · gpu (3)"


def test_a_verb_form_that_is_no_participle_makes_a_verb_phrase():
    assert term_reason("took place") == "took: verb"  # past tense
    assert term_reason("improve performance") == "improve: verb"  # base form
    assert term_reason("follow djangocon") == "follow: verb"
    # Participles (-ed, -en, -ing) and nouns do modify a noun.
    assert term_reason("distributed system") is None
    assert term_reason("running process") is None
    assert term_reason("broken build") is None
    assert term_reason("push notification", verbs={"push"}) is None
    terms = np.array(["pycon india", "took place", "attendee", "keynote"], dtype=object)
    assert topic_labels(np.array([[1.0, 0.9, 0.8, 0.7]]), terms) == [
        "pycon india · attendee · keynote"
    ]


def test_an_ambiguous_word_yields_to_unambiguous_nouns_of_similar_relevance():
    assert ambiguous("calls") and ambiguous("mock") and not ambiguous("descriptor")
    terms = np.array(["file descriptor", "epoll", "calls", "struct", "helper"], dtype=object)
    H = np.array([[1.0, 0.9, 0.8, 0.7, 0.6]])
    assert topic_labels(H, terms) == ["file descriptor · epoll · struct"]
    # Not behind nouns a label's width or more below it.
    terms = np.array(["calls", "epoll", "a1", "a2", "a3", "a4"], dtype=object)
    H = np.array([[1.0, 0.9, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.9, 0.8, 0.7]])
    assert topic_labels(H, terms)[0] == "epoll · calls"


def test_an_ambiguous_word_gives_its_place_to_a_phrase_holding_it():
    terms = np.array(["mock", "script", "pytest", "unittest", "mock object"], dtype=object)
    H = np.array([[1.0, 0.9, 0.8, 0.7, 0.6]])
    plural = Analyzer().fit(["Mocks and a mock, scripts and a script."])
    assert topic_labels(H, terms, analyzers=[plural]) == ["mock object · script · pytest"]


def test_an_ambiguous_word_the_corpus_uses_in_the_plural_keeps_its_place():
    terms = np.array(["test", "pytest", "fixture", "runner"], dtype=object)
    H = np.array([[1.0, 0.9, 0.8, 0.7]])
    assert topic_labels(H, terms) == ["pytest · fixture · runner"]
    plural = Analyzer().fit(["Tests and a test."])
    assert topic_labels(H, terms, analyzers=[plural]) == ["test · pytest · fixture"]


def test_lexicon_read_on_demand_answers_as_lemminflects_own_loader():
    from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
    from lemminflect.codecs.LemmaLUCodec import LemmaLUCodec

    lexicon = lemminflect()
    lemmatizer, inflector = lexicon.Lemmatizer(), lexicon.Inflections()
    lemmas = LemmaLUCodec.load(lemmatizer.lemma_lu_fn)
    inflections = InflectionLUCodec.load(inflector.infl_lu_fn)
    # Every word of both files, and words neither holds.
    for table, own in ((lemmatizer.lemma_dict, lemmas), (inflector.infl_dict, inflections)):
        assert isinstance(table, LookupFile)
        assert {word: table.get(word) for word in own} == own
        for word in ("kubernetes", "", "zzz", "a,b"):
            assert table.get(word, {}) == own.get(word, {})
    assert lexicon.getInflection("build", tag="VBN") == ("built",)
    assert lexicon.getAllLemmas("calls") == {"NOUN": ("call",), "VERB": ("call",)}


def test_terms_are_ranked_as_a_full_sort_would_rank_them():
    from topics.model.labels import _ranked

    rng = np.random.default_rng(0)
    for n in (5, 64, 65, 1000, 30_000):
        row = rng.integers(0, 50, n).astype(float)  # many ties, also at the 64th place
        row[rng.random(n) < 0.3] = -np.inf
        full = [int(i) for i in np.argsort(-row, kind="stable") if np.isfinite(row[i])]
        assert list(_ranked(row)) == full
