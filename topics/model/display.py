"""Rich display in Jupyter: the HTML of a corpus, a fitted model and a topic.

The objects' ``_repr_html_`` methods call these functions. Talk texts come from crawled
pages: the HTML is rendered by Jinja2 with autoescaping on, so a title holding markup
shows as text. Word clouds are embedded as ``data:`` PNG URLs, so a saved notebook shows
them without any file beside it.
"""

from __future__ import annotations

import base64
import io
from collections import Counter

from jinja2 import Environment, StrictUndefined

#: Talks listed in a corpus's summary, and in a topic's.
CORPUS_TALKS, TOPIC_TALKS = 10, 5

#: Size of a topic's word cloud thumbnail, in CSS pixels.
THUMBNAIL = (300, 150)

_STYLE = "border-collapse:collapse;text-align:left"

_TEMPLATES = {
    "corpus": """<div class="topics-corpus">
<strong>{{ title }}</strong>: {{ n_talks }} talks{% if events %} from {{ events }}{% endif %}
{%- if n_tracks %}, {{ n_tracks }} tracks{% endif %}{% if source %}
<br><small>source: {{ source }}</small>{% endif %}
<table style="{{ style }}"><thead><tr><th>title</th><th>speakers</th><th>event</th>
<th>id</th></tr></thead><tbody>
{%- for talk in talks %}
<tr><td>{{ talk.title }}</td><td>{{ talk.speakers }}</td><td>{{ talk.event }}</td>
<td><small><code>{{ talk.id }}</code></small></td></tr>
{%- endfor %}
</tbody></table>{% if more %}<small>… and {{ more }} more talks</small>{% endif %}
</div>""",
    "model": """<div class="topics-model">
<strong>{{ name }}</strong>: {{ n_topics }} topics in {{ n_talks }} talks
{%- if excluded %} ({{ n_excluded }} talks in other languages left out: {{ excluded }})
{%- endif %}
<br><small><code>{{ params }}</code></small>
<table style="{{ style }}"><thead><tr><th>topic</th><th>label</th><th>size</th>
<th>stability</th><th>top words</th></tr></thead><tbody>
{%- for row in rows %}
<tr><td>{{ row.topic }}</td><td>{{ row.label }}</td><td>{{ row.size }}</td>
<td>{{ row.stability }}</td><td>{{ row.words }}</td></tr>
{%- endfor %}
</tbody></table></div>""",
    "topic": """<div class="topics-topic">
<strong>Topic {{ index }}: {{ label }}</strong> · {{ size }} talks · stability {{ stability }}
<br><img src="data:image/png;base64,{{ png }}" width="{{ width }}" height="{{ height }}"
 alt="Word cloud of topic {{ index }}: {{ words }}">
<br><small>{{ words }}</small>
<ol>{% for talk in talks %}<li>{{ talk.title }}{% if talk.speakers %}
 <small>({{ talk.speakers }})</small>{% endif %}</li>{% endfor %}</ol>
</div>""",
}

_environment = Environment(autoescape=True, undefined=StrictUndefined)


def _render(template: str, **context) -> str:
    return _environment.from_string(_TEMPLATES[template]).render(style=_STYLE, **context)


def corpus_html(corpus) -> str:
    """HTML summary of a :class:`~topics.corpus.Corpus`: counts and its first talks.

    Returns
    -------
    str
        An HTML fragment; every text from the talks is escaped.
    """
    events = Counter(t.event for t in corpus if t.event)
    return _render(
        "corpus",
        title=corpus.title or "Corpus",
        n_talks=len(corpus),
        events=", ".join(f"{event} ({n})" for event, n in sorted(events.items())),
        n_tracks=len({t.track for t in corpus if t.track}),
        source=corpus.source,
        talks=[
            {"id": t.id, "title": t.title, "speakers": ", ".join(t.speakers), "event": t.event}
            for t in corpus.talks[:CORPUS_TALKS]
        ],
        more=max(0, len(corpus) - CORPUS_TALKS),
    )


def model_html(model) -> str:
    """HTML summary of a fitted :class:`~topics.model.TopicModel`: its topics as a table.

    Returns
    -------
    str
        An HTML fragment, one row per topic of ``model.topics_``.
    """
    excluded = ", ".join(f"{lang} {n}" for lang, n in model.excluded_languages_.items())
    params = ", ".join(f"{k}={v!r}" for k, v in model.get_params().items())
    return _render(
        "model",
        name=type(model).__name__,
        n_topics=model.n_components_,
        n_talks=len(model.corpus_),
        excluded=excluded,
        n_excluded=sum(model.excluded_languages_.values()),
        params=params,
        rows=[
            {
                "topic": topic,
                "label": row["label"],
                "size": row["size"],
                "stability": f"{row['stability']:.2f}",
                "words": row["top_words"],
            }
            for topic, row in model.topics_.iterrows()
        ],
    )


def topic_html(topic) -> str:
    """HTML of one :class:`~topics.model.Topic`: word cloud thumbnail, label, top talks.

    Returns
    -------
    str
        An HTML fragment; the thumbnail is an inline ``data:`` PNG.
    """
    width, height = THUMBNAIL
    buffer = io.BytesIO()
    topic.wordcloud(width, height).save(buffer, format="PNG", optimize=True)
    talks = topic.talks(TOPIC_TALKS)
    return _render(
        "topic",
        index=topic.index,
        label=topic.label,
        size=topic.size,
        stability=f"{topic.stability:.2f}",
        png=base64.b64encode(buffer.getvalue()).decode("ascii"),
        width=width,
        height=height,
        words=", ".join(word for word, _ in topic.top_words(10)),
        talks=[{"title": r.title, "speakers": r.speakers} for r in talks.itertuples()],
    )
