/* The map of talks: a canvas drawn from map/points.js (window.topicsMap), no library.
 *
 * Positions were computed at build time (topics/layout.py) in [0, 1] x [0, 1]. A grid of
 * buckets finds the dot under the pointer in constant time, so hovering stays smooth with
 * tens of thousands of talks. Hover (or focus and arrow keys) shows a title, a click opens
 * the talk; +/- zoom, dragging or the arrow keys move. Titles are set with textContent.
 * The tip holds the talk's save button (static/plan.js), reached by moving the pointer
 * onto the tip; S saves the talk under the pointer too. On a site with themes, the
 * legend's theme buttons highlight the talks of one theme (the others dimmed); pressing
 * the pressed one again shows all.
 */
(function () {
  "use strict";

  var data = window.topicsMap;
  var frame = document.querySelector("[data-map]");
  if (!data || !frame) return;
  var root = new URL("..", document.currentScript.src).href;
  var canvas = frame.querySelector("canvas");
  var tip = frame.querySelector(".map-tip");
  var context = canvas.getContext("2d");
  var talks = data.talks; // [x, y, topic index, id, title]
  var topics = data.topics;
  var GRID = 64;
  var HIT = 9; // CSS pixels around a dot that still count as pointing at it
  var view = { zoom: 1, x: 0, y: 0 }; // unit square origin shown at the top left corner
  var size = 0; // CSS pixels of the square canvas
  var hover = -1;
  var dpr = 1;
  var selected = -1; // the highlighted theme, -1 for none
  var themeButtons = document.querySelectorAll("[data-theme]");
  var themeLabels = Array.prototype.map.call(themeButtons, function (button) {
    return button.querySelector("span:not(.swatch):not(.muted)").textContent;
  });

  var buckets = new Map();
  talks.forEach(function (talk, i) {
    var key = bucketKey(Math.floor(talk[0] * GRID), Math.floor(talk[1] * GRID));
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key).push(i);
  });

  function bucketKey(gx, gy) {
    return gx * 4096 + gy;
  }

  function radius() {
    var base = Math.max(2.2, Math.min(6, 260 / Math.sqrt(talks.length + 1)));
    return base * Math.min(2.5, Math.sqrt(view.zoom));
  }

  function toScreen(x, y) {
    return [(x - view.x) * view.zoom * size, (y - view.y) * view.zoom * size];
  }

  function toUnit(px, py) {
    return [px / (view.zoom * size) + view.x, py / (view.zoom * size) + view.y];
  }

  function resize() {
    var width = frame.clientWidth;
    var height = Math.min(width, Math.max(320, window.innerHeight * 0.8));
    size = Math.min(width, height);
    dpr = window.devicePixelRatio || 1;
    canvas.style.width = size + "px";
    canvas.style.height = size + "px";
    canvas.width = Math.round(size * dpr);
    canvas.height = Math.round(size * dpr);
    draw();
  }

  // The dots are drawn once per view into an offscreen canvas; hovering only copies it
  // and rings one dot, so the pointer stays smooth with tens of thousands of talks.
  var base = document.createElement("canvas");
  var baseView = "";

  function drawBase() {
    base.width = canvas.width;
    base.height = canvas.height;
    var context = base.getContext("2d");
    context.setTransform(dpr, 0, 0, dpr, 0, 0);
    topics.forEach(function (topic) {
      var c = toScreen(topic.x, topic.y);
      context.beginPath();
      context.arc(c[0], c[1], topic.r * view.zoom * size + radius(), 0, 2 * Math.PI);
      context.fillStyle = topic.color + (lit(topic) ? "12" : "06");
      context.fill();
    });
    var r = radius();
    context.lineWidth = 0.75;
    context.strokeStyle = "#ffffff";
    // Dimmed talks first, so that the highlighted theme's are drawn over them.
    [false, true].forEach(function (pass) {
      context.globalAlpha = pass ? 1 : 0.15;
      talks.forEach(function (talk) {
        if (lit(topics[talk[2]]) !== pass) return;
        var p = toScreen(talk[0], talk[1]);
        if (p[0] < -r || p[1] < -r || p[0] > size + r || p[1] > size + r) return;
        context.beginPath();
        context.arc(p[0], p[1], r, 0, 2 * Math.PI);
        context.fillStyle = topics[talk[2]].color;
        context.fill();
        if (r > 2.5) context.stroke();
      });
    });
    context.globalAlpha = 1;
    // Each disc is marked with its topic's number (the legend beside the map names them).
    context.font = "700 12px system-ui, sans-serif";
    context.textAlign = "center";
    context.textBaseline = "middle";
    topics.forEach(function (topic) {
      if (topic.r * view.zoom * size < 14) return; // too small to carry a label: zoom in
      var c = toScreen(topic.x, topic.y - topic.r);
      var x = Math.max(14, Math.min(size - 14, c[0]));
      var y = Math.max(14, Math.min(size - 14, c[1]));
      context.beginPath();
      context.arc(x, y, 11, 0, 2 * Math.PI);
      context.fillStyle = "#ffffff";
      context.fill();
      context.lineWidth = 2;
      context.strokeStyle = topic.color;
      context.stroke();
      context.fillStyle = "#1c2430";
      context.fillText(String(topic.n), x, y + 0.5);
    });
  }

  function lit(topic) {
    return selected < 0 || topic.theme === selected;
  }

  function draw() {
    if (!canvas.width || !canvas.height) return; // hidden, or laid out at no width yet
    var key = [view.zoom, view.x, view.y, size, dpr, selected].join(" ");
    if (key !== baseView) {
      drawBase();
      baseView = key;
    }
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.drawImage(base, 0, 0);
    context.setTransform(dpr, 0, 0, dpr, 0, 0);
    var r = radius();
    if (hover >= 0) {
      var p = toScreen(talks[hover][0], talks[hover][1]);
      context.beginPath();
      context.arc(p[0], p[1], r + 4, 0, 2 * Math.PI);
      context.lineWidth = 2.5;
      context.strokeStyle = "#1c2430";
      context.stroke();
    }
  }

  function nearest(px, py) {
    var u = toUnit(px, py);
    var reach = (HIT + radius()) / (view.zoom * size);
    var best = -1;
    var bestDistance = Infinity;
    var gx0 = Math.floor((u[0] - reach) * GRID);
    var gx1 = Math.floor((u[0] + reach) * GRID);
    var gy0 = Math.floor((u[1] - reach) * GRID);
    var gy1 = Math.floor((u[1] + reach) * GRID);
    for (var gx = gx0; gx <= gx1; gx++) {
      for (var gy = gy0; gy <= gy1; gy++) {
        (buckets.get(bucketKey(gx, gy)) || []).forEach(function (i) {
          var dx = talks[i][0] - u[0];
          var dy = talks[i][1] - u[1];
          var distance = dx * dx + dy * dy;
          if (distance <= reach * reach && distance < bestDistance) {
            best = i;
            bestDistance = distance;
          }
        });
      }
    }
    return best;
  }

  function showTip(i) {
    if (i === hover) return;
    hover = i;
    draw();
    if (i < 0) {
      tip.hidden = true;
      canvas.style.cursor = "";
      return;
    }
    var talk = talks[i];
    var p = toScreen(talk[0], talk[1]);
    tip.textContent = "";
    var title = document.createElement("strong");
    title.textContent = talk[4];
    var topic = document.createElement("span");
    var theme = themeLabels[topics[talk[2]].theme];
    topic.textContent = topics[talk[2]].label + (theme ? " (" + theme + ")" : "");
    tip.appendChild(title);
    tip.appendChild(topic);
    if (window.topicsPlanStore) tip.appendChild(window.topicsPlanStore.button(talk[3], talk[4]));
    tip.hidden = false;
    var left = Math.max(0, Math.min(p[0] + 12, size - tip.offsetWidth));
    var top = p[1] + 14 + tip.offsetHeight > size ? p[1] - 14 - tip.offsetHeight : p[1] + 14;
    tip.style.left = left + "px";
    tip.style.top = Math.max(0, top) + "px";
    canvas.style.cursor = "pointer";
  }

  function open(i) {
    window.location.href = root + "talks/" + talks[i][3] + ".html";
  }

  function zoomAt(factor, px, py) {
    var before = toUnit(px, py);
    view.zoom = Math.max(1, Math.min(40, view.zoom * factor));
    var after = toUnit(px, py);
    view.x += before[0] - after[0];
    view.y += before[1] - after[1];
    clampView();
    hover = -1;
    tip.hidden = true;
    draw();
  }

  function clampView() {
    var span = 1 / view.zoom;
    view.x = Math.max(0, Math.min(1 - span, view.x));
    view.y = Math.max(0, Math.min(1 - span, view.y));
  }

  function pan(dx, dy) {
    view.x -= dx / (view.zoom * size);
    view.y -= dy / (view.zoom * size);
    clampView();
    draw();
  }

  function local(event) {
    var box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  var drag = null;
  canvas.addEventListener("pointerdown", function (event) {
    drag = { start: local(event), last: local(event), moved: false };
  });
  canvas.addEventListener("pointermove", function (event) {
    var p = local(event);
    if (drag && event.buttons) {
      if (Math.abs(p[0] - drag.start[0]) + Math.abs(p[1] - drag.start[1]) > 4) drag.moved = true;
      if (drag.moved) {
        pan(p[0] - drag.last[0], p[1] - drag.last[1]);
        drag.last = p;
        return;
      }
    }
    showTip(nearest(p[0], p[1]));
  });
  canvas.addEventListener("pointerleave", function (event) {
    if (event.relatedTarget && tip.contains(event.relatedTarget)) return; // onto its button
    showTip(-1);
  });
  tip.addEventListener("pointerout", function (event) {
    var to = event.relatedTarget;
    if (to !== canvas && !(to && tip.contains(to))) showTip(-1);
  });
  canvas.addEventListener("click", function (event) {
    var moved = drag && drag.moved;
    drag = null;
    if (moved) return;
    var p = local(event);
    var i = nearest(p[0], p[1]);
    if (i >= 0) open(i);
  });
  canvas.addEventListener(
    "wheel",
    function (event) {
      event.preventDefault();
      var p = local(event);
      zoomAt(event.deltaY < 0 ? 1.25 : 0.8, p[0], p[1]);
    },
    { passive: false }
  );
  canvas.addEventListener("keydown", function (event) {
    var step = 40;
    var moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[event.key]) {
      event.preventDefault();
      pan(moves[event.key][0], moves[event.key][1]);
    } else if (event.key === "+" || event.key === "=") {
      zoomAt(1.25, size / 2, size / 2);
    } else if (event.key === "-") {
      zoomAt(0.8, size / 2, size / 2);
    } else if (event.key === "Enter" && hover >= 0) {
      open(hover);
    } else if ((event.key === "s" || event.key === "S") && hover >= 0 && window.topicsPlanStore) {
      window.topicsPlanStore.toggle(talks[hover][3]);
    }
  });
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var kind = button.getAttribute("data-zoom");
      if (kind === "reset") {
        view = { zoom: 1, x: 0, y: 0 };
        draw();
      } else {
        zoomAt(kind === "in" ? 1.5 : 1 / 1.5, size / 2, size / 2);
      }
    });
  });
  themeButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      var theme = Number(button.getAttribute("data-theme"));
      selected = selected === theme ? -1 : theme;
      themeButtons.forEach(function (other) {
        other.setAttribute("aria-pressed", String(Number(other.getAttribute("data-theme")) === selected));
      });
      draw();
      // On a phone the legend is under the map: bring the map into view to show the change.
      var box = canvas.getBoundingClientRect();
      if (box.bottom < 0 || box.top > window.innerHeight) canvas.scrollIntoView({ block: "center" });
    });
  });
  window.addEventListener("resize", resize);
  resize();

  window.topicsMapView = {
    talks: talks,
    /* Where talk i is drawn, in CSS pixels from the canvas's top left corner. */
    screenPosition: function (i) {
      var p = toScreen(talks[i][0], talks[i][1]);
      return { x: p[0], y: p[1] };
    },
    nearest: nearest,
    /* The highlighted theme (-1: none) and whether talk i is drawn highlighted. */
    selectedTheme: function () {
      return selected;
    },
    isLit: function (i) {
      return lit(topics[talks[i][2]]);
    },
  };
})();
