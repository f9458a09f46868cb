"use strict";
// All data comes from the JSON block and is written with textContent/setAttribute only:
// crawled titles and quotes are never parsed as HTML.
(function () {
  var D = JSON.parse(document.getElementById("map-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var state = { column: D.columnLayer, source: "", type: "", from: "", to: "", setting: "", undated: "in" };
  var selected = null;

  // A paged map (large corpora) holds per document only what counting and filtering need
  // (D.compact); titles, urls and quotes come from D.top (the best documents of every cell) and
  // from side files next to the page, loaded a chunk at a time by a script element
  // (browsers refuse fetch() of file:// URLs).  A small map holds every document in D.docs.
  if (D.compact) {
    var C = D.compact;
    D.docs = C.docs.map(function (r) {
      var d = { id: r[0], year: r[1], source: C.sources[r[2]], type: C.types[r[3]], evidence: C.evidence[r[4]],
                research: !!(r[5] & 1), kamervraag: !!(r[5] & 2), effect: !!(r[5] & 4), codes: {}, more: {},
                loaded: false };
      C.layers.forEach(function (layer, k) {
        d.codes[layer] = {};
        r[6 + k].forEach(function (i) { d.codes[layer][D.layers[layer][i]] = []; });
      });
      return d;
    });
  }
  var byId = {};
  D.docs.forEach(function (d, i) { byId[d.id] = d; d.pos = i; if (d.loaded === undefined) { d.loaded = true; } });
  function merge(detail) {
    var d = byId[detail.id];
    if (!d) { return; }
    ["title", "url", "rawUrl", "codes", "more"].forEach(function (k) { d[k] = detail[k]; });
    d.loaded = true;
  }
  var chunkState = {}, waiting = [];
  function flush() {
    waiting = waiting.filter(function (w) {
      var states = w.chunks.map(function (k) { return chunkState[k]; });
      if (states.indexOf("loading") >= 0) { return true; }
      w.done(states.every(function (s) { return s === "done"; }));
      return false;
    });
  }
  window.gapmapChunk = function (k, docs) {
    if (!D.paged || typeof k !== "number" || !Array.isArray(docs)) { return; }
    docs.forEach(merge);
    chunkState[k] = "done";
    flush();
  };
  function loadChunk(k) {
    if (chunkState[k]) { return; }
    chunkState[k] = "loading";
    var s = document.createElement("script");
    s.src = encodeURIComponent(D.paged.dir) + "/docs-" + String(100000 + k).slice(1) + ".js";
    s.onerror = function () { chunkState[k] = "failed"; flush(); };
    document.head.appendChild(s);
  }
  // Calls done(ok) when every document in docs has its details (at once when they all have).
  function withDetails(docs, done) {
    var need = {};
    docs.forEach(function (d) { if (!d.loaded) { need[Math.floor(d.pos / D.paged.chunkSize)] = 1; } });
    var chunks = Object.keys(need).map(Number);
    if (!chunks.length) { done(true); return; }
    waiting.push({ chunks: chunks, done: done });
    chunks.forEach(loadChunk);
    flush();
  }
  // Best-evidenced first, as the page's embedded quotes were chosen: effect studies, research,
  // other documents, Kamervragen; then by id.
  function rank(d) { return d.research ? (d.effect ? 0 : 1) : (d.kamervraag ? 3 : 2); }
  function byRank(a, b) { return rank(a) - rank(b) || a.id - b.id; }
  // UI text in the configured language (D.text) with {name} placeholders.
  function T(key, params) {
    var s = String(D.text[key]);
    Object.keys(params || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(params[k])); });
    return s;
  }
  function name(layer, label) { return (D.names[layer] && D.names[layer][label]) || pretty(label); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function pretty(label) { return String(label).replace(/_/g, " "); }
  function uniq(values) {
    var seen = {}, out = [];
    values.forEach(function (v) { if (v !== null && v !== "" && !seen[v]) { seen[v] = 1; out.push(v); } });
    return out.sort();
  }
  function matrixName() { return D.rowLayer + " x " + state.column; }

  function selectedDocs() {
    return D.docs.filter(function (d) {
      if (state.source && d.source !== state.source) { return false; }
      if (state.type && d.type !== state.type) { return false; }
      // Documents without a year ("onbekend") follow their own switch, not the year range.
      if (d.year === null && state.undated !== "in") { return false; }
      if (state.from && d.year !== null && d.year < +state.from) { return false; }
      if (state.to && d.year !== null && d.year > +state.to) { return false; }
      if (state.setting && !(d.codes.setting && d.codes.setting[state.setting])) { return false; }
      return true;
    });
  }

  function cellDocs(docs, row, col) {
    return docs.filter(function (d) {
      return d.codes[D.rowLayer] && d.codes[D.rowLayer][row] && d.codes[state.column] && d.codes[state.column][col];
    });
  }

  // The one gap rule of `miner gaps` (miner.gaps.analysis.classify_counts), applied to the
  // documents in view, with or without filters.
  function gapOf(row, col, docs) {
    var rule = D.gapRule, n = docs.length;
    var research = docs.filter(function (d) { return d.research; }).length;
    var effect = docs.filter(function (d) { return d.research && d.effect; }).length;
    if (n === 0 && rule.minResearch > 0) { return { gap: true, kind: "empty", reason: T("reason_empty") }; }
    if (research === 0 && rule.minResearch > 0) { return { gap: true, kind: "no_research", reason: T("reason_policy", { n: n }) }; }
    if (research < rule.minResearch) { return { gap: true, kind: "thin", reason: T("reason_thin", { r: research, min: rule.minResearch }) }; }
    if (rule.requireEffect && effect === 0) { return { gap: true, kind: "no_effect_study", reason: T("reason_no_effect", { r: research }) }; }
    return { gap: false, kind: null, reason: T("no_gap", { r: research }) };
  }

  function buildControls() {
    var box = document.getElementById("controls");
    box.textContent = "";
    function select(name, label, options, value, onChange) {
      var wrap = el("label", null, label);
      var s = el("select", { id: "filter-" + name, name: name });
      options.forEach(function (o) {
        var opt = el("option", { value: o[0] }, o[1]);
        if (o[0] === value) { opt.selected = true; }
        s.appendChild(opt);
      });
      s.addEventListener("change", function () { onChange(s.value); render(); });
      wrap.appendChild(s);
      box.appendChild(wrap);
    }
    var years = uniq(D.docs.map(function (d) { return d.year; }));
    var all = [["", T("all")]];
    select("columns", T("columns"), D.columnLayers.map(function (c) { return [c, D.layerNames[c]]; }), state.column,
      function (v) { state.column = v; selected = null; });
    select("source", T("source"), all.concat(uniq(D.docs.map(function (d) { return d.source; })).map(function (v) { return [v, v]; })),
      state.source, function (v) { state.source = v; });
    select("type", T("doc_type"), all.concat(uniq(D.docs.map(function (d) { return d.type; })).map(function (v) { return [v, v]; })),
      state.type, function (v) { state.type = v; });
    select("from", T("from_year"), all.concat(years.map(function (y) { return [String(y), String(y)]; })), state.from,
      function (v) { state.from = v; });
    select("to", T("to_year"), all.concat(years.map(function (y) { return [String(y), String(y)]; })), state.to,
      function (v) { state.to = v; });
    select("undated", T("undated"), [["in", T("undated_in")], ["out", T("undated_out")]], state.undated,
      function (v) { state.undated = v; });
    select("setting", T("setting"), all.concat(D.layers.setting.map(function (s) { return [s, name("setting", s)]; })), state.setting,
      function (v) { state.setting = v; });
  }

  function bubble(byType, n, biggest) {
    var size = 40, r = 4 + 15 * Math.sqrt(n / biggest), c = size / 2;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", size); svg.setAttribute("height", size);
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    var types = D.evidenceTypes.filter(function (t) { return byType[t]; });
    if (types.length === 1) {
      var circle = document.createElementNS(SVG, "circle");
      circle.setAttribute("cx", c); circle.setAttribute("cy", c); circle.setAttribute("r", r);
      circle.setAttribute("fill", D.colors[types[0]]);
      svg.appendChild(circle);
      return svg;
    }
    var angle = -Math.PI / 2;
    types.forEach(function (t) {
      var sweep = 2 * Math.PI * byType[t] / n, end = angle + sweep;
      var path = document.createElementNS(SVG, "path");
      var large = sweep > Math.PI ? 1 : 0;
      path.setAttribute("d", "M" + c + "," + c + " L" + (c + r * Math.cos(angle)) + "," + (c + r * Math.sin(angle)) +
        " A" + r + "," + r + " 0 " + large + " 1 " + (c + r * Math.cos(end)) + "," + (c + r * Math.sin(end)) + " Z");
      path.setAttribute("fill", D.colors[t]);
      svg.appendChild(path);
      angle = end;
    });
    return svg;
  }

  function render() {
    var docs = selectedDocs();
    var rows = D.layers[D.rowLayer], cols = D.layers[state.column];
    var table = document.getElementById("map");
    table.textContent = "";
    var thead = el("thead"), hr = el("tr");
    hr.appendChild(el("th", null, T("rows_cols", { rows: D.layerNames[D.rowLayer], cols: D.layerNames[state.column] })));
    cols.forEach(function (c) { hr.appendChild(el("th", { scope: "col" }, name(state.column, c))); });
    thead.appendChild(hr); table.appendChild(thead);
    var cells = {}, biggest = 1;
    rows.forEach(function (r) { cols.forEach(function (c) {
      var inCell = cellDocs(docs, r, c);
      cells[r + "|" + c] = inCell;
      biggest = Math.max(biggest, inCell.length);
    }); });
    var tbody = el("tbody");
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, name(D.rowLayer, r)));
      cols.forEach(function (c) {
        var inCell = cells[r + "|" + c], n = inCell.length, gap = gapOf(r, c, inCell);
        var td = el("td", { "data-row": r, "data-col": c, "data-count": n, "data-gap": gap.gap ? "1" : "0",
                            "data-kind": gap.kind || "",
                            title: name(D.rowLayer, r) + " \u00d7 " + name(state.column, c) + ": " + T("documents", { n: n }) + (gap.gap ? " \u2014 " + T("gap", { reason: gap.reason }) : "") });
        if (gap.gap) { td.classList.add("gap"); }
        if (gap.kind === "no_research") { td.classList.add("policy"); }
        if (!n) { td.classList.add("empty"); }
        if (n) {
          var byType = {};
          inCell.forEach(function (d) { byType[d.evidence] = (byType[d.evidence] || 0) + 1; });
          td.appendChild(bubble(byType, n, biggest));
        }
        td.appendChild(el("span", { "class": "n" }, n ? n : T("gap_word")));
        td.addEventListener("click", function () { selected = [r, c]; showCell(r, c, inCell, gap); markSelected(); });
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    document.getElementById("gap-definition").textContent = D.gapDefinition;
    document.getElementById("gap-note").textContent = " " + T("rule_note");
    var undated = docs.filter(function (d) { return d.year === null; }).length;
    document.getElementById("map-meta").textContent = T("in_view", { n: docs.length, total: D.docs.length, undated: undated }) +
      " \u00b7 " + T("generated") + " " + D.generated;
    if (selected && cells[selected[0] + "|" + selected[1]]) {
      var s = cells[selected[0] + "|" + selected[1]];
      showCell(selected[0], selected[1], s, gapOf(selected[0], selected[1], s));
      markSelected();
    } else {
      selected = null;
      var box = document.getElementById("details");
      box.textContent = "";
      box.appendChild(el("p", { "class": "meta" }, T("click_cell")));
    }
  }

  function markSelected() {
    Array.prototype.forEach.call(document.querySelectorAll("#map td"), function (td) {
      td.classList.toggle("selected", !!selected && td.getAttribute("data-row") === selected[0] &&
        td.getAttribute("data-col") === selected[1]);
    });
  }

  // One paragraph per sentence; the spans of both labels are marked in it.
  function quoteNode(q) {
    var p = el("p", { "class": "quote" });
    // HTML and text files have no pages: no page marker rather than "p. ?".
    if (q.p !== null && q.p !== undefined) { p.appendChild(el("span", { "class": "page" }, T("page") + q.p)); }
    var s = String(q.s), pos = 0;
    p.appendChild(document.createTextNode("\u201c"));
    q.ranges.sort(function (x, y) { return x[0] - y[0]; }).forEach(function (r) {
      var a = Math.max(pos, Math.min(r[0], s.length)), b = Math.max(a, Math.min(r[1], s.length));
      p.appendChild(document.createTextNode(s.slice(pos, a)));
      if (b > a) { p.appendChild(el("mark", null, s.slice(a, b))); }
      pos = Math.max(pos, b);
    });
    p.appendChild(document.createTextNode(s.slice(pos) + "\u201d"));
    // Where the labels come from: reviewed (by whom) or the model's calibrated confidence.
    var notes = [];
    q.reviewers.forEach(function (r) { notes.push(T("reviewed", { reviewer: r })); });
    if (!q.reviewers.length && q.conf !== null) { notes.push("(" + T("confidence", { c: q.conf.toFixed(2) }) + ")"); }
    if (notes.length) { p.appendChild(el("span", { "class": "page" }, " " + notes.join(" "))); }
    return p;
  }

  function docQuotes(d, pairs) {
    var bySentence = {}, order = [];
    pairs.forEach(function (lc) {
      ((d.codes[lc[0]] || {})[lc[1]] || []).forEach(function (q) {
        var key = q.p + "\u0000" + q.s;
        if (!bySentence[key]) { bySentence[key] = { s: q.s, p: q.p, ranges: [], reviewers: [], conf: null }; order.push(key); }
        var b = bySentence[key];
        b.ranges.push([q.a, q.b]);
        if (q.r && b.reviewers.indexOf(q.r) < 0) { b.reviewers.push(q.r); }
        if (q.c !== null && q.c !== undefined) { b.conf = b.conf === null ? q.c : Math.min(b.conf, q.c); }
      });
    });
    return order.map(function (k) { return bySentence[k]; });
  }

  function docNode(d, row, col) {
    var div = el("div", { "class": "doc", "data-doc": d.id });
    div.appendChild(el("div", { "class": "doc-title" }, d.title));
    div.appendChild(el("div", { "class": "meta" }, [d.year || T("year_unknown"), d.source, d.type, D.evidenceNames[d.evidence] || d.evidence].filter(Boolean).join(" \u00b7 ")));
    if (d.url) {
      var a = el("a", { href: d.url, target: "_blank", rel: "noopener noreferrer" }, d.url);
      div.appendChild(a);
    } else if (d.rawUrl) {
      div.appendChild(el("div", { "class": "meta" }, T("not_clickable") + d.rawUrl));
    }
    docQuotes(d, [[D.rowLayer, row], [state.column, col]]).forEach(function (q) { div.appendChild(quoteNode(q)); });
    var hidden = (d.more[D.rowLayer + ":" + row] || 0) + (d.more[state.column + ":" + col] || 0);
    if (hidden) { div.appendChild(el("p", { "class": "meta" }, T("more_quotes", { n: hidden }))); }
    return div;
  }

  var shown = 0;   // the cell list on screen; a chunk that arrives for an older one is not drawn
  function showCell(row, col, docs, gap) {
    var box = document.getElementById("details");
    box.textContent = "";
    box.appendChild(el("h2", null, name(D.rowLayer, row) + " \u00d7 " + name(state.column, col) + ": " + T("documents", { n: docs.length })));
    if (gap.gap) { box.appendChild(el("p", { "class": "gap-reason" }, T("gap", { reason: gap.reason }))); }
    if (!D.paged) {
      docs.forEach(function (d) { box.appendChild(docNode(d, row, col)); });
      return;
    }
    var ordered = docs.slice().sort(byRank), size = D.paged.pageSize;
    var pages = Math.max(1, Math.ceil(ordered.length / size));
    var pager = el("p", { "class": "pager" }), list = el("div", { id: "cell-docs" });
    var prev = el("button", { type: "button", id: "page-prev" }, T("page_prev"));
    var next = el("button", { type: "button", id: "page-next" }, T("page_next"));
    var where = el("span", { id: "page-of" });
    pager.appendChild(prev); pager.appendChild(where); pager.appendChild(next);
    if (pages > 1) { box.appendChild(pager); }
    box.appendChild(list);
    // the cell's best documents come with the page (their quotes for this cell): shown at once
    var top = {};
    (((D.top || {})[matrixName()] || {})[row + "|" + col] || []).forEach(function (t) { top[t.id] = t; });
    function ready(d) { return d.loaded ? d : top[d.id]; }
    var page = 0, me = ++shown;
    function draw() {
      if (me !== shown) { return; }
      var slice = ordered.slice(page * size, (page + 1) * size);
      where.textContent = " " + T("page_of", { p: page + 1, n: pages }) + " ";
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      list.textContent = "";
      slice.forEach(function (d) { var r = ready(d); if (r) { list.appendChild(docNode(r, row, col)); } });
      var need = slice.filter(function (d) { return !ready(d); });
      if (need.length) {
        list.appendChild(el("p", { "class": "meta loading" }, T("loading", { n: need.length })));
        withDetails(need, function (ok) {
          if (!ok && me === shown) {
            list.appendChild(el("p", { "class": "gap-reason load-error" }, T("load_failed", { dir: D.paged.dir })));
            var note = list.querySelector(".loading");
            if (note) { list.removeChild(note); }
            return;
          }
          draw();
        });
      }
    }
    prev.addEventListener("click", function () { if (page > 0) { page -= 1; draw(); } });
    next.addEventListener("click", function () { if (page < pages - 1) { page += 1; draw(); } });
    draw();
  }

  function buildLegend() {
    var box = document.getElementById("legend");
    box.textContent = "";
    box.appendChild(el("strong", null, T("evidence_type")));
    D.evidenceTypes.forEach(function (t) {
      var item = el("span");
      var sw = el("span", { "class": "swatch" });
      sw.style.background = D.colors[t];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(D.evidenceNames[t] || pretty(t)));
      box.appendChild(item);
    });
    [T("bubble_note"), T("gap_cell"), T("empty_cell"), T("policy_cell")].forEach(function (s) { box.appendChild(el("span", null, s)); });
  }

  document.getElementById("map-title").textContent = D.title;
  buildControls();
  buildLegend();
  render();
})();
