"""Topic-quality metrics: NPMI coherence, topic diversity and junk-topic detection.

These are the measures of ``benchmarks/quality.py`` and are cheap enough for the model
to use while choosing its number of topics.

* **NPMI coherence** (:func:`npmi_coherence`): the mean normalised pointwise mutual
  information of every pair of a topic's top words, probabilities estimated from the
  documents the words occur in (Bouma, "Normalized (pointwise) mutual information in
  collocation extraction", GSCL 2009; as a topic-coherence measure: Lau, Newman &
  Baldwin, "Machine reading tea leaves", EACL 2014, and Röder, Both & Hinneburg,
  "Exploring the space of topic coherence measures", WSDM 2015, whose *boolean
  document* estimate is the one used here). :class:`CoherenceReference` computes it on
  one common tokenisation of a corpus, so that models with different vocabularies (or
  with phrases) are scored alike.
* **Topic diversity** (:func:`topic_diversity`): the share of unique words among all
  topics' top words (Dieng, Ruiz & Blei, "Topic modeling in embedding spaces", TACL
  2020).
* **Junk topics** (:func:`junk_reasons`, :func:`is_junk_topic`): a topic whose top
  words are mostly non-English function words, URL or markup pieces, contraction
  fragments or numbers says nothing about what the talks are about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

#: Pieces of URLs, HTML tags and HTML entities. Only tokens that (almost) never name a
#: topic by themselves: "html", "github", "io" (I/O, socket.io), "span" (tracing spans),
#: "net" (.NET), "web" are left out on purpose.
URL_MARKUP_WORDS = frozenset(
    {
        # URL schemes, hosts, top-level domains, query-string noise, shorteners
        *("http", "https", "www", "com", "org", "co", "mailto", "utm", "ly", "youtu"),
        # HTML tags and attributes
        *("href", "src", "rel", "div", "br", "htm", "nofollow", "noopener", "img"),
        # HTML entity names
        *("nbsp", "amp", "quot", "apos", "gt", "lt", "mdash", "ndash", "hellip"),
        *("rsquo", "lsquo", "rdquo", "ldquo", "raquo", "laquo"),
    }
)

#: What is left of an English contraction once a tokenizer splits at the apostrophe
#: ("we'll" -> "we", "ll"; "doesn't" -> "doesn", "t").
CONTRACTION_FRAGMENTS = frozenset(
    {
        *("ll", "ve", "re", "t", "s", "d", "m"),
        *("don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "wouldn"),
        *("couldn", "shouldn", "hasn", "haven", "hadn", "ain", "mustn", "needn", "shan"),
    }
)

#: Bare numbers and number-like tokens: "10", "2016", "3.5", "1st", "22nd", "1990s",
#: "9am". Tokens mixing letters and digits that name things ("3d", "x86", "python3",
#: "k8s", "ipv6", "4k") are not number-like.
_NUMBER_LIKE = re.compile(r"\d+(?:[.,:/]\d+)*(?:st|nd|rd|th|s|am|pm)?")

#: Separators of the words of a phrase ("machine learning", "machine_learning").
_PHRASE_SEPARATOR = re.compile(r"[\s_]+")

#: Tokens of the common coherence reference: runs of letters or digits, lowercased, with
#: a trailing "+" or "#" kept ("c++", "c#", "f#").
REFERENCE_TOKEN_PATTERN = r"[^\W_]+(?:[+#]+(?!\w))?"
_REFERENCE_TOKEN = re.compile(REFERENCE_TOKEN_PATTERN)


def npmi_coherence(top_word_indices: np.ndarray, X_binary) -> np.ndarray:
    """Mean pairwise NPMI of each topic's top words, from document co-occurrence.

    For two words :math:`w_i, w_j` with document probabilities :math:`p(w) = D(w)/N`
    and :math:`p(w_i, w_j) = D(w_i, w_j)/N` (:math:`D` counts the documents holding
    the word, or both words; :math:`N` the documents),

    .. math::

        \\mathrm{NPMI}(w_i, w_j) = \\frac{\\log \\frac{p(w_i, w_j)}{p(w_i)\\,p(w_j)}}
                                       {-\\log p(w_i, w_j)} \\in [-1, 1]

    (Bouma 2009). A topic's coherence is the mean over all pairs :math:`i < j` of its
    top words (Lau et al. 2014; Röder et al. 2015, boolean-document probabilities).

    Edge cases, without smoothing:

    * a pair that never co-occurs scores **-1**, Bouma's limit for
      :math:`p(w_i, w_j) \\to 0`. (gensim and Palmetto instead add
      :math:`\\epsilon = 10^{-12}` inside both logarithms, Röder et al. 2015, which
      gives such a pair a corpus-dependent score above -1, about -0.67 for two words
      in 1% of the documents each; the numbers here are therefore not comparable
      with gensim's ``c_npmi``, which also uses sliding windows rather than
      documents.)
    * a pair present in every document (:math:`p(w_i, w_j) = 1`, so 0/0) scores
      **+1**, Bouma's value for words that only occur together.
    * a pair with a word that occurs in no document, or a padding index (negative),
      is undefined and left out of the mean; a topic without any defined pair
      scores NaN.

    Parameters
    ----------
    top_word_indices : array-like of int, shape (n_topics, n_top)
        Column indices into ``X_binary`` of each topic's top words. Negative values
        pad topics with fewer than ``n_top`` words.
    X_binary : sparse matrix or ndarray, shape (n_docs, n_features)
        Document-term matrix; any non-zero entry means "the word occurs in the
        document" (counts and TF-IDF weights are fine).

    Returns
    -------
    ndarray of float, shape (n_topics,)
        Coherence of each topic, in [-1, 1], or NaN.

    Raises
    ------
    ValueError
        If ``top_word_indices`` is not two-dimensional or holds an index out of range.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    >>> npmi_coherence(np.array([[0, 1], [0, 2]]), X).tolist()
    [1.0, -1.0]
    """
    indices = np.asarray(top_word_indices)
    if indices.ndim != 2:
        raise ValueError(f"top_word_indices must be 2-D (n_topics, n_top), got {indices.shape}")
    n_topics, n_top = indices.shape
    if n_topics == 0:
        return np.zeros(0)
    indices = indices.astype(np.int64, copy=False)
    X = sp.csc_matrix(X_binary) if not sp.issparse(X_binary) else X_binary
    n_docs, n_features = X.shape
    if indices.size and indices.max() >= n_features:
        raise ValueError(f"word index {indices.max()} out of range for {n_features} features")
    valid = indices >= 0
    used = np.unique(indices[valid])
    if n_top < 2 or used.size == 0 or n_docs == 0:
        return np.full(n_topics, np.nan)

    # Binary occurrence of the used words only, then all their co-occurrence counts at
    # once: B.T @ B is (n_used, n_used), n_used <= n_topics * n_top.
    B = sp.csc_matrix(X[:, used], dtype=np.float64)
    B.eliminate_zeros()
    B.data[:] = 1.0
    co = (B.T @ B).toarray()
    df = np.diag(co).copy()

    rows, cols = np.triu_indices(n_top, k=1)
    positions = np.searchsorted(used, np.where(valid, indices, used[0]))
    a, b = positions[:, rows], positions[:, cols]  # (n_topics, n_pairs)
    joint = co[a, b] / n_docs
    p_a, p_b = df[a] / n_docs, df[b] / n_docs
    defined = valid[:, rows] & valid[:, cols] & (p_a > 0) & (p_b > 0)

    npmi = np.full(joint.shape, np.nan)
    never = defined & (joint == 0)
    always = defined & (joint >= 1)
    regular = defined & ~never & ~always
    j, pa, pb = joint[regular], p_a[regular], p_b[regular]
    npmi[regular] = np.clip(np.log(j / (pa * pb)) / -np.log(j), -1.0, 1.0)  # rounding
    npmi[never] = -1.0
    npmi[always] = 1.0

    counts = defined.sum(axis=1)
    sums = np.where(defined, npmi, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


class CoherenceReference:
    """A common document-term reference on which NPMI of any model's topics is computed.

    The texts are tokenised once with a simple, model-independent tokenizer (lowercase
    runs of letters or digits, "c++" and "c#" kept whole, :data:`REFERENCE_TOKEN_PATTERN`;
    no stop words, no frequency cut-off, no HTML cleaning) into a binary document-term
    matrix. Two models' topics, whatever their own vocabulary, preprocessing or phrases,
    are then scored on the same counts.

    A topic word is looked up as follows:

    1. a word that is a reference token ("python") is that token's column;
    2. otherwise (a phrase such as "machine learning" or "machine_learning", or a token
       of another tokenizer such as "__init__" or "don't") it is split into reference
       tokens, and it occurs in the documents holding **all** of them: the phrase's
       document frequency is that of its words' conjunction, an upper bound of the
       phrase's own (word order and adjacency are ignored);
    3. a word with no reference token, or with a token absent from every text, is
       *missing*: its pairs are left out (see :func:`npmi_coherence`) and it is listed
       by :meth:`missing`.

    Parameters
    ----------
    texts : sequence of str
        The documents, as given to the models.

    Attributes
    ----------
    X_ : scipy.sparse.csc_matrix of float64, shape (n_docs, n_tokens)
        Binary document-term matrix.
    vocabulary_ : dict of str to int
        Token to column of ``X_``.
    """

    def __init__(self, texts: Sequence[str]):
        vectorizer = CountVectorizer(
            lowercase=True, token_pattern=REFERENCE_TOKEN_PATTERN, binary=True, dtype=np.float64
        )
        self.X_ = vectorizer.fit_transform(texts).tocsc()
        self.vocabulary_: dict[str, int] = vectorizer.vocabulary_
        self._extra: dict[str, int] = {}
        self._extra_columns: list[sp.csc_matrix] = []

    @property
    def n_docs(self) -> int:
        """Number of documents."""
        return self.X_.shape[0]

    def tokens(self, word: str) -> list[str]:
        """The reference tokens of a topic word or phrase."""
        return _REFERENCE_TOKEN.findall(word.lower())

    def column(self, word: str) -> int:
        """Column of ``word`` in :meth:`matrix`, or -1 when the word is missing."""
        key = word.lower()
        if key in self.vocabulary_:
            return self.vocabulary_[key]
        if key in self._extra:
            return self._extra[key]
        parts = self.tokens(key)
        if not parts or any(p not in self.vocabulary_ for p in parts):
            return -1
        if len(parts) == 1:
            return self.vocabulary_[parts[0]]
        # Documents holding every part: elementwise product of the binary columns.
        docs = self.X_[:, self.vocabulary_[parts[0]]]
        for part in parts[1:]:
            docs = docs.multiply(self.X_[:, self.vocabulary_[part]])
        column = self.X_.shape[1] + len(self._extra_columns)
        docs = sp.csc_matrix(docs)
        docs.eliminate_zeros()
        self._extra_columns.append(docs)
        self._extra[key] = column
        return column

    def document_frequency(self, word: str) -> int:
        """Number of documents holding ``word`` (all words of a phrase); 0 when missing."""
        column = self.column(word)
        if column < 0:
            return 0
        n_tokens = self.X_.shape[1]
        if column < n_tokens:
            return int(self.X_.indptr[column + 1] - self.X_.indptr[column])
        return int(self._extra_columns[column - n_tokens].nnz)

    def matrix(self) -> sp.csc_matrix:
        """The binary matrix, with one more column per phrase looked up so far."""
        if not self._extra_columns:
            return self.X_
        return sp.hstack([self.X_, *self._extra_columns], format="csc")

    def missing(self, topics: Iterable[Sequence[str]]) -> list[str]:
        """Topic words that occur in no reference document, each once, in order."""
        seen: dict[str, None] = {}
        for words in topics:
            for word in words:
                if self.document_frequency(word) == 0:
                    seen.setdefault(word, None)
        return list(seen)

    def npmi(self, topics: Sequence[Sequence[str]]) -> np.ndarray:
        """NPMI coherence of topics given as lists of words (or phrases).

        Parameters
        ----------
        topics : sequence of sequence of str
            Each topic's top words, best first; topics may have different lengths.

        Returns
        -------
        ndarray of float, shape (n_topics,)
            See :func:`npmi_coherence`.
        """
        n_top = max((len(words) for words in topics), default=0)
        indices = np.full((len(topics), n_top), -1, dtype=np.int64)
        for t, words in enumerate(topics):
            for i, word in enumerate(words):
                indices[t, i] = self.column(word)
        return npmi_coherence(indices, self.matrix())


def topic_diversity(top_words: Sequence[Sequence[str]]) -> float:
    """Share of unique words among all topics' top words (Dieng et al. 2020).

    1.0 when no word is in two topics; ``1 / n_topics`` when all topics are the same.
    A phrase counts as one word, compared as written (lowercased).

    Parameters
    ----------
    top_words : sequence of sequence of str
        Each topic's top-n words (Dieng et al. use n = 25; the benchmark uses 10).

    Returns
    -------
    float
        In (0, 1]; NaN when there are no words at all.

    Examples
    --------
    >>> topic_diversity([["a", "b"], ["b", "c"]])
    0.75
    """
    words = [w.lower() for topic in top_words for w in topic]
    if not words:
        return float("nan")
    return len(set(words)) / len(words)


def junk_reason(word: str, function_words: frozenset[str]) -> str | None:
    """Why a single topic word is junk, or None when it is a content word.

    Rules, first match wins, on the lowercased word:

    * ``"url/markup"``: in :data:`URL_MARKUP_WORDS` (http, www, com, href, nbsp, ...),
      or without any letter or digit (Markdown/reST decoration such as "__", "==");
    * ``"contraction"``: in :data:`CONTRACTION_FRAGMENTS` (ll, ve, don, t, ...);
    * ``"number"``: a bare number or number-like token ("2016", "3.5", "1st",
      "1990s", "9am");
    * ``"function word"``: in ``function_words`` (non-English function words);
    * a phrase ("machine learning", "de_la") is junk only when every one of its words
      is, with the reason of its first word; otherwise it is a content phrase.
    """
    key = word.strip().lower()
    parts = [p for p in _PHRASE_SEPARATOR.split(key) if p]
    if len(parts) > 1:
        reasons = [junk_reason(p, function_words) for p in parts]
        return reasons[0] if all(reasons) else None
    if key in URL_MARKUP_WORDS or not any(ch.isalnum() for ch in key):
        return "url/markup"
    if key in CONTRACTION_FRAGMENTS:
        return "contraction"
    if _NUMBER_LIKE.fullmatch(key):
        return "number"
    if key in function_words:
        return "function word"
    return None


def junk_reasons(words: Sequence[str], function_words: frozenset[str]) -> list[str]:
    """Why each junk word of a topic is junk, as ``"word: reason"``, in word order.

    See :func:`junk_reason` for the rules; content words give no entry.

    Parameters
    ----------
    words : sequence of str
        A topic's top words (or phrases), best first.
    function_words : frozenset of str
        Non-English function words, lowercase (``topics.model.languages.function_words()``).

    Returns
    -------
    list of str
        One ``"word: reason"`` per junk word.

    Examples
    --------
    >>> junk_reasons(["python", "https", "de", "ll", "2016"], frozenset({"de"}))
    ['https: url/markup', 'de: function word', 'll: contraction', '2016: number']
    """
    return [f"{word}: {reason}" for word in words if (reason := junk_reason(word, function_words))]


def is_junk_topic(
    words: Sequence[str], function_words: frozenset[str], threshold: int = 3, top_n: int = 10
) -> bool:
    """Whether a topic is junk: ``threshold`` or more of its top ``top_n`` words are junk.

    Parameters
    ----------
    words : sequence of str
        The topic's words, best first; only the first ``top_n`` are looked at.
    function_words : frozenset of str
        Non-English function words, lowercase.
    threshold : int, default 3
    top_n : int, default 10

    Returns
    -------
    bool
    """
    return len(junk_reasons(list(words)[:top_n], function_words)) >= threshold
