"""Local tabular sources (CSV, JSON, JSON Lines) and joining corpora."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc

import pytest

from tests.helpers import FIXTURES
from tests.reliability_table import reliability
from topics.cli import main
from topics.corpus import Corpus, Talk, unique_ids
from topics.sources import SourceError, load_all, tables
from topics.sources.http import Fetcher
from topics.sources.tables import load_table

TABLES = FIXTURES / "tables"


def test_csv_columns_and_list_fields():
    lazy, empty = load_table(TABLES / "talks.csv")
    assert lazy.title == "Lazy pipelines"
    assert lazy.abstract == "Generators make lazy pipelines."
    assert lazy.speakers == ("Ada Lovelace", "Alan Turing")
    assert (lazy.track, lazy.tags, lazy.day) == (
        "Python",
        ("generators", "itertools"),
        "2024-05-01",
    )
    assert lazy.url == "https://example.org/talks/lazy"
    assert empty.abstract == "" and empty.speakers == () and empty.url == ""


def test_json_talks_list_with_duplicate_ids_and_other_column_names():
    first, second = load_table(TABLES / "talks.json")
    assert (first.id, second.id) == ("t1", "t1-2")
    assert first.abstract == "Counting things." and first.speakers == ("Grace Hopper",)
    assert first.tags == ("count",)
    assert second.abstract == "More counting."
    assert second.speakers == ("Ada Lovelace", "Alan Turing")


def test_jsonl_and_gzip_read_the_same():
    plain = load_table(TABLES / "talks.jsonl")
    assert plain.talks == load_table(TABLES / "talks.jsonl.gz").talks
    intro = plain.talks[0]
    assert (intro.id, intro.event, intro.url) == (
        "intro",
        "minicon-2020",
        "https://example.org/intro",
    )
    assert [t.id for t in plain] == ["intro", "intro-2"]


def test_saved_corpus_reads_back(tmp_path):
    corpus = Corpus([Talk("a", "A talk", "Text.", speakers=("X Y",))], title="Conf", source="s")
    path = corpus.save(tmp_path / "talks.jsonl")
    again = load_table(path)
    assert again.talks == corpus.talks and again.title == "Conf"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_saved_corpus_with_other_line_breaks_reads_back(tmp_path, newline):
    talks = [Talk("a", "A talk", "Line one.\r\nLine two.\u2028"), Talk("b", "B")]
    path = Corpus(talks, title="Conf").save(tmp_path / "talks.jsonl")
    path.write_bytes(path.read_bytes().replace(b"\n", newline.encode()))
    again = Corpus.load(path)
    assert again.talks == talks and again.title == "Conf"


def test_corpus_digest_follows_the_content_only(tmp_path):
    talks = [Talk("a", "A talk", "Text.", speakers=("X Y",)), Talk("b", "B", "Ünïcode")]
    corpus = Corpus(talks, title="Conf", source="s")
    again = Corpus.load(corpus.save(tmp_path / "talks.jsonl"))
    assert again.digest() == corpus.digest()
    changed = [
        Corpus([talks[0], Talk("b", "B", "Ünïcode", track="T")], title="Conf", source="s"),
        Corpus(talks[::-1], title="Conf", source="s"),
        Corpus(talks, title="Conf 2", source="s"),
    ]
    assert len({corpus.digest(), *(c.digest() for c in changed)}) == 4
    assert len(Corpus([Talk("c", "C", "\ud800 lone surrogate")]).digest()) == 64


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2", "not valid JSON"),
        (b'{"title": "x"}', "expected a list of talks"),
        (b"[]", "no talk with a title"),
    ],
)
def test_bad_files_are_source_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        load_table(path)


def test_several_sources_join_with_unique_ids(tmp_path):
    corpus = load_all(
        [str(FIXTURES / "pyvideo" / "minicon-2020"), str(TABLES / "talks.jsonl")], Fetcher()
    )
    ids = [t.id for t in corpus]
    assert len(ids) == len(set(ids)) == 5
    assert corpus.title == "MiniCon 2020 + minicon-2020 + minicon-2021"


def test_json_lines_strings_may_hold_line_separators(tmp_path):
    path = tmp_path / "talks.jsonl"
    path.write_text('{"title": "A\u2028B", "abstract": "x\u2029y"}\n', encoding="utf-8")
    (talk,) = load_table(path)
    assert talk.title == "A B"  # read whole, then whitespace-normalised


# --- cells of any JSON type ---------------------------------------------------------------

#: Every column the reader knows, but the title (see topics/sources/tables.py).
COLUMNS = ["abstract", "description", "summary", "text", "speakers", "speaker", "persons",
           "author", "authors", "track", "category", "primary_area", "tags", "keywords", "id",
           "slug", "code", "event", "conference", "venue", "day", "date", "recorded", "time",
           "start", "room", "url", "link", "related_urls", "language", "lang"]  # fmt: skip
#: A value of each JSON type, nested as sources nest them.
CELLS = {
    "object": {"url": None},
    "objects": [{"url": 5}, {"name": None}, {"public_name": ["x"]}, {}],
    "deep": [[{"en": {"name": [1.5]}}], {"url": {"url": [None]}}],
    "integer": 7,
    "float": 2.5,
    "boolean": True,
    "null": None,
    "empty object": {},
    "empty list": [],
}


@reliability(
    "JSON Lines and JSON talks whose every column holds an object, a list of objects, a"
    ' number, a boolean or null, nested (such as {"url": {"url": null}})',
    "Each row gives its talk: numbers, names and English texts as text, nothing from the"
    " rest; 'topics crawl' exits 0; no traceback",
)
@pytest.mark.parametrize("cell", CELLS.values(), ids=CELLS)
def test_any_json_value_in_any_column(tmp_path, capsys, cell):
    rows = [{"title": f"Talk {column}", column: cell} for column in COLUMNS]
    rows += [{"title": "Every column", **dict.fromkeys(COLUMNS, cell)}, {"title": cell}]
    (tmp_path / "talks.jsonl").write_text("\n".join(map(json.dumps, rows)), encoding="utf-8")
    (tmp_path / "talks.json").write_text(json.dumps(rows), encoding="utf-8")
    for name in ("talks.jsonl", "talks.json"):
        corpus = load_table(tmp_path / name)
        assert [t.title for t in corpus][: len(COLUMNS) + 1] == [
            *(f"Talk {column}" for column in COLUMNS),
            "Every column",
        ]
        assert all(t.url == "" for t in corpus)
    code = main(["crawl", str(tmp_path / "talks.jsonl"), "--cache", str(tmp_path / "cache")])
    assert code == 0, capsys.readouterr().err


def test_cells_give_text_where_it_makes_sense(tmp_path):
    row = {
        "title": {"en": "Radio basics", "de": "Funkgrundlagen"},
        "abstract": ["Part one.", "Part two."],
        "speakers": [{"public_name": "Ada"}, {"name": 3}, None, True, {"id": 4}],
        "track": {"name": "Radio"},
        "tags": {"name": "sdr"},
        "day": 20240501,
        "time": 10.5,
        "room": False,
        "url": {"url": None},
        "link": [{"url": 5}, {"url": "https://x.example/t"}],
        "event": None,
        "conference": "MiniCon",
        "language": ["en"],
    }
    path = tmp_path / "talks.jsonl"
    path.write_text(json.dumps({"title": "A talk", "url": {"url": None}}) + "\n" + json.dumps(row))
    plain, talk = load_table(path)
    assert (plain.title, plain.url) == ("A talk", "")
    assert (talk.title, talk.abstract, talk.speakers) == (
        "Radio basics",
        "Part one., Part two.",
        ("Ada", "3"),
    )
    assert (talk.track, talk.tags, talk.day, talk.time, talk.room) == (
        "Radio",
        ("sdr",),
        "20240501",
        "10.5",
        "",
    )
    assert (talk.url, talk.event, talk.language) == ("https://x.example/t", "MiniCon", "en")


# --- gzip bombs and other floods ----------------------------------------------------------


@reliability(
    "A .jsonl.gz of newlines and a .csv.gz of zero bytes, 2 MB each, that decompress to 2 GiB"
    " (gzip bombs)",
    "Refused in one line naming the file and its limit (100 times its size: 199 MiB), with"
    " less than 16 MiB allocated at peak",
)
@pytest.mark.parametrize(("name", "byte"), [("talks.jsonl.gz", b"\n"), ("talks.csv.gz", b"\0")])
def test_gzip_bomb_is_refused_in_constant_memory(tmp_path, name, byte):
    path = tmp_path / name
    path.write_bytes(gzip.compress(byte * 2**26, 9) * 32)  # gzip members: 64 MiB in 64 KB each
    assert path.stat().st_size < 2_100_000
    tracemalloc.start()
    try:
        with pytest.raises(SourceError) as info:
            load_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path} decompresses to more than 199 MiB, the limit for this")
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB allocated"


def test_gzip_limit_is_its_size_times_100_within_bounds(tmp_path):
    assert tables.decompressed_limit(1_000) == 2**20  # a small file may always give 1 MiB
    assert tables.decompressed_limit(200_000) == 20_000_000
    assert tables.decompressed_limit(10**9) == tables.MAX_DECOMPRESSED == 512 * 2**20
    text = "\n".join(json.dumps({"title": f"Talk {i}"}) for i in range(5)).encode()
    path = tmp_path / "talks.jsonl.gz"
    path.write_bytes(gzip.compress(text + b" " * 2**20))  # 1 MiB of spaces: 1 KB of gzip
    with pytest.raises(SourceError, match=r"more than 1 MiB, the limit for this \.gz file"):
        load_table(path)
    path.write_bytes(gzip.compress(text + b" " * (2**20 - len(text))))
    assert len(load_table(path)) == 5


@pytest.mark.shared
@pytest.mark.parametrize("name", ["paperlists.jsonl.gz", "pyvideo.jsonl.gz"])
def test_gzip_limit_holds_the_real_tables_four_times(shared, name):
    path = shared / "data" / name
    with gzip.open(path, "rb") as stream:
        size = sum(len(chunk) for chunk in iter(lambda: stream.read(2**20), b""))
    assert 4 * size < tables.decompressed_limit(path.stat().st_size)


@pytest.mark.shared
def test_real_gzip_table_loads(shared):
    corpus = load_table(shared / "data" / "pyvideo.jsonl.gz")
    assert len(corpus) == 21_715


def test_damaged_gzip_data_is_a_source_error(tmp_path):
    data = bytearray(gzip.compress(b'{"title": "x"}\n' * 100))
    data[15:25] = b"\xff" * 10  # inside the deflate stream: zlib fails, not the CRC check
    path = tmp_path / "talks.jsonl.gz"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=r"cannot read .*talks\.jsonl\.gz: Error -3 while"):
        load_table(path)


def test_rows_past_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 10)
    path = tmp_path / "talks.jsonl"
    path.write_text("{}\n" * 8 + '{"title": "A"}\n\n\n{"title": "B"}\n')
    assert [t.title for t in load_table(path)] == ["A", "B"]  # blank lines are no rows
    path.write_text("{}\n" * 10 + '{"title": "A"}\n')
    with pytest.raises(SourceError, match=r"talks\.jsonl has more than 10 rows, the most"):
        load_table(path)


def test_many_talks_of_one_title_load_in_linear_time(tmp_path):
    path = tmp_path / "talks.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"title": "Keynote"}\n' * 20_000))
    started = time.perf_counter()
    corpus = load_table(path)
    assert time.perf_counter() - started < 10  # 41 s when each repeat tried every suffix from -2
    assert [t.id for t in corpus][:3] == ["keynote", "keynote-2", "keynote-3"]
    assert corpus.talks[-1].id == "keynote-20000"
    # Suffixes as before: the first free one, also when a made id was taken by another talk.
    ids = unique_ids(["a", "a", "a-2", "a", "b", "a-3", "a"])
    assert ids == ["a", "a-2", "a-2-2", "a-3", "b", "a-3-2", "a-4"]
