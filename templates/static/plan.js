/* The attendee's plan: save toggles on every page, and the "My plan" page.
 *
 * The saved talk ids are kept in localStorage, under a key naming the site's root URL (two
 * sites opened from file:// share one storage). Save buttons are made here, so a browser
 * without JavaScript shows none. On plan.html, plan/talks.js (topics/site/plan.py) gives each
 * talk's time, room and sparse topic mix: the page lists the saved talks by day, flags
 * overlaps, recommends the talks nearest (cosine) to the mean of the saved talks' mixes,
 * writes an iCalendar file (RFC 5545) and a share link (plan.html#ids=a.b.c). Every text
 * is set with textContent: no talk text is ever parsed as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL("..", script.src).href; // this file is <root>/static/plan.js
  var KEY = "topics-plan " + root;
  var ID = /^[a-z0-9-]{1,100}$/;
  var TALK_HREF = /(?:^|\/)talks\/([a-z0-9-]{1,100})\.html$/;
  var RECOMMENDED = 10; // recommendations shown
  var ALTERNATIVES = 5; // other talks shown for a clash
  var SHARED = 0.1; // a topic holding this share of two talks is one they share

  // Storage -------------------------------------------------------------------------------

  var memory = null; // when localStorage cannot be used (disabled, full)

  function readIds() {
    var raw = null;
    try {
      raw = window.localStorage.getItem(KEY);
    } catch (error) {
      raw = memory;
    }
    var ids = [];
    try {
      ids = JSON.parse(raw || "[]");
    } catch (error) {
      ids = [];
    }
    if (!Array.isArray(ids)) return [];
    return ids.filter(function (id, i) {
      return typeof id === "string" && ID.test(id) && ids.indexOf(id) === i;
    });
  }

  var listeners = [];

  function writeIds(ids) {
    var text = JSON.stringify(ids);
    try {
      window.localStorage.setItem(KEY, text);
    } catch (error) {
      memory = text;
    }
    changed();
  }

  function changed() {
    syncButtons();
    listeners.forEach(function (listener) {
      listener();
    });
  }

  var store = {
    ids: readIds,
    has: function (id) {
      return readIds().indexOf(id) >= 0;
    },
    toggle: function (id) {
      var ids = readIds();
      var at = ids.indexOf(id);
      if (at >= 0) ids.splice(at, 1);
      else ids.push(id);
      writeIds(ids);
      return at < 0;
    },
    add: function (more) {
      var ids = readIds();
      more.forEach(function (id) {
        if (ID.test(id) && ids.indexOf(id) < 0) ids.push(id);
      });
      writeIds(ids);
    },
    onChange: function (listener) {
      listeners.push(listener);
    },
    button: saveButton,
  };
  window.topicsPlanStore = store;
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) changed(); // saved in another tab
  });

  // Save buttons --------------------------------------------------------------------------

  function saveButton(id, title) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "save-toggle";
    button.dataset.saveId = id;
    var star = document.createElement("span");
    star.className = "save-star";
    star.setAttribute("aria-hidden", "true");
    button.appendChild(star);
    button.appendChild(document.createTextNode(" Save"));
    if (title) {
      var what = document.createElement("span");
      what.className = "visually-hidden";
      what.textContent = " \u201c" + title + "\u201d";
      button.appendChild(what);
    }
    button.addEventListener("click", function () {
      store.toggle(id);
    });
    setPressed(button, store.has(id));
    return button;
  }

  function setPressed(button, saved) {
    button.setAttribute("aria-pressed", saved ? "true" : "false");
    button.querySelector(".save-star").textContent = saved ? "\u2605" : "\u2606";
  }

  function syncButtons() {
    var ids = readIds();
    document.querySelectorAll("button.save-toggle").forEach(function (button) {
      setPressed(button, ids.indexOf(button.dataset.saveId) >= 0);
    });
  }

  function talkId(link) {
    var match = TALK_HREF.exec(new URL(link.href, document.baseURI).pathname);
    return match ? match[1] : null;
  }

  // A button in every item of a talk list (topic pages, similar talks, search results).
  function decorate(scope) {
    scope.querySelectorAll(".talk-list > li").forEach(function (item) {
      if (item.querySelector(".save-toggle")) return;
      var link = item.querySelector("a.talk-link");
      var id = link && talkId(link);
      if (id) item.appendChild(saveButton(id, link.textContent));
    });
  }

  function decorateTalkPage() {
    var article = document.querySelector("article[data-talk-id]");
    if (!article || article.querySelector(".save-toggle")) return;
    var id = article.dataset.talkId;
    var heading = article.querySelector("h1");
    if (!ID.test(id) || !heading) return;
    var row = document.createElement("p");
    row.className = "save-row";
    row.appendChild(saveButton(id, heading.textContent));
    var link = document.createElement("a");
    link.href = root + "plan.html";
    link.textContent = "My plan";
    row.appendChild(document.createTextNode(" "));
    row.appendChild(link);
    heading.insertAdjacentElement("afterend", row);
  }

  document.documentElement.classList.add("has-plan");
  decorateTalkPage();
  decorate(document);
  // Search results are made by search.js as the query changes.
  document.querySelectorAll(".search-results").forEach(function (list) {
    new MutationObserver(function () {
      decorate(list.parentNode);
    }).observe(list, { childList: true });
  });

  // The plan page --------------------------------------------------------------------------

  var page = document.querySelector("[data-plan]");
  var data = window.topicsPlan;
  if (!page || !data) return;
  page.hidden = false;

  var talks = data.talks.map(function (row, index) {
    var mix = row[8];
    var norm = 0;
    var sum = 0;
    for (var i = 1; i < mix.length; i += 2) {
      norm += mix[i] * mix[i];
      sum += mix[i];
    }
    return {
      index: index,
      id: row[0],
      title: row[1],
      speakers: row[2],
      start: row[3],
      end: row[4],
      zone: row[5] >= 0 ? data.zones[row[5]] : null,
      room: row[6],
      url: row[7] ? data.urlBase + row[7] : "",
      mix: mix,
      norm: Math.sqrt(norm),
      sum: sum,
      from: row[3] ? Date.parse(row[3]) : NaN,
      to: row[4] ? Date.parse(row[4]) : row[3] ? Date.parse(row[3]) : NaN,
    };
  });
  var byId = new Map(
    talks.map(function (talk) {
      return [talk.id, talk];
    })
  );
  var nTopics = data.topics.length;

  // Mean of the talks' topic mixes, each mix made to sum to 1 (a dense array).
  function meanMix(chosen) {
    var mean = new Float64Array(nTopics);
    var counted = 0;
    chosen.forEach(function (talk) {
      if (!talk.sum) return;
      counted++;
      for (var i = 0; i < talk.mix.length; i += 2) mean[talk.mix[i]] += talk.mix[i + 1] / talk.sum;
    });
    if (counted) for (var k = 0; k < nTopics; k++) mean[k] /= counted;
    return counted ? mean : null;
  }

  function cosine(mean, meanNorm, talk) {
    if (!talk.norm || !meanNorm) return 0;
    var dot = 0;
    for (var i = 0; i < talk.mix.length; i += 2) dot += mean[talk.mix[i]] * talk.mix[i + 1];
    return dot / (meanNorm * talk.norm);
  }

  function norm(vector) {
    var sum = 0;
    for (var k = 0; k < vector.length; k++) sum += vector[k] * vector[k];
    return Math.sqrt(sum);
  }

  // The talks nearest to ``mean``, best first (ties in programme order), among ``pool``.
  function nearest(mean, pool, count) {
    var meanNorm = norm(mean);
    return pool
      .map(function (talk) {
        return { talk: talk, score: cosine(mean, meanNorm, talk) };
      })
      .filter(function (hit) {
        return hit.score > 0;
      })
      .sort(function (a, b) {
        return b.score - a.score || a.talk.index - b.talk.index;
      })
      .slice(0, count);
  }

  function share(talk, topic) {
    for (var i = 0; i < talk.mix.length; i += 2)
      if (talk.mix[i] === topic) return talk.mix[i + 1] / talk.sum;
    return 0;
  }

  // Why a talk is recommended: the topic it shares with most saved talks.
  function reason(talk, saved, mean) {
    var best = null;
    for (var i = 0; i < talk.mix.length; i += 2) {
      var topic = talk.mix[i];
      var own = talk.mix[i + 1] / talk.sum;
      if (own < SHARED || !data.topics[topic][1]) continue;
      var count = saved.filter(function (other) {
        return share(other, topic) >= SHARED;
      }).length;
      var weight = own * mean[topic];
      if (count && (!best || count > best.count || (count === best.count && weight > best.weight)))
        best = { topic: topic, count: count, weight: weight };
    }
    if (!best) return "near the mix of topics of your plan";
    return (
      "shares " +
      data.topics[best.topic][1] +
      " with " +
      (best.count === 1 ? "1 of your talks" : best.count + " of your talks")
    );
  }

  // Times ---------------------------------------------------------------------------------

  var DAY = new Intl.DateTimeFormat("en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });

  // The local date and clock of an ISO date-time are its text: no time zone arithmetic.
  function dayOf(iso) {
    return iso.slice(0, 10);
  }

  function dayName(day) {
    var parts = day.split("-").map(Number);
    return DAY.format(new Date(Date.UTC(parts[0], parts[1] - 1, parts[2])));
  }

  function clock(iso) {
    return iso.slice(11, 16);
  }

  function span(talk) {
    if (!talk.start) return "";
    var text = clock(talk.start);
    if (talk.end) text += "\u2013" + (dayOf(talk.end) === dayOf(talk.start) ? clock(talk.end) : talk.end.slice(0, 16).replace("T", " "));
    return text;
  }

  function overlaps(a, b) {
    return (a.from < b.to && b.from < a.to) || a.from === b.from;
  }

  // Rendering -----------------------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function talkLink(talk) {
    var link = element("a", "talk-link", talk.title);
    link.href = root + "talks/" + talk.id + ".html";
    return link;
  }

  function about(talk, withDay) {
    var parts = [];
    if (talk.start) parts.push((withDay ? dayName(dayOf(talk.start)) + " " : "") + span(talk));
    if (talk.room) parts.push(talk.room);
    if (talk.speakers) parts.push(talk.speakers);
    return parts.join(" \u00b7 ");
  }

  function item(talk, extra, withDay) {
    var li = element("li");
    var entry = element("div", "entry");
    entry.appendChild(talkLink(talk));
    var line = about(talk, withDay);
    if (line) entry.appendChild(element("span", "speakers", line));
    if (extra) entry.appendChild(extra);
    li.appendChild(entry);
    li.appendChild(saveButton(talk.id, talk.title));
    return li;
  }

  function clashesOf(saved) {
    var timed = saved.filter(function (talk) {
      return talk.start;
    });
    var clashes = new Map();
    timed.forEach(function (a, i) {
      timed.slice(i + 1).forEach(function (b) {
        if (!overlaps(a, b)) return;
        if (!clashes.has(a.id)) clashes.set(a.id, []);
        if (!clashes.has(b.id)) clashes.set(b.id, []);
        clashes.get(a.id).push(b);
        clashes.get(b.id).push(a);
      });
    });
    return clashes;
  }

  // The other talks during ``talk`` and ``other``'s overlap, nearest to the rest of the plan.
  function alternatives(talk, other, saved) {
    var rest = saved.filter(function (t) {
      return t !== talk && t !== other;
    });
    var mean = meanMix(rest.length ? rest : [talk, other]);
    if (!mean) return [];
    var from = Math.max(talk.from, other.from);
    var to = Math.min(talk.to, other.to);
    var slot = { from: from, to: Math.max(to, from) };
    var pool = talks.filter(function (t) {
      return t.start && saved.indexOf(t) < 0 && overlaps(t, slot);
    });
    return nearest(mean, pool, ALTERNATIVES);
  }

  function clashNote(talk, others, saved) {
    var box = element("div", "clash");
    var names = others
      .map(function (other) {
        return "\u201c" + other.title + "\u201d";
      })
      .join(", ");
    var flag = element("p", "clash-flag");
    flag.appendChild(element("strong", "clash-badge", "Clash"));
    flag.appendChild(document.createTextNode(" overlaps " + names + "."));
    box.appendChild(flag);
    // The other talks of the slot are listed under the first talk of the pair only.
    var later = others.filter(function (other) {
      return other.from > talk.from || (other.from === talk.from && other.index > talk.index);
    });
    if (!later.length) return box;
    var hits = alternatives(talk, later[0], saved);
    if (hits.length) {
      box.appendChild(element("p", "muted", "Other talks at that time, nearest to the rest of your plan first:"));
      var list = element("ol", "talk-list clash-alternatives");
      hits.forEach(function (hit) {
        list.appendChild(item(hit.talk, null, false));
      });
      box.appendChild(list);
    }
    return box;
  }

  function renderSaved(saved) {
    var days = page.querySelector(".plan-days");
    var status = page.querySelector(".plan-status");
    days.textContent = "";
    var ids = store.ids();
    var missing = ids.length - saved.length;
    if (!saved.length) {
      status.textContent =
        "No talk saved yet: use the \u2606 Save button of a talk to add it here." +
        (missing ? " (" + missing + " saved talks are not on this site.)" : "");
      page.querySelector(".plan-actions").hidden = true;
      return;
    }
    var clashes = clashesOf(saved);
    var timed = saved.filter(function (talk) {
      return talk.start;
    });
    var pairs = 0;
    clashes.forEach(function (others) {
      pairs += others.length;
    });
    pairs /= 2;
    var text = saved.length === 1 ? "1 talk saved" : saved.length + " talks saved";
    if (!timed.length) text += ". This programme gives no times for them, so clashes cannot be checked.";
    else if (pairs) text += "; " + (pairs === 1 ? "1 clash" : pairs + " clashes") + " (talks that overlap).";
    else text += "; no clash.";
    var zones = new Set(
      timed.map(function (talk) {
        return talk.zone ? talk.zone[0] : "UTC" + talk.start.slice(19);
      })
    );
    if (zones.size === 1) text += " Times are in " + Array.from(zones)[0] + ".";
    if (timed.length && timed.length < saved.length)
      text += " " + (saved.length - timed.length) + " without a time are listed last.";
    if (missing) text += " " + missing + " saved talks are not on this site.";
    status.textContent = text;

    var groups = new Map();
    timed
      .slice()
      .sort(function (a, b) {
        return a.from - b.from || a.index - b.index;
      })
      .forEach(function (talk) {
        var day = dayOf(talk.start);
        if (!groups.has(day)) groups.set(day, []);
        groups.get(day).push(talk);
      });
    groups.forEach(function (dayTalks, day) {
      var section = element("section", "plan-day");
      var heading = element("h3", null, dayName(day));
      heading.id = "day-" + day;
      section.setAttribute("aria-labelledby", heading.id);
      section.appendChild(heading);
      var list = element("ol", "talk-list plan-list");
      dayTalks.forEach(function (talk) {
        var others = clashes.get(talk.id);
        var li = item(talk, others ? clashNote(talk, others, saved) : null, false);
        if (others) li.classList.add("has-clash");
        list.appendChild(li);
      });
      section.appendChild(list);
      days.appendChild(section);
    });
    var untimed = saved.filter(function (talk) {
      return !talk.start;
    });
    if (untimed.length) {
      var section = element("section", "plan-day");
      var heading = element("h3", null, "Without a time");
      heading.id = "day-none";
      section.setAttribute("aria-labelledby", heading.id);
      section.appendChild(heading);
      var list = element("ol", "talk-list plan-list");
      untimed.forEach(function (talk) {
        list.appendChild(item(talk, null, false));
      });
      section.appendChild(list);
      days.appendChild(section);
    }
    page.querySelector(".plan-actions").hidden = false;
    var note = page.querySelector(".plan-ics-note");
    note.textContent = untimed.length
      ? untimed.length + " of your talks without a time are left out of the calendar."
      : "";
    page.querySelector(".plan-ics").disabled = !timed.length;
    page.querySelector(".plan-share").value = shareLink(saved);
  }

  function renderRecommended(saved) {
    var section = page.querySelector(".plan-recommended");
    var list = section.querySelector(".plan-recommendations");
    list.textContent = "";
    var mean = meanMix(saved);
    if (!mean) {
      section.hidden = true;
      return;
    }
    var pool = talks.filter(function (talk) {
      return saved.indexOf(talk) < 0;
    });
    var hits = nearest(mean, pool, RECOMMENDED);
    hits.forEach(function (hit) {
      var why = element("span", "plan-reason", reason(hit.talk, saved, mean));
      var li = item(hit.talk, why, true);
      li.dataset.score = hit.score.toFixed(6);
      li.dataset.talkId = hit.talk.id;
      list.appendChild(li);
    });
    section.hidden = !hits.length;
  }

  // Re-rendering replaces the buttons: the one that had the focus gives it to its
  // replacement (same talk, same section), else to the section's heading.
  function render() {
    var active = document.activeElement;
    var focusId = active && active.dataset ? active.dataset.saveId : null;
    var where = focusId && active.closest("section") ? active.closest("section").className : "";
    renderAll();
    if (!focusId || document.contains(active)) return;
    var buttons = Array.from(page.querySelectorAll("button.save-toggle")).filter(function (b) {
      return b.dataset.saveId === focusId;
    });
    var same = buttons.filter(function (b) {
      return b.closest("section") && b.closest("section").className === where;
    });
    var next = same[0] || buttons[0];
    if (!next) {
      next = page.querySelector("#saved-heading");
      next.tabIndex = -1;
    }
    next.focus();
  }

  function renderAll() {
    var saved = store
      .ids()
      .map(function (id) {
        return byId.get(id);
      })
      .filter(Boolean);
    renderSaved(saved);
    renderRecommended(saved);
  }

  // Sharing -------------------------------------------------------------------------------

  function shareLink(saved) {
    var ids = saved.map(function (talk) {
      return talk.id;
    });
    return new URL("plan.html#ids=" + ids.join("."), root).href;
  }

  function sharedIds() {
    var match = /^#ids=([a-z0-9.-]*)$/.exec(window.location.hash);
    if (!match) return [];
    return match[1].split(".").filter(function (id, i, all) {
      return byId.has(id) && all.indexOf(id) === i;
    });
  }

  function renderImport() {
    var section = page.querySelector(".plan-import");
    var ids = sharedIds();
    var mine = store.ids();
    var fresh = ids.filter(function (id) {
      return mine.indexOf(id) < 0;
    });
    section.hidden = !ids.length;
    if (!ids.length) return;
    var list = section.querySelector(".plan-import-list");
    list.textContent = "";
    ids.forEach(function (id) {
      var talk = byId.get(id);
      var li = element("li");
      var entry = element("div", "entry");
      entry.appendChild(talkLink(talk));
      var line = about(talk, true);
      if (line) entry.appendChild(element("span", "speakers", line));
      li.appendChild(entry);
      list.appendChild(li);
    });
    var button = section.querySelector("[data-plan-import]");
    button.hidden = !fresh.length;
    section.querySelector(".plan-import-status").textContent = fresh.length
      ? "This link holds " +
        (ids.length === 1 ? "1 talk" : ids.length + " talks") +
        (fresh.length < ids.length ? ", " + fresh.length + " of them not in your plan yet." : ".")
      : "Every talk of this link is in your plan.";
  }

  page.querySelector("[data-plan-import]").addEventListener("click", function () {
    store.add(sharedIds());
    renderImport();
    page.querySelector("#saved-heading").scrollIntoView();
  });
  window.addEventListener("hashchange", renderImport);

  // iCalendar (RFC 5545) ------------------------------------------------------------------

  var encoder = new TextEncoder();

  // TEXT values: backslash, semicolon, comma and line breaks escaped (section 3.3.11).
  function escapeText(text) {
    return String(text)
      .replace(/\\/g, "\\\\")
      .replace(/;/g, "\\;")
      .replace(/,/g, "\\,")
      .replace(/\r\n|\r|\n/g, "\\n");
  }

  // Lines longer than 75 octets folded: CRLF and a space, never inside a UTF-8 character.
  function fold(line) {
    var out = [];
    var current = "";
    var size = 0;
    Array.from(line).forEach(function (character) {
      var bytes = encoder.encode(character).length;
      if (size + bytes > (out.length ? 74 : 75)) {
        out.push(current);
        current = "";
        size = 0;
      }
      current += character;
      size += bytes;
    });
    out.push(current);
    return out.join("\r\n ");
  }

  function localStamp(iso) {
    return iso.slice(0, 19).replace(/[-:]/g, "");
  }

  function utcStamp(milliseconds) {
    return new Date(milliseconds).toISOString().slice(0, 19).replace(/[-:]/g, "") + "Z";
  }

  function when(name, talk, iso, milliseconds) {
    if (talk.zone) return name + ";TZID=" + talk.zone[0] + ":" + localStamp(iso);
    return name + ":" + utcStamp(milliseconds);
  }

  function calendar(saved) {
    var domain = (page.dataset.siteTitle || "topics").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "topics";
    var timed = saved
      .filter(function (talk) {
        return talk.start;
      })
      .sort(function (a, b) {
        return a.from - b.from || a.index - b.index;
      });
    var lines = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//topics//My plan//EN",
      "CALSCALE:GREGORIAN",
      "X-WR-CALNAME:" + escapeText("My plan \u00b7 " + (page.dataset.siteTitle || "")),
    ];
    var zones = new Set();
    timed.forEach(function (talk) {
      if (talk.zone && !zones.has(talk.zone[0])) {
        zones.add(talk.zone[0]);
        lines = lines.concat(talk.zone[1].split("\r\n"));
      }
    });
    var stamp = utcStamp(Date.now());
    timed.forEach(function (talk) {
      var page = talk.url || (/^https?:/.test(root) ? root + "talks/" + talk.id + ".html" : "");
      var description = [talk.speakers, page].filter(Boolean).join("\n\n");
      lines.push("BEGIN:VEVENT");
      lines.push("UID:" + talk.id + "@" + domain + ".topics.invalid");
      lines.push("DTSTAMP:" + stamp);
      lines.push(when("DTSTART", talk, talk.start, talk.from));
      if (talk.end) lines.push(when("DTEND", talk, talk.end, talk.to));
      lines.push("SUMMARY:" + escapeText(talk.title));
      if (talk.room) lines.push("LOCATION:" + escapeText(talk.room));
      if (description) lines.push("DESCRIPTION:" + escapeText(description));
      if (page) lines.push("URL:" + page);
      lines.push("END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(fold).join("\r\n") + "\r\n";
  }

  page.querySelector("[data-plan-ics]").classList.add("plan-ics");
  page.querySelector("[data-plan-ics]").addEventListener("click", function () {
    var saved = store
      .ids()
      .map(function (id) {
        return byId.get(id);
      })
      .filter(Boolean);
    var blob = new Blob([calendar(saved)], { type: "text/calendar;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "plan.ics";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
    }, 60000);
  });

  store.onChange(render);
  render();
  renderImport();
  window.topicsPlanPage = { calendar: calendar, talks: talks, meanMix: meanMix, nearest: nearest };
})();
