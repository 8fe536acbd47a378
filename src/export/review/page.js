"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("data").textContent);
  const units = DATA.units;
  const byId = new Map(units.map((u, i) => [u.id, Object.assign(u, { n: i + 1 })]));
  const KEY = "tilmash-review|" + DATA.pipeline + "|" + DATA.pair + "|" + DATA.run_dir;
  const $ = (id) => document.getElementById(id);

  // ---- stored state: { reviewer, decisions: { id: {state, src?, tgt?} } } ----
  let store = { reviewer: "", decisions: {} };
  try { store = Object.assign(store, JSON.parse(localStorage.getItem(KEY) || "{}")); } catch (e) { /* fresh start */ }
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(store)); } catch (e) { /* storage full or disabled */ }
    progress();
  }

  // ---- helpers ----
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k.startsWith("data-")) e.setAttribute(k, v);
      else if (k === "text") e.textContent = v; else e[k] = v;
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  }
  function colour(s) {
    const scale = ["#c0392b", "#c0392b", "#d35400", "#d35400", "#e08e0b", "#e0b20b", "#b5b82a", "#7cb342", "#43a047", "#2e7d32"];
    return scale[Math.min(9, Math.max(0, Math.floor(s * 10)))];
  }
  function band(s) { return s < 0.5 ? "low" : s < 0.8 ? "mid" : "high"; }
  function short(doc) { return doc.replace(/\.(txt|md)$/, ""); }
  function fill(sel, values) {
    for (const v of [...new Set(values)].sort()) sel.append(el("option", { value: v, text: v }));
  }

  // ---- header ----
  $("title").textContent = (DATA.pipeline || "tilmash") + " · " + DATA.src_lang + " → " + DATA.tgt_lang + " · " + units.length + " units";
  $("reviewer").value = store.reviewer || "";
  $("reviewer").addEventListener("input", (e) => { store.reviewer = e.target.value; save(); });
  fill($("f-type"), units.map((u) => u.type));
  fill($("f-bead"), units.map((u) => u.bead));
  fill($("f-doc"), units.flatMap((u) => [u.src_doc, u.tgt_doc]));

  function progress() {
    const c = { accepted: 0, rejected: 0, edited: 0 };
    for (const d of Object.values(store.decisions)) if (c[d.state] !== undefined) c[d.state]++;
    const done = c.accepted + c.rejected + c.edited;
    $("progress").innerHTML = "";
    $("progress").append(el("b", { text: done + " / " + units.length }), " reviewed · " + c.accepted + " accepted · " +
      c.rejected + " rejected · " + c.edited + " edited");
  }

  // ---- filtering ----
  let shown = [];
  let current = -1;
  function matches(u) {
    const f = (id) => $(id).value;
    const d = store.decisions[u.id];
    const state = d ? d.state : "open";
    const q = $("f-text").value.trim().toLowerCase();
    return (f("f-score") === "all" || band(u.score) === f("f-score")) &&
      (f("f-type") === "all" || u.type === f("f-type")) &&
      (f("f-bead") === "all" || u.bead === f("f-bead")) &&
      (f("f-doc") === "all" || u.src_doc === f("f-doc") || u.tgt_doc === f("f-doc")) &&
      (f("f-state") === "all" || state === f("f-state")) &&
      (!q || (u.src + "\n" + u.tgt).toLowerCase().includes(q));
  }

  function render() {
    const keep = shown[current] ? shown[current].id : null;
    shown = units.filter(matches);
    if ($("f-sort").value === "score") shown.sort((a, b) => a.score - b.score || a.n - b.n);
    const main = $("units");
    main.textContent = "";
    for (const u of shown) main.append(card(u));
    if (!shown.length) main.append(el("p", { class: "empty", text: "No unit matches these filters." }));
    $("shown").textContent = shown.length + " shown";
    const i = shown.findIndex((u) => u.id === keep);
    current = -1;
    if (shown.length) focus(i >= 0 ? i : 0, false);
  }

  function card(u) {
    const d = store.decisions[u.id];
    const state = d ? d.state : "";
    const node = el("article", { class: "unit " + state, "data-id": u.id, "data-score": u.score.toFixed(4),
      "data-type": u.type, "data-bead": u.bead, "data-docs": u.src_doc + " " + u.tgt_doc });
    node.style.setProperty("--stripe", colour(u.score));
    const loc = (doc, s) => short(doc) + " #" + s.join(",");
    const meta = el("div", { class: "meta" },
      el("span", { text: "#" + u.n }),
      el("span", { class: "score", title: "alignment score", text: u.score.toFixed(2) }),
      el("span", { text: u.bead }),
      el("span", { text: u.type }),
      el("span", { title: "documents and sentence numbers", text: loc(u.src_doc, u.src_sentences) + " ↔ " + loc(u.tgt_doc, u.tgt_sentences) }),
      u.split ? el("span", { text: "part " + u.split }) : null,
      state ? el("span", { class: "state " + state, text: state }) : null);
    const src = d && d.state === "edited" && d.src != null ? d.src : u.src;
    const tgt = d && d.state === "edited" && d.tgt != null ? d.tgt : u.tgt;
    const texts = el("div", { class: "texts" },
      el("div", { class: "side src", lang: u.src_lang }, el("span", { class: "lang", text: u.src_lang }), src),
      el("div", { class: "side tgt", lang: u.tgt_lang }, el("span", { class: "lang", text: u.tgt_lang }), tgt));
    const btn = (act, label, key) => el("button", { type: "button", "data-act": act, class: state === act ? "on" : "",
      title: label + " (" + key + ")", text: label, onclick: (e) => { e.stopPropagation(); focusId(u.id); act === "context" ? toggleContext() : act === "edit" ? edit() : decide(act); } });
    const actions = el("div", { class: "actions" },
      btn("accepted", "Accept", "a"), btn("rejected", "Reject", "r"), btn("edit", "Edit", "e"),
      btn("context", "Context", "c"), d ? btn("undo", "Undo", "u") : null);
    node.append(meta, texts);
    if (u.duplicates && u.duplicates.length) {
      node.append(el("div", { class: "dups", text: "also found at: " + u.duplicates.map((p) => loc(p.src_doc, p.src_sentences) + " ↔ " + loc(p.tgt_doc, p.tgt_sentences)).join("; ") }));
    }
    node.append(actions);
    node.addEventListener("click", () => focusId(u.id));
    return node;
  }

  function focusId(id) { const i = shown.findIndex((u) => u.id === id); if (i >= 0 && i !== current) focus(i, false); }
  function focus(i, scroll = true) {
    if (!shown.length) return;
    i = Math.max(0, Math.min(shown.length - 1, i));
    const nodes = $("units").children;
    if (nodes[current]) nodes[current].classList.remove("current");
    current = i;
    nodes[i].classList.add("current");
    if (scroll) nodes[i].scrollIntoView({ block: "nearest" });
  }
  function node() { return $("units").children[current]; }

  // ---- decisions ----
  function replace(u) {
    const old = node();
    const fresh = card(u);
    old.replaceWith(fresh);
    fresh.classList.add("current");
    if (old.querySelector(".context")) toggleContext();
  }
  function decide(act) {
    const u = shown[current];
    if (!u) return;
    const had = store.decisions[u.id];
    if (act === "undo") delete store.decisions[u.id];
    // Accepting an edited unit accepts the edit: the typed text is never dropped silently
    // (undo, then accept, goes back to the original).
    else if (act === "accepted" && had && had.state === "edited") return;
    else store.decisions[u.id] = { state: act };
    save();
    replace(u);
  }
  function edit() {
    const u = shown[current];
    if (!u || node().querySelector("textarea")) return;
    const d = store.decisions[u.id];
    const sides = node().querySelectorAll(".side");
    const areas = [];
    [["src", u.src], ["tgt", u.tgt]].forEach(([k, orig], i) => {
      const value = d && d.state === "edited" && d[k] != null ? d[k] : orig;
      const ta = el("textarea", { value: value, name: k, lang: k === "src" ? u.src_lang : u.tgt_lang });
      sides[i].lastChild.replaceWith(ta);
      areas.push(ta);
    });
    const saveBtn = el("button", { type: "button", "data-act": "save", text: "Save edit (Ctrl+Enter)" });
    const cancel = el("button", { type: "button", "data-act": "cancel", text: "Cancel (Esc)" });
    const finish = (keepIt) => {
      if (keepIt) {
        const [s, t] = areas.map((a) => a.value.trim());
        if (s === u.src && t === u.tgt) store.decisions[u.id] = { state: "accepted" };
        else store.decisions[u.id] = { state: "edited", src: s, tgt: t };
        save();
      }
      replace(u);
    };
    saveBtn.onclick = () => finish(true);
    cancel.onclick = () => finish(false);
    for (const a of areas) a.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); finish(true); }
      else if (e.key === "Escape") { e.preventDefault(); finish(false); }
      e.stopPropagation();
    });
    node().querySelector(".actions").replaceChildren(saveBtn, cancel);
    areas[1].focus();
  }

  // ---- context: surrounding sentences of each document ----
  function contextList(doc, hits, radius) {
    const sents = DATA.docs[doc] || [];
    const lo = Math.max(0, Math.min(...hits) - radius), hi = Math.min(sents.length - 1, Math.max(...hits) + radius);
    const ol = el("ol");
    for (let i = lo; i <= hi; i++) {
      const [text, lang] = sents[i] || ["", ""];
      ol.append(el("li", { class: hits.includes(i) ? "hit" : "", lang: lang }, el("span", { class: "n", text: String(i) }), text));
    }
    return ol;
  }
  function toggleContext() {
    const u = shown[current];
    const n = node();
    const open = n.querySelector(".context");
    if (open) { open.remove(); return; }
    let radius = 3;
    const box = el("div", { class: "context" });
    const draw = () => {
      box.textContent = "";
      for (const [doc, hits] of [[u.src_doc, u.src_sentences], [u.tgt_doc, u.tgt_sentences]]) {
        box.append(el("div", {}, el("h4", { text: short(doc) + " (" + (DATA.docs[doc] || []).length + " sentences)" }),
          contextList(doc, hits, radius)));
      }
      box.append(el("button", { type: "button", class: "more", text: "more context", onclick: (e) => { e.stopPropagation(); radius += 5; draw(); } }));
    };
    draw();
    n.insertBefore(box, n.querySelector(".actions"));
  }

  // ---- download ----
  $("download").addEventListener("click", () => {
    const decisions = units.filter((u) => store.decisions[u.id]).map((u) => Object.assign({ id: u.id }, store.decisions[u.id]));
    const out = { tilmash_review: 1, pipeline: DATA.pipeline, pair: DATA.pair, run_dir: DATA.run_dir, source: DATA.source,
      reviewer: store.reviewer || "", exported_at: new Date().toISOString(), decisions: decisions };
    const blob = new Blob([JSON.stringify(out, null, 1)], { type: "application/json" });
    const a = el("a", { href: URL.createObjectURL(blob), download: DATA.pair + ".decisions.json" });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });

  // ---- keyboard ----
  const help = (show) => { $("help").hidden = !show; };
  $("help-btn").onclick = () => help(true);
  $("help-close").onclick = () => help(false);
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT") {
      if (e.key === "Escape") t.blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key;
    const act = { j: () => focus(current + 1), ArrowDown: () => focus(current + 1), k: () => focus(current - 1),
      ArrowUp: () => focus(current - 1), a: () => decide("accepted"), r: () => decide("rejected"), e: edit,
      c: toggleContext, u: () => decide("undo"), "/": () => $("f-text").focus(), "?": () => help($("help").hidden),
      Escape: () => help(false) }[k];
    if (act) { e.preventDefault(); act(); }
  });
  for (const id of ["f-score", "f-type", "f-bead", "f-doc", "f-state", "f-sort"]) $(id).addEventListener("change", render);
  $("f-text").addEventListener("input", render);

  progress();
  render();
})();
