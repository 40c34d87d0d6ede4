"""From cleaned text to the terms the topic model counts: words, plurals, key phrases.

:class:`Analyzer` is fitted on a corpus and then turns any text into its list of terms:

- words of two or more letters (``c`` and ``r``, the languages, too), lowercased,
  ``c++`` and ``c#`` kept whole; numbers are not terms;
- stop words removed: the language's function words plus words every conference
  abstract uses ("talk", "session", "attendee"...);
- plurals folded into their singular only when the singular occurs in the corpus, by
  suffix rules that never cut further ("organizations" -> "organization", never
  "organ"), the plural-only stemming of the original EuroPython topic site;
- key phrases: two adjacent words (no stop word or punctuation between) that occur
  together far more often than by chance, scored by normalised pointwise mutual
  information (Bouma, "Normalized (pointwise) mutual information in collocation
  extraction", GSCL 2009), become one term such as ``machine learning``.

It also notes the words the corpus uses as verbs (``verbs_``), for the labels: a word
follows a determiner ("the", "our": :data:`NOUN_CUES`) where it is a noun, and a modal,
"to" or a subject pronoun ("can", "to", "we": :data:`VERB_CUES`) where it is a verb, the
distributional cue of part-of-speech induction (Schütze, "Distributional part-of-speech
tagging", EACL 1995). A plural is spelled as a verb's third-person form ("permits"): it
is a noun after "the", "our" or "two" or before "are", a verb after "it" or "which" or
before "us", and counts for its singular, whose plural share (``plural_share_``) leaves
its uses as a verb out.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .cleaning import clean_corpus, remove_shingles, strip_noise

#: Words of conference abstracts that name no topic.
CONFERENCE_STOP_WORDS = frozenset(
    [
        "talk",
        "talks",
        "session",
        "sessions",
        "presentation",
        "presentations",
        "presenter",
        "presenters",
        "speaker",
        "speakers",
        "attendee",
        "attendees",
        "audience",
        "participant",
        "participants",
        "slide",
        "slides",
        "abstract",
        "lecture",
        "keynote",
        "lightning",
        "minute",
        "minutes",
        "hour",
        "hours",
        "today",
        "tomorrow",
        "year",
        "years",
        "day",
        "days",
        "will",
        "going",
        "want",
        "wants",
        "like",
        "just",
        "also",
        "really",
        "use",
        "uses",
        "using",
        "used",
        "new",
        "way",
        "ways",
        "make",
        "makes",
        "making",
        "need",
        "needs",
        "know",
        "let",
        "lets",
        "get",
        "gets",
        "getting",
        "learn",
        "learned",
        "discuss",
        "discussed",
        "explore",
        "introduce",
        "introduced",
        "introduction",
        "cover",
        "covers",
        "covered",
        "share",
        "show",
        "shows",
        "shown",
        "help",
        "helps",
        "example",
        "examples",
        "look",
        "looking",
        "see",
        "thing",
        "things",
        "lot",
        "lots",
        "good",
        "great",
        "better",
        "best",
        "different",
        "various",
        "many",
        "much",
        "well",
        "able",
        "basic",
        "basics",
        "overview",
        "brief",
        "short",
        "quick",
        "dive",
        "including",
        "include",
        "includes",
        "etc",
    ]
)
#: Words before a noun, and before a verb, in English (see the module docstring).
NOUN_CUES = frozenset(
    {*("the", "a", "an", "this", "that", "these", "those", "our", "your", "their", "its")}
    | {"my", "every", "each"}
)
VERB_CUES = frozenset(
    {*("to", "will", "can", "could", "would", "should", "must", "may", "might", "we", "you")}
    | {"they"}
)
#: Words before a plural noun ("the permits", "two permits"), and after one ("permits
#: are"): the determiners that take a plural, quantifiers and auxiliary verbs.
PLURAL_CUES_BEFORE = (NOUN_CUES - {"a", "an", "this", "that", "every", "each"}) | frozenset(
    {*("many", "several", "some", "all", "both", "few", "multiple", "two", "three", "four")}
)
PLURAL_CUES_AFTER = frozenset(
    {*("are", "were", "have", "had", "can", "could", "will", "would", "should", "must", "may")}
)
#: Words before a verb's third-person "-s" form ("it permits", "which permits"), and after
#: one ("permits us"): singular subjects, and object pronouns. Not determiners: a plural
#: noun precedes one where a sentence runs on ("proprietary offerings the ...").
THIRD_PERSON_CUES_BEFORE = frozenset({"it", "he", "she", "this", "that", "which", "who"})
THIRD_PERSON_CUES_AFTER = frozenset({"us", "them", "him", "me"})
_BREAK = ""  # marks a stop word or punctuation: no phrase spans it
_TOKEN = re.compile(r"[^\W\d_][\w]*(?:[+#]+(?!\w))?|[.,;:!?()\[\]{}\"“”]")
_SINGLE_LETTER_WORDS = frozenset({"c", "r"})
#: Words ending in "s" that are not plurals of a word in the same corpus.
_NOT_PLURAL = frozenset(
    [
        "news",
        "pandas",
        "series",
        "species",
        "physics",
        "mathematics",
        "economics",
        "ethics",
        "analytics",
        "robotics",
        "statistics",
        "graphics",
        "windows",
        "kubernetes",
        "postgres",
        "jenkins",
        "ops",
        "devops",
        "mlops",
        "gitops",
        "aws",
        "rss",
        "css",
        "dns",
        "https",
        "ios",
        "macos",
        "sass",
        "less",
        "bus",
        "gas",
        "canvas",
        "atlas",
        "thesis",
        "basis",
    ]
)


def singular_candidates(word: str) -> list[str]:
    """Singular forms ``word`` may be the plural of, most specific rule first.

    Examples
    --------
    >>> singular_candidates("libraries")
    ['library']
    >>> singular_candidates("classes")
    ['class', 'classe']
    >>> singular_candidates("class")
    []
    """
    if word in _NOT_PLURAL or len(word) < 4 or word.endswith("ss"):
        return []
    if word.endswith("ies") and len(word) > 4:
        return [word[:-3] + "y"]
    if word.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return [word[:-2], word[:-1]]
    if word.endswith("s"):
        return [word[:-1]]
    return []


class _WordOf(dict):
    """Token -> the word it stands for: its singular (when known), :data:`_BREAK` for a
    stop word or punctuation, ``None`` for a dropped single letter. Filled as tokens come."""

    def __init__(self, stop_words: frozenset[str], singular: dict[str, str]):
        super().__init__()
        self.stop_words, self.singular = stop_words, singular

    def __missing__(self, token: str) -> str | None:
        if token in self.stop_words or not token[0].isalpha():
            word: str | None = _BREAK
        elif len(token) > 1 or token in _SINGLE_LETTER_WORDS:
            word = self.singular.get(token, token)
        else:
            word = None
        self[token] = word
        return word


class Analyzer:
    """Turn texts into terms, as learnt from a corpus; usable as a vectorizer's ``analyzer``.

    Parameters
    ----------
    stop_words : frozenset of str
        Function words of the corpus's language; :data:`CONFERENCE_STOP_WORDS` are added.
    phrases : bool
        Learn key phrases (two-word terms).
    min_phrase_count : int or None
        Times a two-word phrase must occur; by default ``max(3, n_docs // 500)``.
    min_phrase_npmi : float
        Least NPMI of a phrase's two words, in [-1, 1].
    names : iterable of str
        People's names (the speakers): removed from texts wherever they occur in full,
        since a name is not a topic. Names of one word are ignored.

    Attributes
    ----------
    singular_ : dict of str to str
        Plural -> singular, for plurals whose singular occurs in the corpus.
    phrases_ : frozenset of tuple of str
        Word pairs joined into one term.
    shingles_ : frozenset of tuple of str
        Boilerplate shingles removed from texts (see :mod:`topics.model.cleaning`).
    verbs_ : frozenset of str
        Words (lowercase; plurals as their singular) the corpus uses as verbs more often
        than as nouns (see :func:`_verbs`).
    plural_share_ : dict of str to float
        For each singular of ``singular_``: the share of its uses in the plural, in [0, 1),
        a plural used as a verb ("it permits") not counting as one.
    """

    def __init__(
        self,
        stop_words: Iterable[str] = ENGLISH_STOP_WORDS,
        phrases: bool = True,
        min_phrase_count: int | None = None,
        min_phrase_npmi: float = 0.4,
        names: Iterable[str] = (),
    ):
        self.stop_words = frozenset(stop_words) | CONFERENCE_STOP_WORDS
        self.phrases = phrases
        self.min_phrase_count = min_phrase_count
        self.min_phrase_npmi = min_phrase_npmi
        self.names: frozenset[tuple[str, ...]] = frozenset(
            words
            for name in names
            if len(words := tuple(w for w in _TOKEN.findall(name.lower()) if w[0].isalpha())) >= 2
        )
        self._index_names()

    def _index_names(self) -> None:
        # The lengths of the names starting with each word, longest first: a first word
        # such as "a" or "david" starts a thousand names of a large corpus. And the first
        # two words of each name: a text without any of these pairs names nobody.
        lengths: dict[str, set[int]] = {}
        for words in self.names:
            lengths.setdefault(words[0], set()).add(len(words))
        self._name_lengths = {word: sorted(n, reverse=True) for word, n in lengths.items()}
        self._name_starts = frozenset(words[:2] for words in self.names)

    def fit(self, texts: Sequence[str]) -> Analyzer:
        """Learn the corpus's boilerplate, plural forms and phrases.

        Parameters
        ----------
        texts : sequence of str, length n_docs
            Raw texts (title and abstract), possibly HTML.
        """
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> list[list[str]]:
        """Fit, and return the terms of each text (as :meth:`__call__` would).

        Returns
        -------
        list of list of str, length n_docs
        """
        self.__dict__.pop("_word_of", None)  # made for the singulars learnt before, if any
        cleaned, self.shingles_ = clean_corpus(texts)
        word_of = _WordOf(self.stop_words, {})  # singulars are learnt from these words
        words = [self._words(t, word_of) for t in cleaned]
        counts = Counter(w for doc in words for w in doc if w != _BREAK)
        self.singular_ = {}
        for word in counts:
            for singular in singular_candidates(word):
                if singular in counts:
                    self.singular_[word] = singular
                    break
        self.verbs_, third_person = _verbs(cleaned, self.singular_)
        # A plural's uses as a verb ("it permits") are no plural nouns.
        self.plural_share_ = {
            singular: (n := max(counts[plural] - third_person[plural], 0)) / (n + counts[singular])
            for plural, singular in self.singular_.items()
        }
        words = [[self.singular_.get(w, w) for w in doc] for doc in words]
        self.phrases_ = self._learn_phrases(words) if self.phrases else frozenset()
        return [self._terms(doc) for doc in words]

    def __call__(self, text: str) -> list[str]:
        """The terms of ``text``, in order; phrases as one term with a space inside."""
        try:
            word_of = self._word_of
        except AttributeError:
            word_of = self._word_of = _WordOf(self.stop_words, self.singular_)
        return self._terms(self._words(remove_shingles(strip_noise(text), self.shingles_), word_of))

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        for derived in ("_word_of", "_name_lengths", "_name_starts"):
            state.pop(derived, None)  # rebuilt where the analyzer is used
        # Names and stop words as one string each, not an object each: joblib.Memory
        # stores a fitted analyzer with its pure-Python pickler, slow on many small
        # objects (docs/decisions.md, "One conference in seconds").
        state["names"] = "\n".join(sorted(" ".join(words) for words in self.names))
        state["stop_words"] = "\n".join(sorted(self.stop_words))
        return state

    def __setstate__(self, state: dict) -> None:
        names = state["names"]
        if isinstance(names, str):  # words hold no space: they are _TOKEN matches
            state["names"] = frozenset(tuple(n.split(" ")) for n in names.split("\n") if n)
        if isinstance(state["stop_words"], str):
            state["stop_words"] = frozenset(state["stop_words"].split("\n")) - {""}
        self.__dict__.update(state)
        self._index_names()

    def _words(self, text: str, word_of: _WordOf) -> list[str]:
        """The words of ``text`` as ``word_of`` maps its tokens; a speaker's name is a break."""
        tokens = _TOKEN.findall(text.lower())
        if self._name_starts.isdisjoint(itertools.pairwise(tokens)):
            # Most texts name no speaker: then each token is mapped on its own, as cached.
            return [w for w in map(word_of.__getitem__, tokens) if w is not None]
        out = []
        i = 0
        while i < len(tokens):
            name = self._name_at(tokens, i) if tokens[i] in self._name_lengths else 0
            if name:
                out.append(_BREAK)
                i += name
                continue
            if (word := word_of[tokens[i]]) is not None:
                out.append(word)
            i += 1
        return out

    def _name_at(self, tokens: list[str], i: int) -> int:
        """Length of the longest known name starting at ``tokens[i]``, or 0."""
        for n in self._name_lengths[tokens[i]]:
            if tuple(tokens[i : i + n]) in self.names:
                return n
        return 0

    def _terms(self, words: list[str]) -> list[str]:
        phrases = self.phrases_
        starts = [i for i, pair in enumerate(itertools.pairwise(words)) if pair in phrases]
        terms: list[str] = []
        last = 0  # words before this index are done
        for i in starts:
            if i < last:  # its first word ends the phrase just taken: left to right wins
                continue
            terms += [w for w in words[last:i] if w]
            terms.append(f"{words[i]} {words[i + 1]}")
            last = i + 2
        terms += [w for w in words[last:] if w]
        return terms

    def _learn_phrases(self, docs: list[list[str]]) -> frozenset[tuple[str, str]]:
        n_docs = len(docs)
        min_count = self.min_phrase_count or max(3, n_docs // 500)
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for doc in docs:
            unigrams.update(w for w in doc if w)
            bigrams.update((a, b) for a, b in itertools.pairwise(doc) if a and b)
        total = sum(unigrams.values()) or 1
        kept = set()
        for (a, b), n_ab in bigrams.items():
            if n_ab < min_count or a == b:
                continue
            p_ab = n_ab / total
            pmi = math.log(p_ab / ((unigrams[a] / total) * (unigrams[b] / total)))
            if pmi / -math.log(p_ab) >= self.min_phrase_npmi:
                kept.add((a, b))
        return frozenset(kept)


def _verbs(texts: Sequence[str], singular: dict[str, str]) -> tuple[frozenset[str], Counter[str]]:
    """The words the corpus uses as verbs, and the uses of each plural as a verb.

    A word is a verb when found after :data:`VERB_CUES` more often than after
    :data:`NOUN_CUES`. A plural of ``singular`` ("permits") counts for its singular: as a
    noun between :data:`PLURAL_CUES_BEFORE` and :data:`PLURAL_CUES_AFTER` ("the permits",
    "permits are"), as a verb's third-person form between
    :data:`THIRD_PERSON_CUES_BEFORE` and :data:`THIRD_PERSON_CUES_AFTER` ("it permits",
    "permits us"), spelled the same. Such cues on both sides of one use contradict each
    other ("which tests are"): the use counts for neither.

    Parameters
    ----------
    texts : sequence of str
        Cleaned texts.
    singular : dict of str to str
        Plural -> singular (``Analyzer.singular_``).

    Returns
    -------
    verbs : frozenset of str
        Words (singulars, for the plurals of ``singular``) used as verbs.
    third_person : Counter of str
        Plural of ``singular`` -> its uses as a verb.
    """
    as_noun: Counter[str] = Counter()
    as_verb: Counter[str] = Counter()
    third_person: Counter[str] = Counter()
    for text in texts:
        tokens = _TOKEN.findall(text.lower())
        for before, word, after in zip(["", *tokens], tokens, [*tokens[1:], ""], strict=False):
            lemma = singular.get(word)
            if lemma is None:
                if before in NOUN_CUES:
                    as_noun[word] += 1
                elif before in VERB_CUES:
                    as_verb[word] += 1
                continue
            noun = before in PLURAL_CUES_BEFORE or after in PLURAL_CUES_AFTER
            verb = before in THIRD_PERSON_CUES_BEFORE or after in THIRD_PERSON_CUES_AFTER
            if noun and not verb:
                as_noun[lemma] += 1
            elif verb and not noun:
                as_verb[lemma] += 1
                third_person[word] += 1
    return frozenset(w for w, n in as_verb.items() if n > as_noun[w]), third_person
