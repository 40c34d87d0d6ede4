"""Hand-written pages of a pretalx event (DemoCon 2031), as pretalx renders them."""

HEAD = '<meta charset="utf-8"><meta name="generator" content="pretalx">'
HEADER = "<header><h1><a href='/democon/'> DemoCon 2031 </a></h1></header>"


def talk_page(title: str, abstract: str, description: str, speaker: str, when: str) -> str:
    """A talk page of the event."""
    return f"""<!DOCTYPE html><html><head>{HEAD}<title>{title} :: DemoCon 2031 :: pretalx</title>
<link rel="stylesheet" href="/static/agenda/css/talk.css"></head><body>{HEADER}<article>
<h3 class="talk-title"><div class="heading-with-buttons"><span>{title}
<button class="btn" id="fav-button"><i class="fa fa-star"></i></button></span>
<div class="buttons"><a href="x.ics">.ical</a></div></div>
<small class="text-muted"><span class="timerange-block">{when}</span>, Main hall</small></h3>
<div class="talk row"><div class="talk-content"><section class="abstract"><p>{abstract}</p>
</section><hr><section class="description"><p>{description}</p></section></div></div>
<div class="pretalx-session"><div class="pretalx-session-info">
<div class="title"><a href="/democon/speaker/P1/">{speaker}</a></div>
<div class="abstract"><p>Speaker biography.</p></div></div></div></article></body></html>"""
