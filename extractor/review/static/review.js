// The review page. Every value from a filing is put on the page with textContent (or as an
// attribute through the DOM), never parsed as markup: a filing that contains "<script>" shows it.
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
const state = { items: [], index: 0, reviewer: null, busy: false };

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

async function getJSON(url) {
  const r = await fetch(url, { headers: { "Accept": "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

async function post(url, data) {
  const r = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Review-Token": TOKEN },
    body: JSON.stringify(data),
  });
  return { ok: r.ok, status: r.status, body: await r.json() };
}

// "non_derivative_transactions[1].shares" -> "Table I #2 shares": the queue column is narrow
const SECTIONS = { non_derivative_transactions: "Table I", non_derivative_holdings: "Table I holding",
                   derivative_transactions: "Table II", derivative_holdings: "Table II holding",
                   reporting_owners: "owner", footnotes: "footnote", signatures: "signature" };
function shortName(field) {
  const m = /^([a-z_]+)\[(\d+)\]\.(.*)$/.exec(field);
  return m && SECTIONS[m[1]] ? `${SECTIONS[m[1]]} #${Number(m[2]) + 1} ${m[3]}` : field;
}

function pct(x) { return (100 * x).toFixed(2) + "%"; }

// ------------------------------------------------------------------ queue
function filterQuery() {
  const q = new URLSearchParams();
  for (const [key, id] of [["form", "f-form"], ["field", "f-field"], ["status", "f-status"]]) {
    const v = $(id).value.trim();
    if (v) q.set(key, v);
  }
  return q.toString();
}

async function loadQueue(keepPlace) {
  const q = await getJSON("/api/queue?" + filterQuery());
  const current = state.items[state.index];
  state.items = q.items;
  if (keepPlace && current) {
    // after an action the reviewed item is gone: stay at the same position in the list
    state.index = Math.min(state.index, Math.max(0, state.items.length - 1));
  } else {
    state.index = 0;
  }
  $("counts").textContent = `${q.left} field${q.left === 1 ? "" : "s"} left in ${q.filings.length} ` +
    `filing${q.filings.length === 1 ? "" : "s"} · ${q.reviewed} reviewed`;
  const list = $("field-names");
  if (!list.children.length) {      // the names in the whole queue, offered once
    const names = new Set(q.items.map((i) => i.field.replace(/^.*\./, "")));
    list.append(...[...names].sort().map((n) => { const o = el("option"); o.value = n; return o; }));
  }
  renderQueue(q.filings);
  await show();
  document.body.dataset.loads = String(Number(document.body.dataset.loads || 0) + 1);   // for tests
}

function renderQueue(filings) {
  const nav = $("queue");
  nav.replaceChildren();
  const byInput = new Map();
  state.items.forEach((it, i) => {
    if (!byInput.has(it.input_id)) byInput.set(it.input_id, []);
    byInput.get(it.input_id).push([it, i]);
  });
  for (const f of filings) {
    const entries = byInput.get(f.input_id) || [];
    nav.append(el("h3", `${f.path} (${f.form || "?"}) · ${f.left} left`));
    const ol = el("ol");
    for (const [it, i] of entries) {
      const li = el("li");
      li.dataset.index = String(i);
      li.title = it.field;
      li.append(el("span", shortName(it.field), "name"), el("span", pct(it.confidence), "conf"));
      li.addEventListener("click", () => { state.index = i; show(); });
      ol.append(li);
    }
    nav.append(ol);
  }
}

function markCurrent() {
  for (const li of document.querySelectorAll("#queue li")) {
    const on = Number(li.dataset.index) === state.index;
    li.classList.toggle("current", on);
    if (on) li.scrollIntoView({ block: "nearest" });
  }
}

// ------------------------------------------------------------------ one item
async function show() {
  closeEdit();
  const it = state.items[state.index];
  $("empty").hidden = !!it;
  $("detail").hidden = !it;
  markCurrent();
  if (!it) return;
  const d = await getJSON(`/api/item/${it.input_id}?` + new URLSearchParams({ field: it.field }));
  if (state.items[state.index] !== it) return;      // the reviewer moved on meanwhile
  $("filing").textContent = `${d.input_path} (Form ${d.form || "?"})`;
  $("field").textContent = d.field;
  $("v-shown").textContent = d.value;
  $("v-type").textContent = d.type;
  $("v-text").textContent = d.text || "(no source text)";
  $("v-conf").textContent = pct(d.confidence);
  await showView(d);
  $("evidence").replaceChildren(...d.evidence.filter((e) => e.score < 1).map(
    (e) => el("li", `${e.name} ${Number(e.score).toFixed(3)}: ${e.meaning}`, e.score < 0.9 ? "low" : "")));
  if (!$("evidence").children.length) $("evidence").append(el("li", "no single source of doubt"));
  const issues = d.current_issues.length || !d.issues.length ? d.current_issues : d.issues;
  $("issues").replaceChildren(...issues.map((i) => el("li", `${i.severity} ${i.code}: ${i.message}` +
    (i.path && i.path !== d.field ? ` (${i.path})` : ""))));
  const rows = d.row.map((r) => {
    const tr = el("tr", null, r.self ? "self" : "");
    tr.append(el("td", r.name), el("td", r.value),
              el("td", r.confidence === null || r.confidence === undefined ? "" : pct(r.confidence)));
    return tr;
  });
  $("row").tBodies[0].replaceChildren(...rows);
}

async function showView(d) {
  const img = $("crop"), lines = $("lines");
  $("picture").hidden = d.view.kind !== "image";
  lines.hidden = d.view.kind !== "lines";
  $("no-view").hidden = d.view.kind !== "none";
  if (d.view.kind === "image") {
    const q = new URLSearchParams({ field: d.field });
    img.src = `/crop/${d.input_id}?${q}`;
    q.set("full", "1");
    $("full-page").href = `/crop/${d.input_id}?${q}`;
  } else if (d.view.kind === "lines") {
    const src = await getJSON(`/api/source/${d.input_id}?line=${d.view.line}`);
    lines.replaceChildren(...src.lines.map((l) => {
      const li = el("li", l.text, l.hit ? "hit" : "");
      li.value = l.n;
      return li;
    }));
  }
}

// ------------------------------------------------------------------ actions
async function act(action, value, reason) {
  // the queue entry under the cursor, not the details last loaded: a key pressed before they
  // arrive still acts on the field the reviewer moved to
  const d = state.items[state.index];
  if (!d || state.busy) return false;
  state.busy = true;
  try {
    const r = await post("/api/review", { input_id: d.input_id, field: d.field, action, value, reason,
                                           reviewer: state.reviewer });
    if (!r.ok) {
      if (action === "correct") { $("e-error").textContent = r.body.error; return false; }
      $("result").replaceChildren(el("p", r.body.error, "raised"));
      return false;
    }
    const done = { accept: "accepted", unreadable: "marked unreadable", correct: `corrected to ${r.body.value}` };
    const out = [el("p", `${d.field}: ${done[action]}`)];
    for (const i of r.body.cleared) out.push(el("p", `cleared: ${i.code}: ${i.message}`, "cleared"));
    for (const i of r.body.raised) out.push(el("p", `now: ${i.code}: ${i.message}`, "raised"));
    $("result").replaceChildren(...out);
    await loadQueue(true);
    return true;
  } finally {
    state.busy = false;
  }
}

function openEdit() {
  const it = state.items[state.index];
  if (!it) return;
  $("edit").hidden = false;
  $("e-error").textContent = "";
  $("e-value").value = it.value === "(blank)" ? "" : it.value;
  $("e-reason").value = "";
  $("e-value").focus();
  $("e-value").select();
}

function closeEdit() {
  if ($("edit").contains(document.activeElement)) document.activeElement.blur();
  $("edit").hidden = true;
}

function move(step) {
  if (!state.items.length) return;
  state.index = Math.min(state.items.length - 1, Math.max(0, state.index + step));
  show();
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const tag = e.target.tagName;
  if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || tag === "BUTTON" || $("who").open) {
    if (e.key === "Escape" && !$("edit").hidden) closeEdit();
    return;
  }
  const keys = { Enter: () => act("accept"), e: openEdit, u: () => act("unreadable"),
                 j: () => move(1), k: () => move(-1) };
  if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
}

// ------------------------------------------------------------------ start
async function askReviewer(fixed) {
  if (fixed) return fixed;
  const saved = localStorage.getItem("reviewer");
  if (saved) return saved;
  const dlg = $("who");
  dlg.showModal();
  await new Promise((resolve) => dlg.addEventListener("close", resolve, { once: true }));
  const name = $("who-name").value.trim() || "anonymous";
  localStorage.setItem("reviewer", name);
  return name;
}

async function start() {
  const s = await getJSON("/api/session");
  for (const f of s.forms) { const o = el("option", f); o.value = f; $("f-form").append(o); }
  for (const st of s.statuses) { const o = el("option", st); o.value = st; $("f-status").append(o); }
  state.reviewer = await askReviewer(s.reviewer);
  $("who-am-i").textContent = `reviewer: ${state.reviewer} · below ${pct(s.threshold)}`;
  document.addEventListener("keydown", onKey);
  $("b-accept").addEventListener("click", () => act("accept"));
  $("b-edit").addEventListener("click", openEdit);
  $("b-unreadable").addEventListener("click", () => act("unreadable"));
  $("b-prev").addEventListener("click", () => move(-1));
  $("b-next").addEventListener("click", () => move(1));
  $("e-cancel").addEventListener("click", closeEdit);
  $("edit").addEventListener("submit", async (e) => {
    e.preventDefault();
    if (await act("correct", $("e-value").value, $("e-reason").value)) closeEdit();
  });
  // Enter in the field filter applies it (its change event) and hands the keys back to the queue
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); document.activeElement.blur(); });
  for (const id of ["f-form", "f-status"]) $(id).addEventListener("change", () => loadQueue(false));
  $("f-field").addEventListener("change", () => loadQueue(false));
  await loadQueue(false);
  document.body.dataset.ready = "1";
}

start().catch((err) => { $("counts").textContent = "error: " + err.message; });
