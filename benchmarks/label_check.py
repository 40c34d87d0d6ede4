"""Label quality: is each label term a noun or a noun phrase where the corpus uses it?

The model picks label terms with a lexicon (lemminflect's, context-free: every part of
speech a word can have) and corpus statistics (:mod:`topics.model.labels`). This check
grades them another way, so that a label is not graded by the rule that chose it:

* **part of speech in context**: each label term is found in the corpus's own texts (up
  to :data:`OCCURRENCES` times, case-insensitively, a plural "s" allowed), the sentence
  around it is tagged with the Brill tagger of TextBlob's ``PatternTagger`` (Penn
  Treebank tags; its lexicon and contextual rules ship with the package; Brill, "A simple
  rule-based part of speech tagger", ANLP 1992), and each word of the term takes its
  most frequent tag. The term passes when its last word (the head) is a noun (``NN*``,
  ``FW``, or ``VBG``: a gerund heads "machine learning") and no other word is an adverb,
  a number or a function word (``RB*``, ``CD``, ``IN``, ``DT``...). A term never found
  in the texts is tagged alone.
* **junk lists**: no word of the term is junk by
  :func:`topics.model.evaluation.junk_reason` (URL pieces, contraction fragments,
  numbers, other languages' function words) or, in an English topic, an English stop
  word.

Topics in another language than English are checked against the junk lists only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from topics.model.evaluation import junk_reason
from topics.sources.text import html_to_text

#: Occurrences of a term tagged at most.
OCCURRENCES = 20
#: Characters of context on each side of an occurrence.
WINDOW = 120
#: Penn Treebank tags of a noun phrase's head.
HEAD_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS", "FW", "VBG"})
#: Tags no word of a noun phrase may have: adverbs, numbers, function words.
BAD_MODIFIER_TAGS = frozenset(
    {"RB", "RBR", "RBS", "CD", "IN", "DT", "PDT", "PRP", "PRP$", "CC", "MD", "TO", "WDT"}
    | {"WP", "WP$", "WRB", "EX", "UH", "RP", "LS", "SYM"}
)


@lru_cache(maxsize=1)
def _tagger():
    from textblob.en.taggers import PatternTagger

    return PatternTagger()


def _find(tagged: list[tuple[str, str]], words: list[str], near: int) -> int | None:
    """Index of the run of tokens spelling ``words`` (a plural "s" allowed) nearest to
    ``near``, or None."""
    tokens = [token.lower() for token, _ in tagged]
    starts = [
        i
        for i in range(len(tokens) - len(words) + 1)
        if all(tokens[i + j] in (w, f"{w}s", f"{w}es") for j, w in enumerate(words))
    ]
    return min(starts, key=lambda i: abs(i - near), default=None)


def _tag(tagged: list[tuple[str, str]], i: int) -> str:
    """The tag of token ``i``; ``NNP`` for a capitalised word not first in its sentence."""
    token, tag = tagged[i]
    first = i == 0 or tagged[i - 1][0] in {".", "!", "?", ":"}
    if not first and token[:1].isalpha() and any(ch.isupper() for ch in token):
        return "NNP"
    return tag


class LabelChecker:
    """Checks topic labels against one corpus.

    Parameters
    ----------
    texts : sequence of str
        The corpus's texts, as given to the model (HTML is made plain text).
    function_words : frozenset of str
        Non-English function words (the junk lists' ``function_words``).
    """

    def __init__(self, texts: Sequence[str], function_words: frozenset[str]):
        self.texts = [html_to_text(t) for t in texts]
        self.function_words = function_words
        self._cache: dict[tuple, str | None] = {}

    def tags(self, term: str, where: Sequence[int] = ()) -> list[str]:
        """The most frequent Penn Treebank tag of each word of ``term`` in the texts.

        A word written with a capital letter, not first in its sentence, is a proper noun
        (``NNP``), as in the Penn Treebank, whatever its suffix ("WebAssembly"). The texts
        numbered ``where`` (the topic's talks) are read first.
        """
        words = term.lower().split()
        pattern = re.compile(
            r"(?<!\w)" + r"[\s\-_]+".join(re.escape(w) + r"(?:e?s)?" for w in words) + r"(?!\w)",
            re.IGNORECASE,
        )
        counts: list[Counter[str]] = [Counter() for _ in words]
        found = 0
        first = set(where)
        order = [*where, *(i for i in range(len(self.texts)) if i not in first)]
        for text in (self.texts[i] for i in order):
            for match in pattern.finditer(text):
                start, end = max(0, match.start() - WINDOW), match.end() + WINDOW
                before, after = text[start : match.start()], text[match.end() : end]
                # Whole words of context only.
                before = before.split(" ", 1)[-1] if start else before
                after = after.rsplit(" ", 1)[0] if end < len(text) else after
                tagged = _tagger().tag(f"{before}{match.group()}{after}")
                at = _find(tagged, words, len(_tagger().tag(before)) if before.strip() else 0)
                if at is None:
                    continue
                for i in range(len(words)):
                    counts[i][_tag(tagged, at + i)] += 1
                found += 1
                if found >= OCCURRENCES:
                    break
            if found >= OCCURRENCES:
                break
        if not found:
            return [tag for _, tag in _tagger().tag(term)][: len(words)]
        return [c.most_common(1)[0][0] for c in counts]

    def term_problem(
        self, term: str, language: str = "en", where: Sequence[int] = ()
    ) -> str | None:
        """Why ``term`` is no fit label term (``"word: reason"``), or None; ``where``: the
        numbers of the texts of the term's topic, read first."""
        key = (term, language, tuple(where))
        if key not in self._cache:
            self._cache[key] = self._problem(term, language, where)
        return self._cache[key]

    def _problem(self, term: str, language: str, where: Sequence[int]) -> str | None:
        words = term.lower().split()
        junk = self.function_words | (ENGLISH_STOP_WORDS if language == "en" else frozenset())
        for word in words:
            if reason := junk_reason(word, junk):
                return f"{word}: {reason}"
        if language != "en":
            return None
        tags = self.tags(term, where)
        if len(tags) < len(words):
            return None  # the tagger split the term otherwise ("c++"): nothing to say
        if tags[-1] not in HEAD_TAGS:
            return f"{words[-1]}: {tags[-1]}"
        for word, tag in zip(words[:-1], tags[:-1], strict=True):
            if tag in BAD_MODIFIER_TAGS:
                return f"{word}: {tag}"
        return None

    def label_problems(
        self, label: str, language: str = "en", where: Sequence[int] = ()
    ) -> list[str]:
        """The problems of a label's terms (``"a · b · c"``), in order; empty when none."""
        terms = [t.strip() for t in re.sub(r" \(\d+\)$", "", label).split("·")]
        return [p for t in terms if t and (p := self.term_problem(t, language, where))]


def label_quality(
    checker: LabelChecker,
    labels: Sequence[str],
    languages: Sequence[str],
    talks: Sequence[Sequence[int]] | None = None,
) -> dict:
    """The share of topics whose label has a problem, and which.

    Parameters
    ----------
    checker : LabelChecker
    labels : sequence of str, length n_topics
    languages : sequence of str, length n_topics
        Each topic's ISO 639-1 code.
    talks : sequence of sequence of int, length n_topics, optional
        Each topic's talks (their numbers in the checker's texts), read first.

    Returns
    -------
    dict
        ``label_quality`` (share of topics with a problem, 0 is best), ``bad_labels``
        (topic, label, problems) and ``labels``.
    """
    bad = []
    for topic, (label, language) in enumerate(zip(labels, languages, strict=True)):
        where = talks[topic] if talks is not None else ()
        if problems := checker.label_problems(label, language, where):
            bad.append({"topic": topic, "label": label, "problems": problems})
    return {
        "label_quality": len(bad) / len(labels) if labels else 0.0,
        "bad_labels": bad,
        "labels": list(labels),
    }
