"""Topics as a scikit-learn estimator: :class:`TopicModel`, and :class:`Topic`.

For each language with enough talks (the corpus's main language always), the talks are
fitted by :func:`topics.model.exact.fit_exact` (TF-IDF, neighbour smoothing, NMF) or, for
a large block of talks, :func:`topics.model.minibatch.fit_minibatch`; both return their
results and :class:`TopicModel` alone sets its fitted state from them. Talks of a
language with fewer than ``min_language_talks`` talks are left out of the topics
(all-zero rows of W) and reported in ``excluded_languages_``.
"""

from __future__ import annotations

import html
import warnings
from collections import Counter
from dataclasses import dataclass
from numbers import Integral, Real
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from joblib import Memory
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.decomposition import non_negative_factorization
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted, check_memory

from ..corpus import Corpus, Talk
from ..progress import stage
from .exact import BlockFit, BlockSettings, ModelError, Texts, as_texts, fit_exact
from .labels import topic_labels
from .languages import LANGUAGES, detect_languages, tell_languages
from .minibatch import MINIBATCH_MIN_TALKS, fit_minibatch
from .similarity import similarities, with_fallback_rows
from .summary import ModelSummary, top_words
from .themes import theme_labels, themes_table, topic_themes
from .topic import Topic, similar_table, talk_index, talks_table, text_talk, topics_table
from .vocabulary import Analyzer
from .wordclouds import CLOUD_WORDS, HEIGHT, WIDTH, topic_wordcloud

__all__ = ["ModelError", "Topic", "TopicModel"]

#: Most topics chosen for the main language, and for each other language.
MAX_TOPICS, MAX_OTHER_TOPICS = 100, 12

#: Iterations of the multiplicative updates that solve W of new texts (``transform``).
TRANSFORM_ITER = 200


@dataclass
class LanguageBlock:
    """The part of a fitted model for the talks of one language.

    Attributes
    ----------
    language : str
        ISO 639-1 code.
    analyzer : Analyzer
    vectorizer : TfidfVectorizer
    topics : slice
        This block's rows of ``components_`` (its columns of W).
    terms : slice
        This block's columns of ``components_`` and ``document_term_``.
    """

    language: str
    analyzer: Analyzer
    vectorizer: TfidfVectorizer
    topics: slice
    terms: slice


class TopicModel(TransformerMixin, BaseEstimator):
    """Find the topics of a set of talks.

    Parameters
    ----------
    n_topics : int >= 1 or "auto", default "auto"
        Topics of the main language. ``"auto"`` chooses by stability and coherence
        (:mod:`topics.model.selection`), among at most 100. Other languages' blocks always
        choose their own, at most 12 each.
    algorithm : {"auto", "exact", "minibatch"}, default "auto"
        How each language's talks are fitted: ``"exact"``, every talk smoothed with its
        neighbours and full NMF fits (:func:`topics.model.exact.fit_exact`);
        ``"minibatch"``, vocabulary learnt on a sample, the number of topics chosen on a
        sample, and mini-batch NMF over every talk (:func:`topics.model.minibatch.
        fit_minibatch`, for tens of thousands of talks and more); ``"auto"``, mini-batches
        for a language of :data:`~topics.model.minibatch.MINIBATCH_MIN_TALKS` talks or
        more, exact otherwise.
    language : str, default "auto"
        ISO 639-1 code of every talk (one of :data:`topics.model.languages.LANGUAGES`), or
        ``"auto"`` to detect each talk's language.
    min_language_talks : int >= 1, default 40
        Talks a language other than the main one needs for topics of its own.
    phrases : bool, default True
        Use two-word key phrases ("machine learning") as terms.
    min_df : int >= 1 or float in [0, 1], default 2
        Terms in fewer talks than this (a count, or a share if float) are dropped.
    max_df : float in (0, 1], default 0.5
        Terms in more than this share of talks are dropped.
    n_neighbors : int >= 1, default 10
        Neighbours each talk's TF-IDF row is smoothed with (with ``algorithm="minibatch"``:
        each row of the sample on which topics are chosen).
    smoothing : float >= 0, default 1.0
        Weight of the neighbours' mean; 0 turns smoothing off.
    random_state : int in [0, 2**32 - 1], default 0
        Seed: the same seed and texts give the same topics.
    memory : str, joblib.Memory or None, default None
        Cache of the costly steps, as in :class:`sklearn.pipeline.Pipeline`.
    n_jobs : int or None, default -1
        Parallel jobs, as in :class:`joblib.Parallel` (``None``: one, unless inside a
        :func:`joblib.parallel_config`; ``-1``: one per core): the independent NMF fits
        (threads), language detection and TF-IDF rows of many texts (processes).

    Attributes
    ----------
    components_ : ndarray of float32, shape (n_components_, n_terms)
        H: topic-word weights, rows of unit L2 norm; a topic of one language has zero
        weight on every other language's terms.
    terms_ : ndarray of str (object), shape (n_terms,)
        The terms, columns of ``components_`` and ``document_term_``; phrases hold a
        space. A term may appear once per language.
    vocabulary_ : dict of str to int
        Term -> its column, as in scikit-learn's vectorizers; a term of several languages
        maps to its first (main language's) column.
    n_components_ : int
        Topics found, all languages together.
    document_topic_ : ndarray of float32, shape (n_talks, n_components_)
        W: document-topic weights of the training talks; all zero for a talk left out.
    document_term_ : scipy.sparse.csr_matrix of float32, shape (n_talks, n_terms)
        X: the training talks' TF-IDF rows (before smoothing); empty for a talk left out.
    topic_labels_ : list of str, length n_components_
        Short labels from each topic's most distinctive terms; no two alike.
    topic_languages_ : list of str, length n_components_
    topic_stability_ : ndarray of float32, shape (n_components_,)
        In [0, 1]: how reliably each topic returns on resampled talks.
    languages_ : list of str, length n_talks
        Each training talk's language (the main language's when undetermined).
    main_language_ : str
    excluded_languages_ : dict of str to int
        Languages left out of the topics, with their number of talks.
    selection_ : list of Candidate
        The candidates measured for the main language when ``n_topics="auto"``.
    algorithms_ : list of str
        ``"exact"`` or ``"minibatch"``: how each language block was fitted.
    blocks_ : list of LanguageBlock
    corpus_ : Corpus
        The training talks; made from the texts (ids ``text-1``, ...) when given texts.
    topics_ : pandas.DataFrame, shape (n_components_, 6)
        One row per topic (index ``topic``: the topic's number, 1-based as on the site;
        topic number ``k + 1`` is row ``k`` of ``components_``, column ``k`` of
        ``document_topic_``, and the ``topic=k`` of the methods that take one): ``label``,
        ``size`` (talks whose strongest topic it is), ``top_words`` (the ten heaviest
        terms, comma-separated), ``stability``, ``language``, ``theme`` (its theme's number,
        1-based as ``themes_``'s index; missing without themes).
    topic_themes_ : ndarray of int, shape (n_components_,)
        Each topic's theme, in ``range(len(theme_labels_))``: themes learnt from H
        (:mod:`topics.model.themes`) when there are more than 20 topics; all -1 otherwise.
    theme_labels_ : list of str, length n_themes
        Short labels of the themes, from their topics' summed rows of H; empty without.
    themes_ : pandas.DataFrame, shape (n_themes, 5)
        One row per theme (see :func:`topics.model.themes.themes_table`).

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        From :meth:`fit`, a ``ValueError`` naming a parameter out of its range.

    Examples
    --------
    >>> model = TopicModel(n_topics="auto", random_state=0).fit(corpus)  # doctest: +SKIP
    >>> model.topics_                                                    # doctest: +SKIP
    >>> model.similar("Property-based testing with Hypothesis")         # doctest: +SKIP
    """

    _parameter_constraints: ClassVar[dict] = {
        "n_topics": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "algorithm": [StrOptions({"auto", "exact", "minibatch"})],
        "language": [StrOptions({"auto", *LANGUAGES})],
        "min_language_talks": [Interval(Integral, 1, None, closed="left")],
        "phrases": ["boolean"],
        "min_df": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="both"),
        ],
        "max_df": [Interval(RealNotInt, 0, 1, closed="right")],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "smoothing": [Interval(Real, 0, None, closed="left")],
        "random_state": [Interval(Integral, 0, 2**32 - 1, closed="both")],
        "memory": [None, str, HasMethods(["cache"])],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        n_topics: int | str = "auto",
        algorithm: str = "auto",
        language: str = "auto",
        min_language_talks: int = 40,
        phrases: bool = True,
        min_df: int | float = 2,
        max_df: float = 0.5,
        n_neighbors: int = 10,
        smoothing: float = 1.0,
        random_state: int = 0,
        memory=None,
        n_jobs: int | None = -1,
    ):
        self.n_topics = n_topics
        self.algorithm = algorithm
        self.language = language
        self.min_language_talks = min_language_talks
        self.phrases = phrases
        self.min_df = min_df
        self.max_df = max_df
        self.n_neighbors = n_neighbors
        self.smoothing = smoothing
        self.random_state = random_state
        self.memory = memory
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None) -> TopicModel:
        """Learn the topics of ``X``.

        Parameters
        ----------
        X : Corpus or sequence of str, length n_talks
            Texts (title and abstract) of the talks.
        y : ignored

        Returns
        -------
        self

        Raises
        ------
        InvalidParameterError
            If a parameter is out of its range (the message names it).
        ModelError
            If there are fewer talks than topics asked for, or no usable words.
        """
        texts = as_texts(X)  # read an iterator once
        names = sorted({s for talk in X for s in talk.speakers}) if isinstance(X, Corpus) else []
        with warnings.catch_warnings():
            # Subsample fits stop at SUBSAMPLE_ITER iterations on purpose.
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._fit(texts, names)
        if isinstance(X, Corpus):
            self._describe(X)
        else:
            self._describe(Corpus([text_talk(i, t) for i, t in enumerate(texts)], title="texts"))
        return self

    def fit_transform(self, X, y=None) -> np.ndarray:
        """Fit, and return a copy of W, shape (n_talks, n_components_)."""
        return self.fit(X).document_topic_.copy()

    def _languages(self, texts: list[str], memory) -> tuple[list[str], str, list[str]]:
        """Each talk's language, the main language, and the languages with topics."""
        if self.language == "auto":
            detect = memory.cache(detect_languages, ignore=["n_jobs"])
            with stage("detect languages", len(texts), "talk"):
                languages = detect(Texts(texts), n_jobs=self.n_jobs)
        else:
            languages = [self.language] * len(texts)
        counts = Counter(lang for lang in languages if lang)
        main = counts.most_common(1)[0][0] if counts else "en"
        # Talks of undetermined language (very short texts) go with the main language.
        languages = [lang or main for lang in languages]
        counts = Counter(languages)
        others = [lang for lang, n in counts.items() if lang != main]
        enough = [lang for lang in others if counts[lang] >= self.min_language_talks]
        modelled = [main, *sorted(enough, key=lambda lang: -counts[lang])]
        tell_languages(counts, modelled, self.min_language_talks)
        return languages, main, modelled

    def _fit(self, texts: list[str], names: list[str]) -> None:
        self._check_n_topics(len(texts))
        memory = check_memory(self.memory)
        languages, main, modelled = self._languages(texts, memory)
        blocks, fits, rows_of, algorithms = [], [], [], []
        n_topics = n_terms = 0
        for lang in modelled:
            rows = np.array([i for i, talk_lang in enumerate(languages) if talk_lang == lang])
            k = self.n_topics if lang == main else "auto"
            if k != "auto":
                self._check_n_topics(len(rows))
            algorithm = self.algorithm
            if algorithm == "auto":
                algorithm = "minibatch" if len(rows) >= MINIBATCH_MIN_TALKS else "exact"
            fit = fit_minibatch if algorithm == "minibatch" else fit_exact
            settings = BlockSettings(
                language=lang,
                n_topics=k,
                max_topics=MAX_TOPICS if lang == main else MAX_OTHER_TOPICS,
                phrases=self.phrases,
                min_df=self.min_df,
                max_df=self.max_df,
                names=tuple(names),
                n_neighbors=self.n_neighbors,
                smoothing=self.smoothing,
                random_state=self.random_state,
                n_jobs=self.n_jobs,
            )
            block = fit([texts[i] for i in rows], settings, memory)
            k, f = block.topic_word.shape
            blocks.append(
                LanguageBlock(
                    lang,
                    block.analyzer,
                    block.vectorizer,
                    slice(n_topics, n_topics + k),
                    slice(n_terms, n_terms + f),
                )
            )
            fits.append(block)
            rows_of.append(rows)
            algorithms.append(algorithm)
            n_topics += k
            n_terms += f
        self._set_state(len(texts), fits, rows_of, blocks, languages, main, memory)
        self.algorithms_ = algorithms

    def _set_state(
        self,
        n: int,
        fits: list[BlockFit],
        rows_of: list[np.ndarray],
        blocks: list[LanguageBlock],
        languages: list[str],
        main: str,
        memory: Memory,
    ) -> None:
        """The fitted attributes, from each language block's fit (``n`` talks)."""
        self.blocks_ = blocks
        self.components_ = (
            sp.block_diag([fit.topic_word for fit in fits], format="csr")
            .toarray()
            .astype(np.float32)
        )
        self.terms_ = np.array(
            [term for fit in fits for term in fit.vectorizer.get_feature_names_out()],
            dtype=object,
        )
        W = np.zeros((n, self.components_.shape[0]), dtype=np.float32)
        X_parts = []
        for fit, rows, block in zip(fits, rows_of, blocks, strict=True):
            W[np.ix_(rows, range(block.topics.start, block.topics.stop))] = fit.document_topic
            place = sp.csr_matrix(
                (np.ones(len(rows), dtype=np.float32), (rows, np.arange(len(rows)))),
                shape=(n, len(rows)),
            )
            X_parts.append(place @ fit.document_term.astype(np.float32))
        self.document_topic_ = W
        self.document_term_ = sp.hstack(X_parts, format="csr", dtype=np.float32)
        self.n_components_ = self.components_.shape[0]
        self.topic_stability_ = np.concatenate([fit.stability for fit in fits]).astype(np.float32)
        self.topic_languages_ = [
            b.language for b in blocks for _ in range(b.topics.stop - b.topics.start)
        ]
        self.languages_, self.main_language_ = languages, main
        modelled = {b.language for b in blocks}
        self.excluded_languages_ = {
            lang: count for lang, count in Counter(languages).most_common() if lang not in modelled
        }
        self.selection_ = fits[0].candidates
        analyzers, langs, X = (
            [b.analyzer for b in blocks],
            self.topic_languages_,
            self.document_term_,
        )
        self.topic_labels_ = topic_labels(self.components_, self.terms_, W, X, langs, analyzers)
        # Cached: an NMF of the topics, a second or more of a warm re-run of 166 topics.
        themes = memory.cache(topic_themes)(self.components_, W, langs, self.random_state)
        self.topic_themes_ = themes
        self.theme_labels_ = theme_labels(
            self.components_, themes, self.terms_, langs, W, X, analyzers
        )

    def _describe(self, corpus: Corpus) -> None:
        """Set the fitted attributes made for people: ``vocabulary_``, ``corpus_``, ``topics_``
        and ``themes_``."""
        self.vocabulary_ = {}
        for i, term in enumerate(self.terms_):
            self.vocabulary_.setdefault(str(term), i)
        self.corpus_ = corpus
        self.topics_ = topics_table(self)
        self.themes_ = themes_table(self)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Input is a list of texts (or a Corpus): no 2-D numeric array.
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the columns of :meth:`transform`'s output: the topic labels.

        Returns
        -------
        ndarray of str (object), shape (n_components_,)
            ``topic_labels_``; so ``set_output(transform="pandas")`` gives labelled columns.
        """
        check_is_fitted(self)
        return np.asarray(self.topic_labels_, dtype=object)

    def _document_term(self, texts: list[str]) -> tuple[sp.csr_matrix, list[LanguageBlock]]:
        """TF-IDF rows of new texts in the columns of ``terms_``, and each text's block.

        A text goes to the block of its detected language (the main language's when its
        language has no block), and its row holds that block's terms only.
        """
        by_language = {block.language: block for block in self.blocks_}
        if self.language == "auto":
            languages = detect_languages(texts)
        else:
            languages = [self.language] * len(texts)
        chosen = [by_language.get(lang, self.blocks_[0]) for lang in languages]
        X = sp.lil_matrix((len(texts), len(self.terms_)), dtype=np.float32)
        for block in self.blocks_:
            rows = [i for i, b in enumerate(chosen) if b is block]
            if rows:
                part = block.vectorizer.transform([block.analyzer(texts[i]) for i in rows])
                X[rows, block.terms.start : block.terms.stop] = part
        return X.tocsr(), chosen

    def transform(self, X) -> np.ndarray:
        """W of new texts, H held fixed, shape (n_texts, n_components_).

        Each text is weighted against the topics of its language's block (the main
        language's when its language has no block) by
        :func:`sklearn.decomposition.non_negative_factorization` with ``update_H=False``
        (multiplicative updates, at most :data:`TRANSFORM_ITER` iterations).
        """
        check_is_fitted(self)
        texts = as_texts(X)
        W = np.zeros((len(texts), self.n_components_), dtype=np.float32)
        if not texts:
            return W
        X_new, chosen = self._document_term(texts)
        for block in self.blocks_:
            rows = [i for i, b in enumerate(chosen) if b is block]
            if not rows:
                continue
            H = self.components_[block.topics, block.terms]
            W_block, _, _ = non_negative_factorization(
                X_new[rows][:, block.terms],
                H=H,
                n_components=H.shape[0],
                init="custom",
                update_H=False,
                solver="mu",
                max_iter=TRANSFORM_ITER,
                random_state=0,
            )
            W[np.ix_(rows, range(block.topics.start, block.topics.stop))] = W_block
        return W

    def summary(self) -> ModelSummary:
        """What the site shows of the fitted model (see :class:`ModelSummary`)."""
        check_is_fitted(self)
        return ModelSummary(
            topic_labels=list(self.topic_labels_),
            terms=self.terms_,
            topic_word=self.components_,
            document_topic=self.document_topic_,
            document_term=self.document_term_,
            topic_stability=self.topic_stability_,
            topic_languages=list(self.topic_languages_),
            languages=list(self.languages_),
            excluded_languages=dict(self.excluded_languages_),
            main_language=self.main_language_,
            selection=list(self.selection_),
            random_state=self.random_state,
            topic_themes=self.topic_themes_.copy(),
            theme_labels=list(self.theme_labels_),
        )

    def top_words(self, topic: int, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` heaviest terms of ``topic`` as (term, weight) pairs, heaviest first."""
        check_is_fitted(self)
        return top_words(self.components_, self.terms_, topic, n)

    def topic(self, topic: int) -> Topic:
        """One topic as an object that displays itself in Jupyter (word cloud, top talks).

        Raises
        ------
        IndexError
            If ``topic`` is not in ``range(n_components_)``.
        """
        check_is_fitted(self)
        if not -self.n_components_ <= topic < self.n_components_:
            raise IndexError(f"topic {topic} out of range: the model has {self.n_components_}")
        return Topic(self, int(topic) % self.n_components_)

    def talks(self, topic: int, n: int | None = None):
        """The training talks of a topic, heaviest first.

        Parameters
        ----------
        topic : int
            0-based topic index (a row of ``components_``).
        n : int, optional
            Keep the first ``n`` talks; all talks with a positive weight by default.

        Returns
        -------
        pandas.DataFrame
            Columns ``id``, ``title``, ``speakers`` (comma-separated), ``event``,
            ``weight`` (the talk's weight in W) and ``share`` (the topic's share of the
            talk's mix, in [0, 1]); index: the talks' positions in ``corpus_``.
        """
        self.topic(topic)  # checks fitted and in range
        return talks_table(self.corpus_, self.document_topic_, topic, n)

    def similar(self, talk_or_text, n: int = 5):
        """The training talks most similar to a talk, or to any text.

        The measure is the site's (:mod:`topics.model.similarity`: shared rare words of
        ``document_term_``, weighted by agreeing topic mixes), so for a training talk the
        result is its talk page's list.

        Parameters
        ----------
        talk_or_text : Talk, int, or str
            A training talk: a :class:`~topics.corpus.Talk`, its position in ``corpus_``,
            or its id; any other string is a new text (title and abstract), placed by
            :meth:`transform`.
        n : int, default 5
            Talks returned at most (talks with nothing in common are left out).

        Returns
        -------
        pandas.DataFrame
            Columns ``id``, ``title``, ``speakers``, ``event``, ``similarity`` (in
            [0, 1]), most similar first; index: positions in ``corpus_``.
        """
        check_is_fitted(self)
        W = self.document_topic_
        X = with_fallback_rows(self.document_term_, self.corpus_.texts)
        index = talk_index(self.corpus_, talk_or_text)
        if index is not None:
            scores = similarities(W[index], X[index], W, X)
            scores[index] = -np.inf  # not itself
        else:
            text = talk_or_text.text if isinstance(talk_or_text, Talk) else str(talk_or_text)
            x, _ = self._document_term([text])
            x = sp.hstack([x, sp.csr_matrix((1, X.shape[1] - x.shape[1]))], format="csr")
            scores = similarities(self.transform([text])[0], x, W, X)
        return similar_table(self.corpus_, scores, min(n, len(scores) - (index is not None)))

    def wordcloud(self, topic: int, width: int = WIDTH, height: int = HEIGHT):
        """The word cloud of a topic, as on its site page; displays itself in Jupyter.

        Parameters
        ----------
        topic : int
            0-based topic index: the topic numbered ``topic + 1`` on the site.
        width, height : int
            Size in CSS pixels; the image has twice as many pixels each way. At the
            default size the image is the site's, pixel for pixel (same layout, colours
            and seed: :func:`topics.model.wordclouds.topic_wordcloud`).

        Returns
        -------
        PIL.Image.Image
            RGBA, transparent background.
        """
        self.topic(topic)
        words = dict(self.top_words(topic, CLOUD_WORDS))
        return topic_wordcloud(words, width, height, self.random_state)

    def _repr_html_(self) -> str:
        """Jupyter: the topics as a table once fitted, scikit-learn's diagram before."""
        from .display import model_html

        if hasattr(self, "topics_"):
            return model_html(self)
        diagram = getattr(super(), "_html_repr", None)  # scikit-learn's, when it has one
        return diagram() if diagram else f"<pre>{html.escape(repr(self))}</pre>"

    def _repr_mimebundle_(self, **kwargs) -> dict[str, str]:
        return {"text/plain": repr(self), "text/html": self._repr_html_()}

    def _check_n_topics(self, n_talks: int) -> None:
        k = self.n_topics
        if k == "auto":
            if n_talks < 2:
                raise ModelError(f"cannot find topics in {n_talks} talk(s): at least 2 needed")
            return
        if not isinstance(k, int | np.integer) or not 1 <= k <= n_talks:
            raise ModelError(
                f"cannot find {k} topics in {n_talks} talks: use 'auto' or between 1 and "
                f"{n_talks} topics"
            )
