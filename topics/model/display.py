"""Rich display in Jupyter: the HTML of a fitted model and of a topic.

The objects' ``_repr_html_`` methods call these functions. Talk texts come from crawled
pages: the HTML is rendered by Jinja2 with autoescaping on, so a title holding markup
shows as text. Word clouds are embedded as ``data:`` PNG URLs, so a saved notebook shows
them without any file beside it.
"""

from __future__ import annotations

import base64
import io

from jinja2 import Environment, StrictUndefined

from ..corpus import TABLE_STYLE

#: Talks listed in a topic's summary.
TOPIC_TALKS = 5

#: Size a topic's word cloud (the site's image, same layout) is shown at, in CSS pixels.
THUMBNAIL = (300, 150)


_TEMPLATES = {
    "model": """<div class="topics-model">
<strong>{{ name }}</strong>: {{ n_topics }} topics in {{ n_talks }} talks
{%- if excluded %} ({{ n_excluded }} talks in other languages left out: {{ excluded }})
{%- endif %}
<br><small><code>{{ params }}</code></small>
{%- if themes %}
<br>{{ themes|length }} themes over the topics:
<table style="{{ style }}"><thead><tr><th>theme</th><th>label</th><th>topics</th>
<th>size</th><th>top words</th></tr></thead><tbody>
{%- for row in themes %}
<tr><td>{{ row.theme }}</td><td>{{ row.label }}</td><td>{{ row.topics }}</td>
<td>{{ row.size }}</td><td>{{ row.words }}</td></tr>
{%- endfor %}
</tbody></table>
{%- endif %}
<table style="{{ style }}"><thead><tr><th>topic</th><th>label</th><th>size</th>
<th>stability</th>{% if themes %}<th>theme</th>{% endif %}<th>top words</th></tr></thead><tbody>
{%- for row in rows %}
<tr><td>{{ row.topic }}</td><td>{{ row.label }}</td><td>{{ row.size }}</td>
<td>{{ row.stability }}</td>{% if themes %}<td>{{ row.theme }}</td>{% endif %}
<td>{{ row.words }}</td></tr>
{%- endfor %}
</tbody></table></div>""",
    "topic": """<div class="topics-topic">
<strong>Topic {{ number }}: {{ label }}</strong> · {{ size }} talks · stability {{ stability }}
<br><img src="data:image/png;base64,{{ png }}" width="{{ width }}" height="{{ height }}"
 alt="Word cloud of topic {{ number }}: {{ words }}">
<br><small>{{ words }}</small>
<ol>{% for talk in talks %}<li>{{ talk.title }}{% if talk.speakers %}
 <small>({{ talk.speakers }})</small>{% endif %}</li>{% endfor %}</ol>
</div>""",
}

_environment = Environment(autoescape=True, undefined=StrictUndefined)


def _render(template: str, **context) -> str:
    return _environment.from_string(_TEMPLATES[template]).render(style=TABLE_STYLE, **context)


def model_html(model) -> str:
    """HTML summary of a fitted :class:`~topics.model.TopicModel`: its themes (when it has
    any) and its topics as tables.

    Returns
    -------
    str
        An HTML fragment: one row per theme of ``model.themes_``, then one per topic of
        ``model.topics_``.
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
        themes=[
            {
                "theme": theme,
                "label": row["label"],
                "topics": ", ".join(map(str, row["topics"])),
                "size": row["size"],
                "words": row["top_words"],
            }
            for theme, row in model.themes_.iterrows()
        ],
        rows=[
            {
                "topic": topic,
                "label": row["label"],
                "size": row["size"],
                "stability": f"{row['stability']:.2f}",
                "words": row["top_words"],
                "theme": row["theme"],
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
    topic.wordcloud().save(buffer, format="PNG", optimize=True)  # the site's, shown smaller
    talks = topic.talks(TOPIC_TALKS)
    return _render(
        "topic",
        number=topic.number,
        label=topic.label,
        size=topic.size,
        stability=f"{topic.stability:.2f}",
        png=base64.b64encode(buffer.getvalue()).decode("ascii"),
        width=width,
        height=height,
        words=", ".join(word for word, _ in topic.top_words(10)),
        talks=[{"title": r.title, "speakers": r.speakers} for r in talks.itertuples()],
    )
