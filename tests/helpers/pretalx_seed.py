"""Seed a pretalx database with a real programme, through pretalx's own Django ORM.

Runs inside pretalx's virtual environment (never imported by the tests)::

    PRETALX_DATA_DIR=DIR python tests/helpers/pretalx_seed.py EVENT_FOLDER SLUG

``EVENT_FOLDER`` is a pyvideo event folder (``category.json`` + ``videos/*.json``,
https://github.com/pyvideo/data#json-schema), such as ``../shared/data/pyvideo/
europython-2016``. Every video becomes a confirmed talk (title; speakers; the pyvideo
description split at its first ``-----`` line into pretalx's abstract and description,
as EuroPython's talk pages had them), scheduled back to back in three rooms over five
days, and the
schedule is released as version ``1.0``: the event is public with a published schedule,
as a conference's pretalx is once its programme is out. The database must be migrated
(``python -m pretalx migrate``) first. Prints one JSON line: the event slug and the
number of talks.

Written against pretalx 2025.2 (models ``Event``, ``Submission``, ``TalkSlot``,
``Schedule.freeze``; https://docs.pretalx.org/developer/).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretalx.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402
from pretalx.event.models import Event  # noqa: E402
from pretalx.event.utils import create_organiser_with_team  # noqa: E402
from pretalx.person.models import SpeakerProfile, User  # noqa: E402
from pretalx.schedule.models import Room  # noqa: E402
from pretalx.submission.models import Submission, SubmissionType  # noqa: E402

ROOMS = ("Anfiteatro 1", "Sala Tripod", "A2")
FIRST_DAY = dt.date(2016, 7, 18)
N_DAYS = 5
SLOT = dt.timedelta(minutes=30)
DAY_START = dt.time(9, 0)
SLOTS_PER_DAY = 16  # 09:00 to 17:00


def split(text: str) -> tuple[str, str, str]:
    """``(abstract, rule, description)``: the text around its first ``-----`` line."""
    match = re.search(r"\n\s*-{4,}\s*\n", text)
    if not match:
        return text.strip(), "", ""
    return text[: match.start()].strip(), match.group(), text[match.end() :].strip()


def seed(folder: Path, slug: str) -> dict:
    category = json.loads((folder / "category.json").read_text(encoding="utf-8"))
    videos = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((folder / "videos").glob("*.json"))
    ]
    tz = ZoneInfo("Europe/Madrid")
    with scopes_disabled(), transaction.atomic():
        organiser, team = create_organiser_with_team(
            name=category["title"], slug=f"{slug}org", users=[]
        )
        event = Event.objects.create(
            name=category["title"],
            slug=slug,
            organiser=organiser,
            is_public=True,
            date_from=FIRST_DAY,
            date_to=FIRST_DAY + dt.timedelta(days=N_DAYS - 1),
            timezone=str(tz),
            email="programme@example.org",
            locale_array="en",
            locale="en",
        )
    with scope(event=event), transaction.atomic():
        event.build_initial_data()
        team.limit_events.add(event)
        talk_type = SubmissionType.objects.create(event=event, name="Talk 30", default_duration=30)
        rooms = [
            Room.objects.create(event=event, name=name, position=n) for n, name in enumerate(ROOMS)
        ]
        users: dict[str, User] = {}
        for number, video in enumerate(videos):
            abstract, _, description = split(video.get("description") or "")
            submission = Submission.objects.create(
                event=event,
                title=video["title"][:200],
                submission_type=talk_type,
                abstract=abstract,
                description=description,
                content_locale="en",
                state="confirmed",
            )
            for name in video.get("speakers") or ():
                if name not in users:
                    user = User.objects.create_user(
                        name=name, email=f"speaker{len(users)}@example.org"
                    )
                    SpeakerProfile.objects.create(user=user, event=event, biography="")
                    users[name] = user
                submission.speakers.add(users[name])
            submission.update_talk_slots()
            slot = submission.slots.get(schedule=event.wip_schedule)
            room = rooms[number % len(rooms)]
            index = number // len(rooms)
            day = FIRST_DAY + dt.timedelta(days=(index // SLOTS_PER_DAY) % N_DAYS)
            start = dt.datetime.combine(day, DAY_START, tzinfo=tz) + SLOT * (index % SLOTS_PER_DAY)
            slot.start, slot.end, slot.room = start, start + SLOT, room
            slot.save()
        event.wip_schedule.freeze("1.0", notify_speakers=False)
    return {"event": slug, "talks": len(videos), "speakers": len(users)}


if __name__ == "__main__":
    print(json.dumps(seed(Path(sys.argv[1]), sys.argv[2])))
