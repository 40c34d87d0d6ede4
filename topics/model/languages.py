"""Which language a talk is in, and the function words of each language.

Detection
---------
:func:`detect_language` uses py3langid (Lui & Baldwin, "langid.py: An Off-the-shelf
Language Identification Tool", ACL 2012; the maintained fork by A. Barbaresi), a naive
Bayes classifier over byte n-grams whose model ships inside the package (4.5 MB
installed, numpy only, works offline), restricted to :data:`LANGUAGES`: the languages
of the conferences worth telling apart, which also keeps minor languages
(Aragonese, Central Bikol...) from being picked for a short or mixed-language text.

Only the first :data:`MAX_CHARS` characters of the cleaned text are read (the title and
the start of the abstract). Why py3langid and why 500 characters, with what was measured:
docs/decisions.md, "Language detection".
Titles alone are often too short to tell: under :data:`MIN_CONFIDENCE` the answer is
``""``.

Function words
--------------
:func:`stop_words` gives the stopwords-iso lists (https://github.com/stopwords-iso,
package ``stopwordsiso``, 58 languages including Basque and Galician, which the
``stop-words`` package lacks; NLTK's lists need a download). For English it
gives scikit-learn's list (the Glasgow IR list the topic model has always used) plus
the contractions of stopwords-iso's English list and their parts ("doesn", "ve"), not
that whole list: it holds content words a topic needs, such as "research", "computer",
"test", "web" and "information".

:func:`function_words` is the union of the lists of :data:`FUNCTION_WORD_LANGUAGES`. A
foreign stop-word list also holds words that are ordinary words of the language being
modelled (Italian "come", Dutch "door", Spanish "sea", French and Spanish "son", and,
since the lists are generous, content words such as French "possible" or Danish
"store"). Word frequencies from wordfreq (Speer, https://github.com/rspeer/wordfreq;
frequencies per language from Wikipedia, subtitles, news, books, web text and social
media, frozen in 2021; 58 MB installed, offline; its "small" lists load in under a
second) decide which stay: a word is kept when

1. it is a stop word of the excluded language too (forbidding it costs nothing), or
2. it is rare in the excluded language: Zipf frequency below :data:`RARE_ZIPF` (about
   three uses per million words), so it has no ordinary meaning there; or
3. it is one of the commonest words of the other language (Zipf at least
   :data:`CORE_ZIPF`: its 15 to 20 commonest words) and at least
   10^:data:`FOREIGN_MARGIN` times more frequent there than in the excluded language.
   This keeps "la", "el", "los", "de", "da", "del", "der", "die" and "van", whose
   English frequency comes from names (Los Angeles, La Liga, Guido van Rossum) and not
   from an English meaning, and drops "come", "son", "sea", "men", "met", "door",
   "plus", "non" and "al".

wordfreq knows general English, not the jargon of tech talks, so for English a
reviewed list, :data:`ENGLISH_TECH_WORDS`, is never treated as foreign: jargon of
English talks that foreign lists hold ("ai", "ci", "io", "os", "ide", "oss", "dag",
"mit", "zen", "var"...). It was made by running the rules on the English-detected
pyvideo talks and reading every kept word found in three or more of them, plus the
jargon the rules drop only narrowly ("ai", "os", "pod", "hat", "bare", "eu"), so that
changed thresholds or data cannot make them foreign. The outcome for the words one
worries about: "die" and "van" are foreign (in a talk corpus they come from German and
Dutch text and from speaker names); "come", "son" and "sea" stay English by rule 3;
"data", "use", "real", "test", "code" and "once" are in none of the foreign lists
("once" is an English stop word anyway).
"""

from __future__ import annotations

import html
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import islice

from ..corpus import ISO_639_2
from ..progress import decided
from . import usercache

#: ISO 639-1 codes the detector chooses from (a subset of py3langid's 140).
LANGUAGES = (
    *("en", "es", "pt", "fr", "it", "de", "nl", "ca", "gl", "eu", "pl", "cs", "sk", "sl"),
    *("hr", "sr", "bs", "bg", "mk", "ru", "uk", "be", "lt", "lv", "et", "fi", "sv", "da"),
    *("no", "is", "hu", "ro", "el", "tr", "he", "ar", "fa", "hi", "bn", "ta", "ur", "ja"),
    *("zh", "ko", "th", "vi", "id", "ms", "tl", "af", "sq", "hy", "ka", "cy", "ga"),
)

#: Languages whose function words :func:`function_words` unites: those of the talks on
#: pyvideo.org and of European and Asian Python and open-source conferences.
FUNCTION_WORD_LANGUAGES = (
    *("en", "es", "pt", "fr", "it", "de", "nl", "ca", "gl", "eu", "pl", "cs", "sk"),
    *("ru", "uk", "tr", "sv", "da", "no", "fi", "hu", "ro", "el", "ja", "zh", "ko"),
)

#: Characters of cleaned text read by the detector: the title and the start of the abstract.
MAX_CHARS = 500
#: Fewer letters than this (after cleaning) and the language is undetermined.
MIN_LETTERS = 8
#: Below this probability of the likeliest language (py3langid's calibrated ``norm_probs``)
#: the language is undetermined: short titles such as "Lightning Talks" or "Keynote".
MIN_CONFIDENCE = 0.3
#: Below this Zipf frequency (log10 of uses per billion words) a word is rare.
RARE_ZIPF = 3.5
#: A foreign word at least this frequent in its language is one of its core words.
CORE_ZIPF = 6.9
#: ... and is foreign if this many orders of magnitude more frequent there.
FOREIGN_MARGIN = 2.0

#: Words of English tech talks that foreign lists hold as function words; never foreign.
ENGLISH_TECH_WORDS = frozenset(
    {
        *("ai", "alias", "ami", "bare", "ble", "ci", "dag", "doi", "elk", "environ", "esa"),
        *("eu", "hat", "hue", "ide", "io", "len", "lite", "mint", "mit", "multiples", "nas"),
        *("ner", "ode", "op", "os", "osm", "oss", "poc", "pod", "proc", "proto", "quant"),
        *("quarto", "quasi", "soc", "sme", "sota", "todo", "var"),
    }
)

_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "be": "Belarusian", "bg": "Bulgarian",
    "bn": "Bengali", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech", "cy": "Welsh",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "ga": "Irish", "gl": "Galician", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "is": "Icelandic",
    "it": "Italian", "ja": "Japanese", "ka": "Georgian", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian", "ms": "Malay",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "ta": "Tamil", "th": "Thai",
    "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
_ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "fil": "tl", **ISO_639_2}
# wordfreq's codes where they differ from the detector's.
_WORDFREQ_CODES = {"no": "nb", "tl": "fil"}

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,1000}>|<!--.*?-->", re.DOTALL)
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)[!-~]*", re.IGNORECASE)
# A whitespace-delimited token holding one of these is a URL, an e-mail address, a
# @handle or code (paths, identifiers with "_", calls, attribute access, operators).
_NOISE = re.compile(r"[_=<>{}\[\]|\\/`$^~*#@]|\w\.\w|\w\(|::")
_LETTER = re.compile(r"[^\W\d_]")
_PARALLEL_MIN = 2000  # shorter lists are detected in this process: starting workers costs more


def detect_language(text: str) -> str:
    """The language of a text, such as a talk's title and abstract.

    HTML tags and entities, URLs, e-mail addresses and code-like tokens are removed
    first, then the first :data:`MAX_CHARS` characters are classified among
    :data:`LANGUAGES`. Deterministic.

    Parameters
    ----------
    text : str
        Any text; title and abstract joined give the best result.

    Returns
    -------
    str
        ISO 639-1 code (``"en"``, ``"es"``, ``"eu"``...), or ``""`` when undetermined:
        the cleaned text has fewer than :data:`MIN_LETTERS` letters (empty, numbers,
        code only), or no language reaches :data:`MIN_CONFIDENCE` (a few words only).

    Examples
    --------
    >>> detect_language("Aprendizaje automático con Python para principiantes")
    'es'
    >>> detect_language("https://example.org 2016")
    ''
    """
    text = _prepare(text)
    if sum(1 for _ in islice(_LETTER.finditer(text), MIN_LETTERS)) < MIN_LETTERS:
        return ""
    code, _ = _identifier().classify(text)
    return "" if code in ("und", "zxx") else code


def detect_languages(texts: Sequence[str], n_jobs: int = 1) -> list[str]:
    """:func:`detect_language` of each text, in order.

    Parameters
    ----------
    texts : sequence of str, length n_texts
    n_jobs : int or None, default 1
        Processes, as in :class:`joblib.Parallel` (``-1``: one per core). Lists shorter
        than 2,000 texts are always done in this process.

    Returns
    -------
    list of str, length n_texts
        ISO 639-1 codes, ``""`` where undetermined.

    """
    from joblib import Parallel, delayed, effective_n_jobs

    texts = list(texts)
    n_jobs = effective_n_jobs(n_jobs)
    if n_jobs == 1 or len(texts) < _PARALLEL_MIN:
        return [detect_language(text) for text in texts]
    size = math.ceil(len(texts) / (4 * n_jobs))
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    results = Parallel(n_jobs=n_jobs)(delayed(_detect_all)(chunk) for chunk in chunks)
    return [code for chunk in results for code in chunk]


def tell_languages(counts: Mapping[str, int], modelled: Sequence[str], min_talks: int) -> None:
    """Tell which languages get topics and which are left out (``topics -v``).

    Parameters
    ----------
    counts : mapping of str to int
        Talks of each language (ISO 639-1 code).
    modelled : sequence of str
        The languages that get topics, the main one first.
    min_talks : int
        Fewest talks of a language that gets topics besides the main one.
    """
    kept = ", ".join(f"{language_name(code)} ({counts[code]})" for code in modelled)
    others = [code for code, _ in Counter(counts).most_common() if code not in modelled]
    left = ", ".join(f"{language_name(code)} ({counts[code]})" for code in others) or "none"
    decided("languages with topics: %s; left out (under %d talks): %s", kept, min_talks, left)


def stop_words(language: str) -> frozenset[str]:
    """The function words of a language, lowercase.

    Parameters
    ----------
    language : str
        ISO 639-1 code, case-insensitive; a region (``"pt-BR"``) is ignored.

    Returns
    -------
    frozenset of str
        The stopwords-iso list of the language, less its entries without a letter
        (digits and punctuation in a few lists); for English, scikit-learn's
        ``ENGLISH_STOP_WORDS`` plus English contractions and their parts. Empty for a
        language without a list.
    """
    code = _normalize(language)
    if code == "en":
        return _english_stop_words()
    return _stopwords_iso(code)


def function_words(exclude: str = "en") -> frozenset[str]:
    """Function words of the common languages of talks, less the excluded language's words.

    Parameters
    ----------
    exclude : str, default "en"
        ISO 639-1 code of the language being modelled. Its own list is not added (its
        words that another list holds stay), and the other languages' words that are
        ordinary words of it are left out (see the module docstring for the rules).
        ``""`` gives the plain union of all the lists; so, nearly, does a language
        wordfreq has no frequencies for (Basque, Galician): all words are rare in it.

    Returns
    -------
    frozenset of str
        Lowercase words, cached per ``exclude``.

    Examples
    --------
    >>> words = function_words("en")
    >>> "los" in words, "und" in words, "data" in words, "come" in words
    (True, True, False, False)
    """
    with _WORDS_LOADING:
        return _function_words(_normalize(exclude))


def language_name(code: str) -> str:
    """English name of a language.

    Parameters
    ----------
    code : str
        ISO 639-1 code, such as the output of :func:`detect_language`, or ISO 639-2 code
        (``"eng"``, ``"spa"``); case, surrounding spaces and a region (``"pt-BR"``) are
        ignored.

    Returns
    -------
    str
        ``"es"`` -> ``"Spanish"``; the code itself (stripped) when unknown, ``""`` for
        ``""``.
    """
    return _NAMES.get(_normalize(code), code.strip())


def _prepare(text: str) -> str:
    """The part of ``text`` the detector reads: tags, entities, URLs and code removed."""
    text = text[: 4 * MAX_CHARS]
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    kept, length = [], -1
    for token in text.split():
        if not _is_noise(token):
            kept.append(token)
            length += len(token) + 1
            if length > MAX_CHARS:  # the rest would be cut off below
                break
    text = " ".join(kept)
    if len(text) > MAX_CHARS:
        cut = text.rfind(" ", 0, MAX_CHARS)
        text = text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
    return text


def _is_noise(token: str) -> bool:
    """Code or an address; a token mostly of other scripts is Chinese or Japanese text."""
    if _NOISE.search(token) is None:
        return False
    return token.isascii() or 2 * sum(c.isascii() for c in token) >= len(token)


def _detect_all(texts: list[str]) -> list[str]:
    return [detect_language(text) for text in texts]


def _normalize(code: str) -> str:
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(code, code)


#: Held while the detector, and while function words, are loaded, so that the loading
#: :func:`preload` started and a caller that needs the same resource meanwhile do not both
#: load it (a detection does not wait for the function words).
_DETECTOR_LOADING = threading.Lock()
_WORDS_LOADING = threading.RLock()


def preload() -> threading.Thread:
    """Start loading the detector's model and English's :func:`function_words`.

    From the per-user cache (:mod:`topics.model.usercache`) they take milliseconds; the
    first time on a machine, about a second of CPU (decompressing LZMA, which releases
    the GIL, and reading wordfreq's lists), which a command can spend while it imports
    its other libraries or reads its sources (docs/decisions.md, "One conference in
    seconds"). A function that needs one of them meanwhile waits for it rather than
    loading it again.

    Returns
    -------
    threading.Thread
        The daemon thread loading them.
    """
    thread = threading.Thread(target=_preload, name="topics-preload", daemon=True)
    thread.start()
    return thread


def _preload() -> None:
    _identifier()
    function_words("en")


def _identifier():
    with _DETECTOR_LOADING:
        return _load_identifier()


@cache
def _load_identifier():
    from py3langid.langid import LanguageIdentifier

    model = _detector_model()
    return LanguageIdentifier(
        model["ptc"],
        model["pc"],
        model["classes"],
        memoryview(model["nextmove"]),  # indexed one byte of text at a time, as array.array
        memoryview(model["out_feat"]),
        norm_probs=True,
        min_confidence=MIN_CONFIDENCE,
        tk_row=memoryview(model["nextmove_row"]),
    )


#: The arrays of py3langid's model (its ``modelio``) the detector is made of.
_DETECTOR_ARRAYS = ("ptc", "pc", "nextmove", "nextmove_row", "out_feat")
#: Changed when the files of the prepared detector or the way they are made change.
_DETECTOR_FORMAT = 1


def _detector_model() -> dict:
    """py3langid's model restricted to :data:`LANGUAGES` (and "zxx"), from the per-user
    cache (:mod:`topics.model.usercache`; memory-mapped, milliseconds) or, the first time
    on a machine or without a cache, unpacked from the package (0.4-0.8 s of CPU)."""
    import numpy as np
    import py3langid
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    source = MODEL_DIR / MODEL_FILE
    stat = source.stat()
    version = getattr(py3langid, "__version__", "")
    key = usercache.digest(_DETECTOR_FORMAT, version, stat.st_size, stat.st_mtime_ns, LANGUAGES)
    unpacked: dict = {}

    def write(folder):
        unpacked.update(_unpack_detector(source))
        for name in _DETECTOR_ARRAYS:
            np.save(folder / f"{name}.npy", unpacked[name], allow_pickle=False)
        (folder / "classes.txt").write_text("\n".join(unpacked["classes"]), encoding="utf-8")

    folder = usercache.entry(f"detector-{key}", write)
    if unpacked:  # just written: already in memory
        return unpacked
    if folder is not None:
        try:
            model = {n: np.load(folder / f"{n}.npy", mmap_mode="r") for n in _DETECTOR_ARRAYS}
            model["classes"] = (folder / "classes.txt").read_text(encoding="utf-8").split("\n")
            if model["ptc"].shape[1] == len(model["pc"]) == len(model["classes"]):
                return model
        except (OSError, ValueError):
            pass
        usercache.remove(folder)  # damaged: made again next time
    return _unpack_detector(source)


def _unpack_detector(source) -> dict:
    """Read py3langid's LZMA-compressed ``.npz`` model in memory and keep the columns of
    :data:`LANGUAGES`; the same arrays as ``py3langid.modelio.load_model`` and
    ``LanguageIdentifier.set_languages`` give, without their temporary file and copies."""
    import io
    import lzma

    import numpy as np

    wanted = {*LANGUAGES, "zxx"}  # zxx: "no linguistic content"
    with np.load(io.BytesIO(lzma.decompress(source.read_bytes())), allow_pickle=False) as data:
        classes = data["classes"].tolist()
        if unknown := wanted - set(classes):
            raise ValueError(f"py3langid's model lacks the languages {sorted(unknown)}")
        keep = [i for i, code in enumerate(classes) if code in wanted]
        model = {name: data[name] for name in _DETECTOR_ARRAYS}
    model["ptc"] = np.ascontiguousarray(model["ptc"][:, keep])
    model["pc"] = model["pc"][keep]
    model["classes"] = [classes[i] for i in keep]
    return model


@cache
def _stopwords_iso(code: str) -> frozenset[str]:
    import stopwordsiso

    return frozenset(w.lower() for w in stopwordsiso.stopwords(code) if _LETTER.search(w))


@cache
def _english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    contractions = {w for w in _stopwords_iso("en") if "'" in w}
    # "doesn't" -> "doesn" and "t", as a tokenizer splits it; "c'mon" gives no "mon".
    parts = {p for w in contractions for p in w.split("'") if len(p) > 1 and p != "mon"}
    return frozenset(ENGLISH_STOP_WORDS) | contractions | parts


#: Changed when the way function words are stored in the per-user cache changes.
_FUNCTION_WORDS_FORMAT = 1


@cache
def _function_words(exclude: str) -> frozenset[str]:
    """:func:`_compute_function_words`, kept in the per-user cache: the lists and the
    frequencies it reads are those of installed packages, its rules this module's code."""
    if not exclude:  # the plain union: nothing to save
        return _compute_function_words(exclude)
    key = usercache.digest(_FUNCTION_WORDS_FORMAT, _word_list_versions(), exclude)
    computed: list[frozenset[str]] = []

    def write(folder):
        computed.append(_compute_function_words(exclude))
        (folder / "words.txt").write_text("\n".join(sorted(computed[0])), encoding="utf-8")

    folder = usercache.entry(f"function-words-{key}", write)
    if computed:
        return computed[0]
    if folder is not None:
        try:
            text = (folder / "words.txt").read_text(encoding="utf-8")
            return frozenset(text.split("\n") if text else ())
        except (OSError, UnicodeDecodeError):
            usercache.remove(folder)
    return _compute_function_words(exclude)


@cache
def _word_list_versions() -> tuple[str, ...]:
    """What function words are made from: the versions of the packages holding the lists
    and frequencies, and this module's code (its rules and thresholds)."""
    from importlib.metadata import version

    packages = ("wordfreq", "stopwordsiso", "scikit-learn")
    return (*(version(name) for name in packages), usercache.file_digest(__file__))


def _compute_function_words(exclude: str) -> frozenset[str]:
    words: dict[str, set[str]] = {}
    for language in FUNCTION_WORD_LANGUAGES:
        if language != exclude:
            for word in stop_words(language):
                words.setdefault(word, set()).add(language)
    if not exclude:
        return frozenset(words)
    own = stop_words(exclude)
    keep = ENGLISH_TECH_WORDS if exclude == "en" else frozenset()
    zipf_own = _zipf(exclude)
    kept = set()
    for word, languages in words.items():
        if word in keep:
            continue
        z_own = zipf_own(word)
        z_foreign = max(_zipf(language)(word) for language in languages)
        if (
            word in own
            or z_own < RARE_ZIPF
            or (z_foreign >= CORE_ZIPF and z_foreign - z_own >= FOREIGN_MARGIN)
        ):
            kept.add(word)
    return frozenset(kept)


def _zipf(language: str) -> Callable[[str], float]:
    """``word -> Zipf frequency`` in ``language`` from wordfreq's small list; 0 if unknown."""
    with _WORDS_LOADING:
        return _load_zipf(language)


@cache
def _load_zipf(language: str) -> Callable[[str], float]:
    from wordfreq import available_languages, get_frequency_dict

    code = _WORDFREQ_CODES.get(language, language)
    if code not in available_languages("small"):
        return lambda word: 0.0
    frequencies = get_frequency_dict(code, "small")

    def zipf(word: str) -> float:
        frequency = frequencies.get(word)
        return math.log10(frequency) + 9.0 if frequency else 0.0

    return zipf
