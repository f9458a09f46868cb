// miner review page. Every piece of document text goes in with textContent, never as HTML.
"use strict";
(function () {
  const TOKEN = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const state = {
    reviewer: localStorage.getItem("miner.reviewer") || cookie("miner_reviewer") || "",
    queue: sessionStorage.getItem("miner.queue") || document.querySelector('meta[name="default-queue"]').content,
    item: null, focus: 0, skipped: JSON.parse(sessionStorage.getItem("miner.skipped") || "[]"),
    undo: JSON.parse(sessionStorage.getItem("miner.undo") || "[]"), taxonomy: null,
  };

  function cookie(name) {
    const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  function say(msg, isError) {
    $("status").textContent = msg || "";
    $("status").className = isError ? "error" : "";
  }
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  async function get(path, params) {
    const u = new URL(path, location.origin);
    for (const [k, v] of params || []) u.searchParams.append(k, v);
    const r = await fetch(u, { headers: { Accept: "application/json" } });
    const data = await r.json();
    if (!r.ok) throw new Error(data.error || r.statusText);
    return data;
  }
  async function post(path, body) {
    const r = await fetch(path, {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": TOKEN },
      body: JSON.stringify(body),
    });
    const data = await r.json();
    if (!r.ok) throw new Error(data.error || r.statusText);
    return data;
  }
  function key(it) { return it.doc_key + "|" + it.sentence_start + "|" + it.sentence_end; }
  function save() {
    sessionStorage.setItem("miner.skipped", JSON.stringify(state.skipped));
    sessionStorage.setItem("miner.undo", JSON.stringify(state.undo.slice(-200)));
    sessionStorage.setItem("miner.queue", state.queue);
  }

  // ---- reviewer name: asked once, remembered ----
  function askName() {
    $("main").hidden = true;
    $("name-form").hidden = false;
    $("reviewer-name").value = state.reviewer;
    $("reviewer-name").focus();
  }
  $("name-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const name = $("reviewer-name").value.trim();
    if (!name) return;
    state.reviewer = name;
    localStorage.setItem("miner.reviewer", name);
    document.cookie = "miner_reviewer=" + encodeURIComponent(name) + "; path=/; max-age=31536000; SameSite=Strict";
    $("name-form").hidden = true;
    start();
  });

  // ---- showing a sentence ----
  function rows() {
    // the model's suggestions plus labels the reviewer added, each with the reviewer's decision
    const it = state.item, out = [], seen = new Set();
    for (const s of it.suggestions) {
      const k = s.layer + ":" + s.label;
      seen.add(k);
      out.push({ layer: s.layer, label: s.label, confidence: s.confidence, actor: s.actor, model: true,
                 decision: it.decisions[k] || null });
    }
    for (const [k, d] of Object.entries(it.decisions)) {
      if (seen.has(k) || k === "sentence:sentence") continue;
      const [layer, label] = k.split(":");
      out.push({ layer, label, confidence: null, actor: d.actor, model: false, decision: d });
    }
    return out;
  }
  function render() {
    const it = state.item;
    $("empty").hidden = !!it;
    for (const id of ["doc", "context", "suggestions"]) $(id).hidden = !it;
    if (!it) return;
    const title = $("doc-title");
    title.replaceChildren();
    if (it.url) {
      const a = el("a", it.title);
      a.href = it.url; a.target = "_blank"; a.rel = "noopener noreferrer";
      title.append(a);
    } else title.append(el("span", it.title));
    $("doc-meta").textContent = (it.page ? "p. " + it.page + " · " : "") + it.source + " · " + it.doc_key;
    $("before").textContent = it.before;
    $("after").textContent = it.after;
    const s = $("sentence");
    s.replaceChildren();
    const cues = it.suggestions.flatMap((x) => x.cues).sort((a, b) => a[0] - b[0]);
    let pos = 0;
    for (const [a, b] of cues) {
      if (a < pos) continue;
      s.append(document.createTextNode(it.sentence.slice(pos, a)), el("mark", it.sentence.slice(a, b)));
      pos = b;
    }
    s.append(document.createTextNode(it.sentence.slice(pos)));
    const list = $("suggestions");
    list.replaceChildren();
    const rs = rows();
    state.focus = Math.min(state.focus, Math.max(0, rs.length - 1));
    rs.forEach((r, i) => {
      const li = el("li", null, (i === state.focus ? "focus " : "") + (r.decision ? r.decision.decision : ""));
      li.dataset.key = r.layer + ":" + r.label;
      li.append(el("span", r.layer + ": "), el("b", r.label));
      li.append(el("span", " " + (r.confidence === null ? (r.model ? "(—)" : "") : "(" + r.confidence.toFixed(2) + ")"), "conf"));
      const actor = (r.decision && r.decision.actor && r.decision.actor.length) ? r.decision.actor : r.actor;
      if (actor && actor.length) li.append(el("span", " → " + actor.join(", ")));
      if (r.decision) li.append(el("span", { accept: "geaccepteerd", reject: "afgewezen", add: "toegevoegd" }[r.decision.decision] || "", "state"));
      list.append(li);
    });
    if (!rs.length) list.append(el("li", "(geen labels: voeg er een toe met l, of ga door met n)"));
  }
  function renderProgress(p) {
    if (!p) return;
    const ag = p.agreement.share === null ? "–" : Math.round(p.agreement.share * 100) + "%";
    $("progress").textContent = "beoordeeld: " + p.reviewed + " · te gaan: " + p.remaining +
      " · eens met model: " + ag + " (" + p.agreement.decisions + " besluiten)";
  }

  async function next() {
    const params = [["queue", state.queue], ["reviewer", state.reviewer]];
    for (const k of state.skipped) params.push(["skip", k]);
    try {
      const data = await get("/api/next", params);
      state.item = data.item; state.focus = 0;
      render(); renderProgress(data.progress);
    } catch (e) { say(e.message, true); }
  }
  async function reload() {
    const it = state.item;
    const data = await get("/api/item", [["doc_key", it.doc_key], ["start", it.sentence_start],
                                         ["end", it.sentence_end], ["reviewer", state.reviewer]]);
    state.item = data; render();
    renderProgress(await get("/api/progress", [["queue", state.queue], ["reviewer", state.reviewer]]));
  }

  // decisions are sent one after the other, in the order the keys were pressed
  let chain = Promise.resolve();
  function decide(layer, label, decision, actor) {
    chain = chain.then(() => decideNow(layer, label, decision, actor));
    return chain;
  }
  async function decideNow(layer, label, decision, actor) {
    const it = state.item;
    if (!it) return;
    try {
      const res = await post("/api/decide", {
        reviewer: state.reviewer, doc_key: it.doc_key, sentence_start: it.sentence_start,
        sentence_end: it.sentence_end, sentence_hash: it.sentence_hash, layer, label, decision, actor: actor || [],
      });
      if (res.id !== null) { state.undo.push({ id: res.id, doc_key: it.doc_key, start: it.sentence_start, end: it.sentence_end }); save(); }
      await reload();
      const rs = rows(), open = rs.findIndex((r) => !r.decision);
      if (open >= 0) { state.focus = open; render(); }
      say(decision === "seen" ? "zin afgerond" : layer + ":" + label + " " + decision + " opgeslagen");
    } catch (e) { say(e.message, true); }
  }
  async function decideDocument(decision) {
    const it = state.item;
    if (!it) return;
    try {
      const res = await post("/api/decide", { reviewer: state.reviewer, doc_key: it.doc_key, layer: "relevance",
                                              label: "document", decision });
      if (res.id !== null) { state.undo.push({ id: res.id, doc_key: it.doc_key, start: it.sentence_start, end: it.sentence_end }); save(); }
      say("document: " + (decision === "relevant" ? "relevant" : "niet relevant") + " opgeslagen");
    } catch (e) { say(e.message, true); }
  }
  async function undo() {
    const last = state.undo.pop();
    save();
    if (!last) { say("niets om ongedaan te maken"); return; }
    try {
      await post("/api/undo", { id: last.id, reviewer: state.reviewer });
      state.item = await get("/api/item", [["doc_key", last.doc_key], ["start", last.start], ["end", last.end],
                                           ["reviewer", state.reviewer]]);
      render(); say("ongedaan gemaakt");
      renderProgress(await get("/api/progress", [["queue", state.queue], ["reviewer", state.reviewer]]));
    } catch (e) { say(e.message, true); }
  }

  // n / Enter: the sentence is done; model labels not rejected are accepted, then the next one
  async function done() {
    const it = state.item;
    if (!it) return next();
    for (const r of rows()) if (!r.decision) await decideNow(r.layer, r.label, r.model ? "accept" : "add", []);
    await decideNow("sentence", "sentence", "seen", []);
    return next();
  }

  function focused() { const rs = rows(); return rs[state.focus]; }
  async function acceptAll() {
    for (const r of rows()) if (!r.decision) await decide(r.layer, r.label, "accept", []);
  }

  // ---- small input boxes (add a label, pick an actor, choose a queue) ----
  function openBox(box, input, onEnter) {
    $(box).hidden = false;
    const inp = $(input);
    inp.value = "";
    inp.focus();
    inp.onkeydown = async (ev) => {
      if (ev.key === "Escape") { ev.preventDefault(); $(box).hidden = true; inp.blur(); }
      else if (ev.key === "Enter") {
        ev.preventDefault();
        const v = inp.value.trim();
        $(box).hidden = true; inp.blur();
        if (v) await onEnter(v);
      }
    };
  }
  function addLabel() {
    openBox("add-box", "add-input", async (v) => {
      let [layer, label] = v.includes(":") ? v.split(":", 2) : [null, v];
      if (!layer) layer = state.taxonomy.layers.find((l) => state.taxonomy.labels[l].includes(label));
      if (!layer || !(state.taxonomy.labels[layer] || []).includes(label)) { say("onbekend label: " + v, true); return; }
      const had = state.item.suggestions.some((s) => s.layer === layer && s.label === label);
      await decide(layer, label, had ? "accept" : "add", []);
    });
  }
  function pickActor() {
    openBox("actor-box", "actor-input", async (v) => {
      if (!state.taxonomy.actors.includes(v)) { say("onbekende actor: " + v, true); return; }
      // the actor is added to those of the recommendation (the reviewer's, else the model's);
      // picking one that is already there removes it
      const rec = rows().find((r) => r.layer === "recommendation");
      const current = rec ? ((rec.decision && rec.decision.actor && rec.decision.actor.length) ? rec.decision.actor : rec.actor || []) : [];
      const actors = current.includes(v) ? current.filter((a) => a !== v) : [...current, v];
      await decide("recommendation", "recommendation", rec && rec.model ? "accept" : "add", actors);
    });
  }
  $("queue").addEventListener("keydown", async (ev) => {
    if (ev.key === "Escape") { ev.preventDefault(); $("queue").value = state.queue; $("queue").blur(); }
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    state.queue = $("queue").value.trim() || "uncertain";
    state.skipped = []; save(); $("queue").blur();
    await next();
  });

  document.addEventListener("keydown", async (ev) => {
    if (ev.target.tagName === "INPUT" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (!$("name-form").hidden) return;
    const k = ev.key, rs = state.item ? rows() : [];
    const handled = () => ev.preventDefault();
    if (k === "j" || k === "ArrowDown") { handled(); state.focus = Math.min(state.focus + 1, rs.length - 1); render(); }
    else if (k === "k" || k === "ArrowUp") { handled(); state.focus = Math.max(state.focus - 1, 0); render(); }
    else if (k === "a" && focused()) { handled(); const f = focused(); await decide(f.layer, f.label, f.model ? "accept" : "add", f.decision ? f.decision.actor : []); }
    else if (k === "r" && focused()) { handled(); const f = focused(); await decide(f.layer, f.label, "reject", []); }
    else if (k === "A") { handled(); await acceptAll(); }
    else if ((k === "l" || k === "+") && state.item) { handled(); addLabel(); }
    else if (k === "c" && state.item) { handled(); pickActor(); }
    else if (k === "n" || k === "Enter") { handled(); chain = chain.then(done); }
    else if (k === "s" && state.item) {
      handled();
      chain = chain.then(() => { state.skipped.push(key(state.item)); save(); say("overgeslagen"); return next(); });
    }
    else if (k === "u") { handled(); chain = chain.then(undo); }
    else if (k === "D") { handled(); await decideDocument("relevant"); }
    else if (k === "d") { handled(); await decideDocument("not_relevant"); }
    else if (k === "q") { handled(); $("queue").focus(); $("queue").select(); }
    else if (k === "N") { handled(); askName(); }
  });

  async function start() {
    $("reviewer-label").textContent = state.reviewer;
    $("main").hidden = false;
    $("queue").value = state.queue;
    await next();
  }
  async function init() {
    state.taxonomy = await get("/api/taxonomy");
    const labels = $("labels"), actors = $("actors"), queues = $("queues");
    for (const layer of state.taxonomy.layers)
      for (const label of state.taxonomy.labels[layer]) {
        const o = el("option"); o.value = layer + ":" + label; labels.append(o);
        if (layer !== "recommendation") { const q = el("option"); q.value = "label:" + label; queues.append(q); }
      }
    for (const a of state.taxonomy.actors) { const o = el("option"); o.value = a; actors.append(o); }
    for (const q of ["uncertain", "random"]) { const o = el("option"); o.value = q; queues.prepend(o); }
    if (!state.reviewer) askName(); else await start();
  }
  init().catch((e) => say(e.message, true));
})();
