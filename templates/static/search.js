/* Full-text search of the talks, in the browser, from the index the build wrote.
 *
 * Nothing loads until the search box is used (focused, pointed at or typed in): then
 * search/manifest.js, the vendored MiniSearch and the shards of the index are added as
 * <script> elements (not fetch(), which Chromium refuses for file:// pages), and
 * MiniSearch.loadJS turns each shard into a searchable index. Every result is built with
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

  function load() {
    if (loading) return loading;
    loading = Promise.all([
      window.topicsSearchManifest ? null : addScript(root + "search/manifest.js"),
      window.MiniSearch ? null : addScript(root + "static/vendor/minisearch.js"),
    ])
      .then(function () {
        manifest = window.topicsSearchManifest;
        // Every shard today ("terms": ["*"]); term-range shards would be picked per query.
        return Promise.all(
          manifest.shards.map(function (shard) {
            var loaded = window.topicsSearchShards && window.topicsSearchShards[shard.id];
            return loaded ? null : addScript(root + shard.file);
          })
        );
      })
      .then(function () {
        var stop = new Set(manifest.stopWords);
        var options = {
          fields: manifest.fields,
          storeFields: ["t", "s", "e", "k"],
          processTerm: function (term) {
            var lower = term.toLowerCase();
            return lower && !stop.has(lower) ? lower : null;
          },
        };
        indexes = manifest.shards.map(function (shard) {
          return window.MiniSearch.loadJS(window.topicsSearchShards[shard.id], options);
        });
      });
    return loading;
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
    load().then(
      function () {
        if (input.value.trim() !== query) return; // typed on meanwhile
        var searchStarted = performance.now();
        var hits = search(query);
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
