"""Topic labels a person would write: distinctive nouns and noun phrases the topic's talks share.

A label is a topic's first few terms in order of relevance (Sievert & Shirley, "LDAvis: A
method for visualizing and interpreting topics", ACL workshop on interactive language
learning, 2014), keeping only terms that can name a subject:

* **a noun or a noun phrase** (:func:`term_reason`). A word must have a noun reading in
  lemminflect's English lexicon (the SPECIALIST lexicon of the US National Library of
  Medicine, shipped in the package; https://github.com/bjascob/LemmInflect), or be
  unknown to it (``kubernetes``, ``vulkan``: the names and jargon of talks). Words the
  lexicon knows only as adverbs, adjectives or verbs ("sure", "diverse", "overlooked")
  never lead a label, nor do those it also knows as adverbs ("fast", "forward"). A word
  the lexicon also knows as an adjective ("mobile") is a noun of this corpus only when
  the corpus uses it in the plural (:data:`MIN_PLURAL_SHARE`: "standards", "games",
  "executables"): adjectives have no plural. A word the lexicon knows as a noun and a
  verb is a verb where the corpus uses it as one, after "to", "can" or "we" more often
  than after "the" or "our" ("meet", "push"), its "-s" form after "it" or "which" more
  often than after "the" or before "are" ("permits": ``Analyzer.verbs_``). Unknown words
  are read by their English derivational suffix: an adjective's ``-ly`` adverb
  ("seamlessly"), the adjectives in ``-able``, ``-ible``, ``-less``, ``-ful`` and
  ``-ous`` ("reproducible", "serverless") and the past participles in ``-ed`` of words
  the lexicon knows ("sandboxed") are no nouns. Neither are the number words
  (the closed class of English cardinals: "million", "thousand"), the ordinal suffixes
  a number leaves behind ("th" of "25th"), nor the junk of
  :func:`topics.model.evaluation.junk_reason` (URL pieces, contraction fragments,
  numbers, function words). A key phrase is a noun phrase when its last word (the head)
  is a noun and the words before it are nouns, adjectives or participles ("upcoming
  change", "distributed system"), not adverbs ("broadly inviting"), numbers, junk or
  other verb forms ("took place"). Terms of other languages, for which no lexicon is
  shipped, are checked against the junk lists and English's function words (every
  programme mixes in English) only.
* **shared by the topic's talks** (:data:`MIN_SUPPORT`): the talks holding the term carry
  at least that share of the topic's weight (its column of W). Relevance favours rare
  words, and a word of one or two of a topic's talks ("xx" in one talk of five, "floor"
  in two of sixteen) describes those talks, not the topic.

When fewer than the label's terms pass both rules, terms that are nouns but less shared
complete it; a topic without any noun keeps its most relevant term.

An English word the lexicon knows as a noun and also as a verb or an adjective
(:func:`ambiguous`: "calls", "mock") may not name anything where the corpus uses it. It
gives its place to the topic's candidate phrase that holds it ("mock object"); else,
unless the corpus uses it in the plural, it yields to the unambiguous nouns of the next
few candidates (:func:`topic_labels`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from .evaluation import junk_reason
from .languages import function_words, stop_words
from .lexicon import lemminflect

#: Share of a topic's weight (its column of W) that the talks holding a label term must
#: carry (docs/decisions.md).
MIN_SUPPORT = 0.15

#: Share of a word's uses in the plural above which the word is a noun of the corpus, when
#: the lexicon also knows it as an adjective ("games": a third of "game"'s uses; "mobiles",
#: "parallels", "publics": 2 % or less; docs/decisions.md).
MIN_PLURAL_SHARE = 0.1

#: The English cardinal number words: a closed word class (Penn Treebank tag ``CD``), not
#: a list of examples. Ordinals ("first", "third") are adjectives in the lexicon.
NUMBER_WORDS = frozenset(
    {
        *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
        *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
        *("seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty"),
        *("sixty", "seventy", "eighty", "ninety", "hundred", "thousand", "million"),
        *("billion", "trillion", "dozen"),
    }
)

#: Candidates looked at beyond a label's size, for labels another topic already has.
_SPARE = 5

#: What the tokenizer leaves of "1st", "22nd", "25th": it drops digits.
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})

_NOUN_READINGS = frozenset({"NOUN", "PROPN"})
_MODIFIER_READINGS = frozenset({"ADJ", "ADV"})
_PART_OF_SPEECH = {"ADJ": "adjective", "ADV": "adverb", "VERB": "verb", "AUX": "verb"}


@lru_cache(maxsize=65536)
def _readings(word: str) -> frozenset[str]:
    """Universal POS tags lemminflect's lexicon gives ``word``; empty when unknown."""
    return frozenset(lemminflect().getAllLemmas(word))


def word_reason(
    word: str, language: str = "en", plurals: Collection[str] = (), verbs: Collection[str] = ()
) -> str | None:
    """Why one word cannot head a label term, or None.

    Parameters
    ----------
    word : str
        Lowercase.
    language : str
        ISO 639-1 code of the word's topic; parts of speech are checked for ``"en"`` only.
    plurals : collection of str
        Words the corpus uses in the plural (see :data:`MIN_PLURAL_SHARE`): such a word
        that is also an adjective (not an adverb) is a noun.
    verbs : collection of str
        Words the corpus uses as verbs (``Analyzer.verbs_``): such a word that is also a
        noun is a verb.

    Returns
    -------
    str or None
        A junk reason of :func:`topics.model.evaluation.junk_reason`, ``"number"`` for a
        number word, else (English) ``"adjective"``, ``"adverb"`` or ``"verb"`` for a word
        the lexicon knows but not as a noun of this corpus; None for a noun or an
        unknown word.

    Examples
    --------
    >>> [word_reason(w) for w in ("database", "kubernetes", "sure", "seamlessly", "thousand")]
    [None, None, 'adjective', 'adverb', 'number']
    >>> word_reason("standard"), word_reason("standard", plurals={"standard"})
    ('adjective', None)
    """
    if reason := junk_reason(word, _junk_words(language)):
        return reason
    if language != "en":
        return None
    if reason := _number(word):
        return reason
    readings = _readings(word)
    if not readings:
        return _unknown_word_reason(word)
    if "VERB" in readings and word in verbs:
        return "verb"
    if readings & _NOUN_READINGS and (
        not readings & _MODIFIER_READINGS or (word in plurals and "ADV" not in readings)
    ):
        return None
    for tag, name in _PART_OF_SPEECH.items():
        if tag in readings:
            return name
    return "not a noun"


def _number(word: str) -> str | None:
    return "number" if word in NUMBER_WORDS or word in ORDINAL_SUFFIXES else None


def _unknown_word_reason(word: str) -> str | None:
    """An unknown word's part of speech from its derivational suffix, when it tells one."""
    if word.endswith(("able", "ible", "less", "ful", "ous")):
        return "adjective"
    # The past participle of a word the lexicon knows ("sandboxed"): an adjective before a
    # noun, no noun itself. Stems of 4+ letters: a name such as "jared" stays.
    if word.endswith("ed") and any(
        len(stem) >= 4 and _readings(stem) for stem in (word[:-2], word[:-1])
    ):
        return "adjective"
    if word.endswith("ly"):
        stems = (word[:-2], word[:-3] + "y", word[:-2] + "le")  # quick, happ-ily, reasona-bly
        if any("ADJ" in _readings(stem) for stem in stems):
            return "adverb"
    return None


def term_reason(
    term: str, language: str = "en", plurals: Collection[str] = (), verbs: Collection[str] = ()
) -> str | None:
    """Why a term (word or key phrase) cannot be a label term, or None.

    A phrase is a noun phrase when its last word (the head) passes :func:`word_reason`,
    or is a noun in the lexicon at all (after a modifier, "review" of "code review" is a
    noun, whatever the corpus does with it elsewhere), and every other word modifies it:
    a noun, an adjective or (English) a verb's participle ("open source", "distributed
    system"), never junk, a number, an adverb or another verb form ("took place").

    Parameters
    ----------
    term : str
        Lowercase, words separated by spaces.
    language : str
        ISO 639-1 code of the term's topic.
    plurals, verbs : collection of str
        See :func:`word_reason`.

    Returns
    -------
    str or None
        ``"word: reason"`` for the first word that fails, else None.

    Examples
    --------
    >>> term_reason("upcoming change"), term_reason("broadly inviting")
    (None, 'inviting: adjective')
    """
    *modifiers, head = term.split()
    if modifiers and language == "en" and _readings(head) & _NOUN_READINGS:
        # After its modifier, a head the lexicon knows as a noun is one: "code review",
        # "software supply", whatever else the word is elsewhere.
        reason = junk_reason(head, _junk_words(language)) or _number(head)
    else:
        reason = word_reason(head, language, plurals, verbs)
    if reason:
        return f"{head}: {reason}"
    for word in modifiers:
        if reason := _modifier_reason(word, language, plurals, verbs):
            return f"{word}: {reason}"
    return None


def _modifier_reason(
    word: str, language: str, plurals: Collection[str], verbs: Collection[str]
) -> str | None:
    """Why ``word`` cannot modify a noun head, or None.

    A modifier is a noun ("code" review), an adjective ("upcoming" change) or a verb's
    participle ("distributed" system, "running" process). A verb in any other form makes
    the phrase a verb phrase ("took" place, "improve" performance); adverbs, numbers and
    junk are no modifiers either (:func:`word_reason`).
    """
    reason = word_reason(word, language, plurals, verbs)
    if reason == "verb" and (_readings(word) & (_NOUN_READINGS | {"ADJ"}) or _participle(word)):
        return None
    return None if reason == "adjective" else reason


@lru_cache(maxsize=65536)
def _participle(word: str) -> bool:
    """Whether ``word`` is the past (-ed, -en) or present (-ing) participle of a verb."""
    lexicon = lemminflect()
    return any(
        word in lexicon.getInflection(lemma, tag=tag)
        for lemma in lexicon.getAllLemmas(word, upos="VERB").get("VERB", ())
        for tag in ("VBN", "VBG")
    )


@lru_cache(maxsize=64)
def _junk_words(language: str) -> frozenset[str]:
    # Function words of the other common languages: a French "de" in an English topic,
    # an English "of" in a Portuguese one.
    return function_words(language) | (stop_words("en") if language != "en" else frozenset())


def support(document_topic: np.ndarray, document_term: sp.spmatrix) -> np.ndarray:
    """Share of each topic's weight carried by the talks holding each term.

    Parameters
    ----------
    document_topic : ndarray, shape (n_talks, n_topics)
        W, non-negative.
    document_term : sparse matrix, shape (n_talks, n_terms)
        Any non-zero entry means the talk holds the term.

    Returns
    -------
    ndarray of float, shape (n_topics, n_terms)
        In [0, 1]; 0 for a topic without weight.
    """
    holds = sp.csr_matrix(document_term, dtype=np.float64, copy=True)
    holds.data[:] = 1.0
    weights = np.asarray(document_topic, dtype=np.float64)
    carried = np.asarray((holds.T @ weights).T)
    return carried / np.maximum(weights.sum(axis=0), 1e-12)[:, None]


def relevance(H: np.ndarray, weight: float = 0.6) -> np.ndarray:
    """LDAvis relevance of each term in each topic (Sievert & Shirley 2014).

    ``weight · log p(term | topic) + (1 - weight) · log(p(term | topic) / p(term))``,
    probabilities from the rows of ``H``; ``-inf`` where a term has no weight.

    Parameters
    ----------
    H : ndarray, shape (n_topics, n_terms)
    weight : float
        λ in [0, 1]: 1 ranks by weight in the topic, 0 by lift.

    Returns
    -------
    ndarray of float, shape (n_topics, n_terms)
    """
    share = H / np.maximum(H.sum(axis=1, keepdims=True), 1e-12)
    overall = H.sum(axis=0) / max(H.sum(), 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = weight * np.log(share) + (1 - weight) * np.log(share / overall)
    scores[~np.isfinite(scores)] = -np.inf
    return scores


def topic_labels(
    H: np.ndarray,
    terms: np.ndarray,
    document_topic: np.ndarray | None = None,
    document_term: sp.spmatrix | None = None,
    languages: Sequence[str] | None = None,
    analyzers: Sequence = (),
    size: int = 3,
) -> list[str]:
    """A short label per topic from its most relevant noun terms; no two labels alike.

    See the module docstring for the rules. An ambiguous word (:func:`ambiguous`) is
    replaced by the topic's first candidate phrase that holds it and whose head is a noun
    on its own; without one, and unless the corpus uses the word in the plural, it moves
    ``size`` places down the topic's candidates, behind the unambiguous nouns there.
    Terms whose words are already in the label
    (``learning`` after ``machine learning``) are skipped; a label that another topic
    already has takes more terms, else its topic's number.

    Parameters
    ----------
    H : ndarray, shape (n_topics, n_terms)
    terms : ndarray of str, shape (n_terms,)
    document_topic : ndarray, shape (n_talks, n_topics), optional
        W; with ``document_term``, terms are checked for :data:`MIN_SUPPORT`.
    document_term : sparse matrix, shape (n_talks, n_terms), optional
        X (any non-zero entry: the talk holds the term).
    languages : sequence of str, length n_topics, optional
        Each topic's ISO 639-1 code; English by default.
    analyzers : sequence of Analyzer
        The fitted analyzers of the topics' terms: the plurals (``plural_share_``) and
        verbs (``verbs_``) of their corpus (see :func:`word_reason`).
    size : int
        Terms per label.

    Returns
    -------
    list of str, length n_topics
    """
    plurals = {
        word
        for a in analyzers
        for word, share in a.plural_share_.items()
        if share >= MIN_PLURAL_SHARE
    }
    verbs = {word for a in analyzers for word in a.verbs_}
    scores = relevance(H)
    shared = None
    if document_topic is not None and document_term is not None:
        shared = support(document_topic, document_term) >= MIN_SUPPORT
    reasons: dict[tuple[str, str], str | None] = {}
    labels: list[str] = []
    for topic in range(len(H)):
        language = languages[topic] if languages is not None else "en"
        best: list[str] = []  # nouns the topic's talks share, most relevant first
        rest: list[str] = []  # the other nouns
        first = ""
        for i in _ranked(scores[topic]):
            if len(best) > size + _SPARE:
                break
            term = str(terms[i])
            first = first or term
            key = (term, language)
            if key not in reasons:
                reasons[key] = term_reason(term, language, plurals, verbs)
            if reasons[key] is None:
                (best if shared is None or shared[topic, i] else rest).append(term)
        if language == "en":
            phrases = [
                term
                for term in best + rest
                if " " in term
                and word_reason(term.rsplit(" ", 1)[1], language, plurals, verbs) is None
            ]
            best = _nouns_first(best, phrases, size, plurals)
            rest = _nouns_first(rest, phrases, size, plurals)
        # A topic without any noun keeps its most relevant term.
        labels.append(_label(best + rest or [first], size, labels, topic))
    return labels


#: Terms sorted at first by :func:`_ranked`: a label is found among a topic's first few
#: dozen terms, and sorting all of them (tens of thousands) costs more than the rest.
_HEAD = 64


def _ranked(row: np.ndarray) -> Iterator[int]:
    """Indices of the finite entries of ``row``, highest first, ties by index.

    The :data:`_HEAD` highest (and any equal to the last of them) are sorted first, the
    rest only if asked for.
    """
    finite = np.flatnonzero(np.isfinite(row))
    values = row[finite]
    if len(finite) > _HEAD:
        head = values >= np.partition(values, len(values) - _HEAD)[len(values) - _HEAD]
    else:
        head = np.ones(len(finite), dtype=bool)
    for part in (np.flatnonzero(head), np.flatnonzero(~head)):
        yield from finite[part[np.argsort(-values[part], kind="stable")]].tolist()


def ambiguous(word: str, plurals: Collection[str] = ()) -> bool:
    """Whether ``word`` may be a verb or an adjective of this corpus as well as a noun.

    The lexicon knows the word as a noun and also as a verb or an adjective ("calls": a
    plural noun or a verb; "mock": all three), and the corpus does not use it in the
    plural (``plurals``, see :data:`MIN_PLURAL_SHARE`). A plural is evidence of a noun:
    conclusive against an adjective (adjectives have none), weaker against a verb, whose
    "-s" form is spelled as one ("permits"; ``Analyzer.plural_share_`` leaves out the uses
    it reads as a verb's).

    Parameters
    ----------
    word : str
        Lowercase.
    plurals : collection of str
        Words the corpus uses in the plural.

    Examples
    --------
    >>> ambiguous("calls"), ambiguous("descriptor"), ambiguous("epoll")
    (True, False, False)
    >>> ambiguous("standard"), ambiguous("standard", plurals={"standard"})
    (True, False)
    """
    readings = _readings(word)
    return (
        word not in plurals and bool(readings & _NOUN_READINGS) and bool(readings & {"VERB", "ADJ"})
    )


def _nouns_first(
    candidates: list[str], phrases: list[str], size: int, plurals: Collection[str]
) -> list[str]:
    """Candidates reordered so that ambiguous words (:func:`ambiguous`) yield.

    A word the lexicon knows as a noun and as a verb or an adjective gives its place to
    the first of ``phrases`` (the topic's candidate phrases whose head is a noun on its
    own) that holds it ("mock" -> "mock object", as "calls" would go to "system calls").
    Without such a phrase, a word ambiguous in this corpus (no plural in ``plurals``)
    moves behind the unambiguous candidates of the next ``size`` places (a label's width:
    terms of similar relevance).
    """
    taken: set[str] = set()
    ranked: list[tuple[int, bool, str]] = []
    for place, term in enumerate(candidates):
        if term in taken:
            continue
        if " " not in term and ambiguous(term):
            holder = next((p for p in phrases if term in p.split() and p not in taken), None)
            if holder is None and ambiguous(term, plurals):
                ranked.append((place + size, True, term))
                continue
            term = holder or term
        taken.add(term)
        ranked.append((place, False, term))
    return [term for *_, term in sorted(ranked)]


def _label(candidates: list[str], size: int, taken: list[str], topic: int) -> str:
    chosen: list[str] = []
    label = ""
    for term in candidates:
        words = {w for c in chosen for w in c.split()}
        if set(term.split()) & words:
            continue
        chosen.append(term)
        label = " · ".join(chosen)
        if len(chosen) >= size and label not in taken:
            break
    return label if label not in taken else f"{label} ({topic + 1})"
