"""A tiny hand-written conference (13 talks, three themes) and a topic model fitted on it.

Shared by the renderer and browser tests; needs no network and no ../shared data.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from topics.corpus import Corpus, Talk
from topics.model import TopicModel
from topics.model.summary import ModelSummary

N_TOPICS = 3

#: The talk whose title must come out escaped.
SCRIPT_TITLE = "<script>alert(1)</script>"

_DATA = [
    (
        "arrays-all-the-way-down",
        "Arrays all the way down",
        "NumPy arrays store numbers in contiguous memory, so vectorized array operations "
        "beat Python loops.\n\nWe look at broadcasting, strides and array views, and how "
        "pandas dataframes build on NumPy arrays.",
        ("Ada Lovelace",),
    ),
    (
        "dataframes-for-analysts",
        "Dataframes for analysts",
        "Pandas dataframes make data analysis quick: group data, join tables, reshape "
        "columns.\n\nWe clean a messy dataset, plot it, and compare pandas with plain "
        "NumPy arrays for numerical data.",
        ("Grace Hopper", "Alan Turing"),
    ),
    (
        "script-alert",
        SCRIPT_TITLE,
        "A talk whose title tries HTML injection <b>bold</b> & friends. It is really "
        "about numerical data: NumPy arrays, pandas dataframes and data analysis of "
        "numbers.",
        ("Mallory <img src=x onerror=alert(2)>",),
    ),
    (
        "machine-learning-with-numpy",
        "Machine learning with NumPy",
        "Linear models fitted on NumPy arrays: data, numerical gradients and matrices. "
        "Numbers in, predictions out, with pandas dataframes to explore the data.",
        ("Katherine Johnson",),
    ),
    (
        "django-views-and-templates",
        "Django views and templates",
        "A web application in Django: URL routing, views and HTML templates.\n\nWe render "
        "web pages on the server, handle HTTP requests and forms, and deploy the web app.",
        ("Guido Example",),
    ),
    (
        "fast-http-apis",
        "Fast HTTP APIs",
        "Building web APIs that answer HTTP requests quickly: routing, JSON responses, "
        "async web servers, and deploying the web server behind a proxy.",
        ("Barbara Liskov",),
    ),
    (
        "web-security-basics",
        "Web security basics",
        "Cross-site scripting, CSRF tokens and escaping in HTML templates: how web "
        "frameworks protect web applications and HTTP requests from attacks.",
        ("Linus Example", "Margaret Hamilton"),
    ),
    (
        "serving-static-sites",
        "Serving static web sites",
        "Static HTML pages need no server code: a web server sends files over HTTP. We "
        "compare web hosting options and templates for static web pages.",
        ("Donald Knuth",),
    ),
    (
        "pytest-fixtures-in-depth",
        "Pytest fixtures in depth",
        "Fixtures give each test what it needs. We write pytest fixtures, parametrize "
        "tests, and keep the test suite fast.\n\nTesting with fixtures beats setup "
        "methods.",
        ("Frances Allen",),
    ),
    (
        "mocking-without-tears",
        "Mocking without tears",
        "Mocks replace slow dependencies in a unit test. When to mock, when a fake is "
        "better, and how pytest and unittest mocks make testing code easier.",
        ("Edsger Dijkstra",),
    ),
    (
        "property-based-testing",
        "Property-based testing",
        "Instead of writing each test case, describe properties and let the testing "
        "library generate examples; failing test cases shrink to small examples. Works "
        "with pytest.",
        ("John Hughes",),
    ),
    (
        "testing-web-apps",
        "Testing web applications",
        "Test a Django web application with pytest: fixtures for HTTP requests, a test "
        "client for web pages and templates, and testing forms.",
        ("Ward Cunningham",),
    ),
    (
        "coverage-and-ci",
        "Testing coverage and CI tests",
        "",  # no abstract at all: the page must say so
        (),
    ),
]


#: Original pages that must not be linked: not http(s), or none at all.
_URLS = {"script-alert": "javascript:alert(3)", "coverage-and-ci": ""}


def tiny_corpus() -> Corpus:
    """Thirteen talks on numerical data, the web and testing; details vary between talks."""
    talks = []
    for n, (talk_id, title, abstract, speakers) in enumerate(_DATA):
        talks.append(
            Talk(
                id=talk_id,
                title=title,
                abstract=abstract,
                speakers=speakers,
                track="Main track" if n % 2 else "",
                day=f"2024-07-0{1 + n % 3}",
                time=f"{9 + n}:00",
                room="Room A" if n % 3 else "",
                url=_URLS.get(talk_id, f"https://conf.example/talks/{talk_id}"),
                event="tinycon-2024",
            )
        )
    return Corpus(talks=talks, title="TinyCon 2024 & friends", source="tests/helpers/tiny_site.py")


@lru_cache(maxsize=1)
def fitted() -> tuple[Corpus, TopicModel, ModelSummary]:
    """The tiny corpus, a TopicModel with three topics fitted on it, and its summary."""
    corpus = tiny_corpus()
    model = TopicModel(n_topics=N_TOPICS, random_state=0).fit(corpus)
    return corpus, model, model.summary()


#: Events of the two-edition corpus: the first talks in 2023, the rest in 2024.
EVENTS = ("tinycon-2023", "tinycon-2024")


def two_event_corpus() -> Corpus:
    """The tiny corpus spread over two editions (talks 0-5 in 2023, 6-12 in 2024)."""
    talks = [
        Talk(**{**talk.__dict__, "event": EVENTS[0] if n < 6 else EVENTS[1]})
        for n, talk in enumerate(tiny_corpus())
    ]
    return Corpus(talks=talks, title="TinyCon 2023 and 2024", source="tests/helpers/tiny_site.py")


@lru_cache(maxsize=1)
def fitted_two_events() -> tuple[Corpus, TopicModel, ModelSummary]:
    """The two-edition corpus, fitted like :func:`fitted`; in the summary, the talk without
    an abstract has no topic weight at all (as a talk in another language would), so the
    site also has its page of talks without a topic."""
    corpus = two_event_corpus()
    model = TopicModel(n_topics=N_TOPICS, random_state=0).fit(corpus)
    W = model.document_topic_.copy()
    W[[t.id for t in corpus].index("coverage-and-ci")] = 0
    return corpus, model, replace(model.summary(), document_topic=W)
