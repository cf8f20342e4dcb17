/**
 * The UI's page script, served at `/static/tspark-ui.js`: every
 * `data-refresh-ms` (on `<body>`; `?refresh=0` turns it off) it re-reads the
 * page's content, and it draws each chart (`.chart[data-api]`) with uPlot
 * from the REST API, writing how many points it drew in `data-points`
 * (`data-drawn="true"` once drawn), so a test can count them. A refresh
 * keeps each drawn chart (and its counts) in place until it is redrawn.
 *
 * A chart names its source and what to draw: `data-api` (a REST URL),
 * `data-source` (`batches`: the completed batches, one point each;
 * `receivers`: each receiver's event rates, one series per receiver),
 * `data-field` (`inputRate`, `schedulingDelay`, `processingTime`,
 * `totalDelay`) and `data-kind` (`timeline` or `histogram`).
 *
 * Mirrors Spark's `streaming-page.js` and `webui.js`.
 *
 * @since 0.1.0
 */

/**
 * The script's text (plain browser JavaScript, no build step).
 *
 * @category constants
 * @since 0.1.0
 */
export const uiScript = `"use strict";
(function () {
  // The drawn charts by element id: a refresh keeps each one shown (and its counts) until it is drawn again.
  var charts = {};

  function batchSeries(batches, field) {
    var done = batches.filter(function (b) { return b.status === "COMPLETED"; })
      .sort(function (a, b) { return a.batchId - b.batchId; });
    var xs = done.map(function (b) { return b.batchId / 1000; });
    var ys = done.map(function (b) {
      if (field === "inputRate") return b.batchDuration > 0 ? (b.inputSize * 1000) / b.batchDuration : 0;
      var v = b[field];
      return typeof v === "number" ? v : null;
    });
    return { xs: xs, series: [{ label: field, values: ys }], points: done.length };
  }

  function receiverSeries(receivers) {
    var times = {};
    receivers.forEach(function (r) { (r.eventRates || []).forEach(function (p) { times[p[0]] = true; }); });
    var xsMs = Object.keys(times).map(Number).sort(function (a, b) { return a - b; });
    var series = receivers.map(function (r) {
      var byTime = {};
      (r.eventRates || []).forEach(function (p) { byTime[p[0]] = p[1]; });
      return { label: r.streamName || ("stream " + r.streamId), values: xsMs.map(function (t) { return t in byTime ? byTime[t] : null; }) };
    });
    return { xs: xsMs.map(function (t) { return t / 1000; }), series: series, points: xsMs.length };
  }

  function histogram(values, bins) {
    var vs = values.filter(function (v) { return typeof v === "number"; });
    if (vs.length === 0) return { xs: [], series: [{ label: "batches", values: [] }], points: 0 };
    var min = Math.min.apply(null, vs), max = Math.max.apply(null, vs);
    var width = max > min ? (max - min) / bins : 1;
    var counts = [];
    for (var i = 0; i < bins; i++) counts.push(0);
    vs.forEach(function (v) { counts[Math.min(bins - 1, Math.floor((v - min) / width))]++; });
    return { xs: counts.map(function (_, i) { return min + i * width; }), series: [{ label: "batches", values: counts }], points: vs.length };
  }

  var COLORS = ["#e25a1c", "#3ea2d8", "#5cb85c", "#9b59b6", "#f0ad4e", "#555555"];

  function draw(el, data) {
    var kind = el.getAttribute("data-kind");
    var shaped = el.getAttribute("data-source") === "receivers"
      ? receiverSeries(data)
      : batchSeries(data, el.getAttribute("data-field"));
    if (kind === "histogram") shaped = histogram(shaped.series[0] ? shaped.series[0].values : [], 10);
    var width = Math.max(240, el.clientWidth || 480);
    var opts = {
      width: width,
      height: 170,
      legend: { show: shaped.series.length > 1 },
      scales: { x: { time: kind !== "histogram" } },
      series: [{}].concat(shaped.series.map(function (s, i) {
        var line = { label: s.label, stroke: COLORS[i % COLORS.length], width: 1.5, points: { show: kind !== "histogram" } };
        if (kind === "histogram" && window.uPlot.paths && window.uPlot.paths.bars) {
          line.paths = window.uPlot.paths.bars({ size: [0.9] });
          line.fill = COLORS[0] + "88";
        }
        return line;
      }))
    };
    if (charts[el.id]) charts[el.id].destroy();
    el.innerHTML = "";
    charts[el.id] = new window.uPlot(opts, [shaped.xs].concat(shaped.series.map(function (s) { return s.values; })), el);
    el.setAttribute("data-points", String(shaped.points));
    el.setAttribute("data-series", String(shaped.series.length));
    el.setAttribute("data-drawn", "true");
  }

  function drawCharts() {
    var els = document.querySelectorAll(".chart[data-api]");
    return Promise.all(Array.prototype.map.call(els, function (el) {
      return fetch(el.getAttribute("data-api"), { headers: { accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) { draw(el, data); })
        .catch(function (e) { el.setAttribute("data-error", String(e)); });
    }));
  }

  function refresh() {
    var url = new URL(location.href);
    url.searchParams.set("fragment", "content");
    return fetch(url.toString()).then(function (r) { return r.ok ? r.text() : null; }).then(function (text) {
      if (text === null) return;
      var content = document.getElementById("content");
      if (!content) return;
      var kept = {};
      Array.prototype.forEach.call(content.querySelectorAll(".chart[data-drawn]"), function (el) { kept[el.id] = el; });
      content.innerHTML = text;
      Array.prototype.forEach.call(content.querySelectorAll(".chart"), function (el) {
        var old = kept[el.id];
        if (!old) return;
        el.replaceWith(old);
        delete kept[el.id];
      });
      Object.keys(kept).forEach(function (id) { if (charts[id]) { charts[id].destroy(); delete charts[id]; } });
      return drawCharts();
    }).catch(function () { /* the application may have stopped: keep the page as it is */ });
  }

  function start() {
    drawCharts();
    var period = Number(document.body.getAttribute("data-refresh-ms") || "0");
    if (period > 0) {
      var tick = function () { refresh().then(function () { window.setTimeout(tick, period); }); };
      window.setTimeout(tick, period);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
`
