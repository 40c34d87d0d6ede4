/* Full-text search of the talks, in the browser, from the index the build wrote.
 *
 * Nothing loads until the search box is used (focused, pointed at or typed in): then
 * search/manifest.js, the vendored MiniSearch and the index are added as <script> elements
 * (not fetch(), which Chromium refuses for file:// pages), and MiniSearch.loadJS turns
 * them into a searchable index. A large site's index is split (topics/search_index.py):
 * each query then loads only the term shards it needs, and the talks of the results. Every result is built with
 * DOM methods and textContent: no talk text is ever parsed as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL("..", script.src).href; // this file is <root>/static/search.js
  var LIMIT = 50;
  var loading = null;
  var indexes = [];
  var manifest = null;

  function addScript(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = function () {
        reject(new Error("could not load " + src));
      };
      document.head.appendChild(element);
    });
  }

  function options() {
    var stop = new Set(manifest.stopWords);
    return {
      fields: manifest.fields,
      storeFields: ["t", "s", "e", "k"],
      processTerm: function (term) {
        var lower = term.toLowerCase();
        return lower && !stop.has(lower) ? lower : null;
      },
    };
  }

  // Loads the manifest and MiniSearch; a single-shard index is loaded whole, a split one
  // (manifest.base) only its base: its term shards come with the queries that need them.
  function load() {
    if (loading) return loading;
    loading = Promise.all([
      window.topicsSearchManifest ? null : addScript(root + "search/manifest.js"),
      window.MiniSearch ? null : addScript(root + "static/vendor/minisearch.js"),
    ])
      .then(function () {
        manifest = window.topicsSearchManifest;
        if (manifest.base) return window.topicsSearchBase ? null : addScript(root + manifest.base);
        return Promise.all(
          manifest.shards.map(function (shard) {
            var loaded = window.topicsSearchShards && window.topicsSearchShards[shard.id];
            return loaded ? null : addScript(root + shard.file);
          })
        );
      })
      .then(function () {
        if (manifest.base) return;
        indexes = manifest.shards.map(function (shard) {
          return window.MiniSearch.loadJS(window.topicsSearchShards[shard.id], options());
        });
      });
    return loading;
  }

  // Split index: the terms of a query, cut and processed as the index's terms were.
  var SEPARATORS = /[\n\r\p{Z}\p{P}]+/u;
  var split = { shards: [], index: null, key: "" };

  function neededShards(query) {
    var stop = new Set(manifest.stopWords);
    var terms = query
      .split(SEPARATORS)
      .map(function (t) {
        return t.toLowerCase();
      })
      .filter(function (t) {
        return t && !stop.has(t);
      });
    var ranges = terms.map(function (term, i) {
      if (i === terms.length - 1 && term.length >= 2) return [term, term + "\uffff"];
      if (term.length >= 5) return [term.slice(0, 2), term.slice(0, 2) + "\uffff"];
      return [term, term];
    });
    return manifest.shards.filter(function (shard) {
      return ranges.some(function (r) {
        return shard.first <= r[1] && r[0] <= shard.last;
      });
    });
  }

  function loadShards(shards) {
    var known = window.topicsSearchShards || {};
    return Promise.all(
      shards.map(function (shard) {
        return known[shard.id] ? null : addScript(root + shard.file);
      })
    ).then(function () {
      shards.forEach(function (shard) {
        if (split.shards.indexOf(shard.id) < 0) split.shards.push(shard.id);
      });
      var key = split.shards.slice().sort().join(",");
      if (key === split.key) return;
      var base = window.topicsSearchBase;
      var n = manifest.fields.length;
      if (!split.ids) {
        split.ids = {};
        split.lengths = {};
        for (var i = 0; i < base.count; i++) {
          split.ids[i] = i;
          split.lengths[i] = base.lengths.slice(n * i, n * i + n);
        }
      }
      var entries = [];
      split.shards.forEach(function (id) {
        entries = entries.concat(window.topicsSearchShards[id]);
      });
      var fieldIds = {};
      manifest.fields.forEach(function (name, i) {
        fieldIds[name] = i;
      });
      split.index = window.MiniSearch.loadJS(
        {
          documentCount: base.count,
          nextId: base.count,
          documentIds: split.ids,
          fieldIds: fieldIds,
          fieldLength: split.lengths,
          averageFieldLength: base.average,
          storedFields: {},
          dirtCount: 0,
          index: entries,
          serializationVersion: 2,
        },
        options()
      );
      split.key = key;
      indexes = [split.index];
    });
  }

  // Split index: the stored fields of the results shown, from their docs-<j>.js files.
  function loadStored(hits) {
    var stored = manifest.stored;
    var chunks = new Set(
      hits.slice(0, LIMIT).map(function (hit) {
        return Math.floor(hit.id / stored.size);
      })
    );
    var known = window.topicsSearchDocs || {};
    return Promise.all(
      Array.from(chunks).map(function (j) {
        return known[j] ? null : addScript(root + stored.file.replace("{}", j));
      })
    ).then(function () {
      return hits.map(function (hit) {
        var row = window.topicsSearchDocs[Math.floor(hit.id / stored.size)];
        var doc = row ? row[hit.id % stored.size] : null;
        if (!doc) return hit;
        return { id: doc[0], score: hit.score, t: doc[1], s: doc[2], e: doc[3], k: doc[4] };
      });
    });
  }

  // The hits of a query, once every file it needs is loaded (a Promise).
  function find(query) {
    if (!manifest.base) return Promise.resolve(search(query));
    return loadShards(neededShards(query)).then(function () {
      return loadStored(search(query));
    });
  }

  function search(query) {
    var options = {
      boost: manifest.boost,
      prefix: function (term, i, terms) {
        return i === terms.length - 1 && term.length >= 2;
      },
      fuzzy: function (term) {
        return term.length >= 5 ? 0.2 : false;
      },
      combineWith: "AND",
    };
    var merged = new Map();
    function collect(combineWith) {
      options.combineWith = combineWith;
      indexes.forEach(function (index) {
        index.search(query, options).forEach(function (hit) {
          var seen = merged.get(hit.id);
          if (seen) seen.score += hit.score;
          else merged.set(hit.id, hit);
        });
      });
    }
    collect("AND");
    if (!merged.size) collect("OR"); // no talk has every word: rank those with some
    return Array.from(merged.values()).sort(function (a, b) {
      return b.score - a.score || (a.id < b.id ? -1 : 1);
    });
  }

  function render(box, query, hits) {
    var list = box.querySelector(".search-results");
    var status = box.querySelector(".search-status");
    list.textContent = "";
    hits.slice(0, LIMIT).forEach(function (hit) {
      var item = document.createElement("li");
      var entry = document.createElement("div");
      entry.className = "entry";
      var link = document.createElement("a");
      link.className = "talk-link";
      link.href = root + "talks/" + hit.id + ".html";
      link.textContent = hit.t;
      entry.appendChild(link);
      var about = [hit.s, hit.e].filter(Boolean).join(" · ");
      if (about) {
        var line = document.createElement("span");
        line.className = "speakers";
        line.textContent = about;
        entry.appendChild(line);
      }
      item.appendChild(entry);
      list.appendChild(item);
    });
    list.hidden = hits.length === 0;
    if (!query) status.textContent = "";
    else if (!hits.length) status.textContent = "No talk matches “" + query + "”.";
    else
      status.textContent =
        (hits.length === 1 ? "1 talk" : hits.length + " talks") +
        " found" +
        (hits.length > LIMIT ? "; the best " + LIMIT + " are shown." : ".");
  }

  function run(box, input) {
    var query = input.value.trim();
    var started = performance.now();
    if (!query) {
      render(box, "", []);
      return;
    }
    var status = box.querySelector(".search-status");
    if (!indexes.length) status.textContent = "Loading the search index…";
    var searchStarted = 0;
    load()
      .then(function () {
        if (input.value.trim() !== query) return null; // typed on meanwhile
        searchStarted = performance.now();
        return find(query);
      })
      .then(
        function (hits) {
          if (!hits || input.value.trim() !== query) return;
          render(box, query, hits);
          var now = performance.now();
          var list = box.querySelector(".search-results");
          list.dataset.query = query;
          list.dataset.ms = (now - searchStarted).toFixed(2);
          window.topicsSearch.last = {
            query: query,
            count: hits.length,
            searchMs: now - searchStarted,
            totalMs: now - started,
          };
        },
        function (error) {
          status.textContent = "The search index could not be loaded.";
          throw error;
        }
      );
  }

  function setUp(box) {
    var input = box.querySelector(".search-input");
    var warm = function () {
      load().catch(function () {});
    };
    input.addEventListener("focus", warm);
    input.addEventListener("pointerenter", warm);
    input.addEventListener("input", function () {
      run(box, input);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        input.value = "";
        run(box, input);
      } else if (event.key === "ArrowDown" || event.key === "Enter") {
        var first = box.querySelector(".search-results a");
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    var asked = new URLSearchParams(window.location.search).get("q");
    if (asked) {
      input.value = asked;
      run(box, input);
    }
  }

  window.topicsSearch = { load: load, last: null };
  document.querySelectorAll("[data-search]").forEach(setUp);
})();
