"use strict";
// All data comes from the JSON block and is written with textContent/setAttribute only:
// crawled titles and quotes are never parsed as HTML.
(function () {
  var D = JSON.parse(document.getElementById("map-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var state = { column: D.columnLayer, source: "", type: "", from: "", to: "", setting: "" };
  var selected = null;

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
  function filtersActive() { return !!(state.source || state.type || state.from || state.to || state.setting); }

  function selectedDocs() {
    return D.docs.filter(function (d) {
      if (state.source && d.source !== state.source) { return false; }
      if (state.type && d.type !== state.type) { return false; }
      if (state.from && (d.year === null || d.year < +state.from)) { return false; }
      if (state.to && (d.year === null || d.year > +state.to)) { return false; }
      if (state.setting && !(d.codes.setting && d.codes.setting[state.setting])) { return false; }
      return true;
    });
  }

  function cellDocs(docs, row, col) {
    return docs.filter(function (d) {
      return d.codes[D.rowLayer] && d.codes[D.rowLayer][row] && d.codes[state.column] && d.codes[state.column][col];
    });
  }

  // The stored gap analysis describes the whole corpus; with filters (or without a stored
  // analysis) the configured rule is applied to the documents in view.
  function gapOf(row, col, docs) {
    var m = matrixName();
    if (D.gapSource[m] === "table" && !filtersActive()) {
      var g = D.gaps[m][row + "|" + col];
      if (g) { return g; }
      return docs.length ? { gap: false, reason: "not in the stored gap analysis" } : { gap: true, reason: "no documents" };
    }
    var research = docs.filter(function (d) { return d.research; }).length;
    if (!docs.length) { return { gap: true, reason: "no documents" }; }
    if (research < D.gapRule.minResearch) {
      return { gap: true, reason: docs.length + " document(s), of which " + research + " research (fewer than " + D.gapRule.minResearch + ")" };
    }
    return { gap: false, reason: research + " research document(s)" };
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
    var all = [["", "all"]];
    select("columns", "Columns", D.columnLayers.map(function (c) { return [c, pretty(c)]; }), state.column,
      function (v) { state.column = v; selected = null; });
    select("source", "Source", all.concat(uniq(D.docs.map(function (d) { return d.source; })).map(function (v) { return [v, v]; })),
      state.source, function (v) { state.source = v; });
    select("type", "Document type", all.concat(uniq(D.docs.map(function (d) { return d.type; })).map(function (v) { return [v, v]; })),
      state.type, function (v) { state.type = v; });
    select("from", "From year", all.concat(years.map(function (y) { return [String(y), String(y)]; })), state.from,
      function (v) { state.from = v; });
    select("to", "To year", all.concat(years.map(function (y) { return [String(y), String(y)]; })), state.to,
      function (v) { state.to = v; });
    select("setting", "Setting", all.concat(D.layers.setting.map(function (s) { return [s, pretty(s)]; })), state.setting,
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
    hr.appendChild(el("th", null, pretty(D.rowLayer) + " \u2193 / " + pretty(state.column) + " \u2192"));
    cols.forEach(function (c) { hr.appendChild(el("th", { scope: "col" }, pretty(c))); });
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
      tr.appendChild(el("th", { scope: "row" }, pretty(r)));
      cols.forEach(function (c) {
        var inCell = cells[r + "|" + c], n = inCell.length, gap = gapOf(r, c, inCell);
        var td = el("td", { "data-row": r, "data-col": c, "data-count": n, "data-gap": gap.gap ? "1" : "0",
                            title: pretty(r) + " \u00d7 " + pretty(c) + ": " + n + " document(s)" + (gap.gap ? " \u2014 gap: " + gap.reason : "") });
        if (gap.gap) { td.classList.add("gap"); }
        if (!n) { td.classList.add("empty"); }
        if (n) {
          var byType = {};
          inCell.forEach(function (d) { byType[d.evidence] = (byType[d.evidence] || 0) + 1; });
          td.appendChild(bubble(byType, n, biggest));
        }
        td.appendChild(el("span", { "class": "n" }, n ? n : "gap"));
        td.addEventListener("click", function () { selected = [r, c]; showCell(r, c, inCell, gap); markSelected(); });
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    var m = matrixName();
    document.getElementById("gap-definition").textContent = (D.gapSource[m] === "table" && !filtersActive())
      ? D.gapDefinition[m] : D.gapRule.definition;
    document.getElementById("gap-note").textContent = D.gapSource[m] === "table"
      ? (filtersActive() ? " (filters active: the rule is applied to the documents in view)" : " (from the stored gap analysis)")
      : " (computed from the annotations; no stored gap analysis for this matrix)";
    document.getElementById("map-meta").textContent = docs.length + " of " + D.docs.length +
      " coded documents in view \u00b7 generated " + D.generated;
    if (selected && cells[selected[0] + "|" + selected[1]]) {
      var s = cells[selected[0] + "|" + selected[1]];
      showCell(selected[0], selected[1], s, gapOf(selected[0], selected[1], s));
      markSelected();
    } else {
      selected = null;
      var box = document.getElementById("details");
      box.textContent = "";
      box.appendChild(el("p", { "class": "meta" }, "Click a cell to list its documents and quotes."));
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
    p.appendChild(el("span", { "class": "page" }, q.p !== null && q.p !== undefined ? "p. " + q.p : "p. ?"));
    var s = String(q.s), pos = 0;
    p.appendChild(document.createTextNode("\u201c"));
    q.ranges.sort(function (x, y) { return x[0] - y[0]; }).forEach(function (r) {
      var a = Math.max(pos, Math.min(r[0], s.length)), b = Math.max(a, Math.min(r[1], s.length));
      p.appendChild(document.createTextNode(s.slice(pos, a)));
      if (b > a) { p.appendChild(el("mark", null, s.slice(a, b))); }
      pos = Math.max(pos, b);
    });
    p.appendChild(document.createTextNode(s.slice(pos) + "\u201d"));
    return p;
  }

  function docQuotes(d, pairs) {
    var bySentence = {}, order = [];
    pairs.forEach(function (lc) {
      ((d.codes[lc[0]] || {})[lc[1]] || []).forEach(function (q) {
        var key = q.p + "\u0000" + q.s;
        if (!bySentence[key]) { bySentence[key] = { s: q.s, p: q.p, ranges: [] }; order.push(key); }
        bySentence[key].ranges.push([q.a, q.b]);
      });
    });
    return order.map(function (k) { return bySentence[k]; });
  }

  function showCell(row, col, docs, gap) {
    var box = document.getElementById("details");
    box.textContent = "";
    box.appendChild(el("h2", null, pretty(row) + " \u00d7 " + pretty(col) + ": " + docs.length + " document(s)"));
    if (gap.gap) { box.appendChild(el("p", { "class": "gap-reason" }, "Gap: " + gap.reason)); }
    docs.forEach(function (d) {
      var div = el("div", { "class": "doc", "data-doc": d.id });
      div.appendChild(el("div", { "class": "doc-title" }, d.title));
      div.appendChild(el("div", { "class": "meta" }, [d.year || "jaar onbekend", d.source, d.type, d.evidence].filter(Boolean).join(" \u00b7 ")));
      if (d.url) {
        var a = el("a", { href: d.url, target: "_blank", rel: "noopener noreferrer" }, d.url);
        div.appendChild(a);
      } else if (d.rawUrl) {
        div.appendChild(el("div", { "class": "meta" }, "link (not a web address, not clickable): " + d.rawUrl));
      }
      docQuotes(d, [[D.rowLayer, row], [state.column, col]]).forEach(function (q) { div.appendChild(quoteNode(q)); });
      var hidden = (d.more[D.rowLayer + ":" + row] || 0) + (d.more[state.column + ":" + col] || 0);
      if (hidden) { div.appendChild(el("p", { "class": "meta" }, "+ " + hidden + " more quote(s) in the evidence table export")); }
      box.appendChild(div);
    });
  }

  function buildLegend() {
    var box = document.getElementById("legend");
    box.textContent = "";
    box.appendChild(el("strong", null, "Evidence type:"));
    D.evidenceTypes.forEach(function (t) {
      var item = el("span");
      var sw = el("span", { "class": "swatch" });
      sw.style.background = D.colors[t];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(pretty(t)));
      box.appendChild(item);
    });
    box.appendChild(el("span", null, "Bubble area = number of documents; hatched cell = gap."));
  }

  document.getElementById("map-title").textContent = D.title;
  buildControls();
  buildLegend();
  render();
})();
