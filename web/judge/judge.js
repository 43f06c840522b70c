// The judge's tablet: what is on the floor for this judge, marking, the judge's own sheets of rounds not computed
// yet (to amend), and an outbox that never loses a sheet and says plainly what the box has received.
import { device, randomId, signed } from "../lib/device.js";
import { base64, canvasToPng, signaturePad } from "./signature.js";
import { danceName, ordinal } from "../lib/dances.js";
import * as outbox from "./queue.js";
import { keepOffline } from "./offline.js";

const $ = (id) => document.getElementById(id);
const me = device();
let tasks = [];
let review = [];          // the judge's sheets the box holds in rounds not computed yet
let toSign = [];          // rounds whose every dance this judge has sent, not signed yet (the box says which)
let current = null;       // the task shown
let amending = false;     // the task shown is a sent sheet the judge is changing
let crosses = [];         // recall: the crossed bibs
let places = new Map();   // final: bib -> place
let picked = null;        // final: the couple just placed, whose place the judge may choose next
const receipts = {};      // round/dance -> the box's receipt (checksum, version, log position), this session

const keyOf = (t) => `${t.round_id}/${t.dance}`;
const dance = (t) => danceName(t.dance);
const signTask = (r) => `sign/${r.round_id}`;

function message(id, text) { $(id).textContent = text; $(id).hidden = !text; }

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

// What the box holds of a task: the newest of the receipt this tablet got and what the box last listed.
function held(t) {
  const r = receipts[keyOf(t)];
  return r && r.version >= (t.version || 0) ? r : { checksum: t.checksum, version: t.version || 0 };
}

function stateOf(t) {
  if (outbox.isQueued(keyOf(t))) return "queued";
  return receipts[keyOf(t)] || t.sent ? "received" : "open";
}

const editing = (t) => amending || stateOf(t) === "open";
const complete = (t) => (t.kind === "recall" ? crosses.length === t.recall : places.size === t.bibs.length);
const clearMarks = () => { crosses = []; places = new Map(); picked = null; };

function queuedFor(t) {
  const item = outbox.queue().find((q) => q.task === keyOf(t));
  return item ? Date.now() - (item.queuedAt || Date.now()) : 0;
}

function hintFor(t) {
  const state = stateOf(t);
  if (!amending && state === "queued") {
    return `Queued, not yet received by the box: waiting ${duration(queuedFor(t))}. It goes as soon as the box answers.`;
  }
  if (!amending && state === "received") {
    const h = held(t);
    return `Received by the box · checksum ${h.checksum}` + (h.version > 1 ? ` · amended (version ${h.version})` : "");
  }
  const prefix = amending ? `Amending your ${dance(t)}: ` : "";
  if (t.kind === "recall") return `${prefix}${crosses.length} of ${t.recall} crossed`;
  return `${prefix}${places.size} of ${t.bibs.length} placed: tap the couples from 1st to last. `
    + "Tap a placed couple to take it out; tap a couple, then a place, to put it there.";
}

function renderStatus() {
  const n = outbox.queue().length;
  $("pending").textContent = n ? `${n} queued, not yet received · waiting ${duration(outbox.waited())}`
                               : "All sheets received";
  $("pending").classList.toggle("waiting", n > 0);
  const l = outbox.link;
  $("link").textContent = l.ok === null ? "Connecting…"
    : l.ok ? "Online" : `Box unreachable · last try ${duration(Date.now() - l.at)} ago (${l.why})`;
  $("link").classList.toggle("down", l.ok === false);
  if (current) $("hint").textContent = hintFor(current);
}
outbox.onChange(renderStatus);

function renderSign() {
  const round = toSign.find((r) => !outbox.isQueued(signTask(r)));
  $("sign").hidden = !round;
  if (round) $("sign-text").textContent = `${round.event} · ${round.round}: every dance is sent. Please sign the round.`;
  return round;
}

const pad = signaturePad($("pad"), (inked) => { $("sign-send").disabled = !inked; });
$("clear").onclick = () => pad.clear();
$("sign-send").onclick = async () => {
  const round = renderSign();
  if (!round) return;
  $("sign-send").disabled = true;
  const png = base64(await canvasToPng($("pad")));
  outbox.enqueue({ key: randomId(16), task: signTask(round), path: `/api/rounds/${round.round_id}/signature`,
                   body: { png }, label: `Your signature of the ${round.round}` });
  pad.clear();
  render();
  flush();
};

function button(text, onclick, cls = "") {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  if (cls) b.className = cls;
  b.onclick = onclick;
  return b;
}

function renderTasks() {
  $("tasks").replaceChildren(...tasks.map((t) => {
    const state = stateOf(t);
    const twice = tasks.some((o) => o !== t && o.dance === t.dance);  // the same dance in two rounds: say which
    const name = twice ? `${dance(t)} (${t.event}, ${t.round})` : dance(t);
    const b = button(`${name}${state === "received" ? " ✓" : state === "queued" ? " · queued" : ""}`, () => select(t));
    b.title = `${t.event}, ${t.round}`;
    b.setAttribute("aria-current", String(Boolean(current && keyOf(t) === keyOf(current))));
    return b;
  }));
}

// The marks a sent sheet carries: the queued one, else the one the box acknowledged or last listed.
function sentMarks(t) {
  const item = outbox.queue().find((q) => q.task === keyOf(t));
  const r = receipts[keyOf(t)];
  const body = item ? item.body : r && r.version >= (t.version || 0) ? r.body
    : t.kind === "recall" ? { crosses: t.marks || [] } : { places: t.marks || {} };
  return { crosses: body.crosses || [],
           places: new Map(Object.entries(body.places || {}).map(([bib, place]) => [Number(bib), place])) };
}

function coupleButton(t, bib, open, view) {
  const b = button(String(bib), () => tap(bib));
  b.dataset.bib = String(bib);
  const on = t.kind === "recall" ? view.crosses.includes(bib) : view.places.has(bib);
  b.setAttribute("aria-pressed", String(on));
  if (t.kind === "final" && on) {
    const place = document.createElement("span");
    place.className = "place";
    place.textContent = ordinal(view.places.get(bib));
    b.append(" ", place);  // "12 1st": the visible text is part of the name below
    b.setAttribute("aria-label", `Couple ${bib}, ${ordinal(view.places.get(bib))}`);
  }
  if (bib === picked) b.classList.add("picked");
  b.disabled = !open;
  return b;
}

function renderCouples(t, open) {
  const view = open ? { crosses, places } : sentMarks(t);
  const cells = [];
  for (const heat of t.heats) {
    if (t.heats.length > 1) {
      const label = document.createElement("div");
      label.className = "heat-label";
      label.textContent = `Heat ${heat.heat}`;
      cells.push(label);
    }
    for (const bib of heat.bibs) cells.push(coupleButton(t, bib, open, view));
  }
  $("couples").replaceChildren(...cells);
}

function renderPlaces(t, open) {
  const show = t.kind === "final" && open;
  $("places").hidden = !show;
  if (!show) return $("places").replaceChildren();
  const holder = new Map([...places].map(([bib, place]) => [place, bib]));
  $("places").replaceChildren(...t.bibs.map((_, i) => {
    const b = button(`${ordinal(i + 1)} · ${holder.has(i + 1) ? holder.get(i + 1) : "—"}`, () => placeAt(i + 1));
    b.dataset.place = String(i + 1);
    b.disabled = picked === null;
    return b;
  }));
}

function renderReview() {
  $("review").hidden = review.length === 0;
  $("review-list").replaceChildren(...review.map((t) => {
    const li = document.createElement("li");
    const queued = outbox.isQueued(keyOf(t));
    const text = document.createElement("span");
    text.textContent = `${dance(t)} · ${t.event}, ${t.round}: `
      + (queued ? "amendment queued, not yet received" : `received · checksum ${held(t).checksum}`);
    const amend = button("Amend", () => startAmending(t));
    amend.dataset.task = keyOf(t);
    amend.disabled = queued || (amending && keyOf(t) === keyOf(current));
    amend.setAttribute("aria-label", `Amend your ${dance(t)} of the ${t.round}`);
    li.append(text, amend);
    return li;
  }));
}

function render() {
  renderSign();
  renderTasks();
  renderReview();
  const t = current;
  $("keep").hidden = !amending;
  if (!t) {
    $("title").textContent = "Waiting for the floor…";
    $("hint").textContent = "";
    $("couples").replaceChildren();
    renderPlaces({ kind: "recall" }, false);
    $("send").disabled = true;
    return;
  }
  $("who").textContent = `Judge ${t.judge} · ${t.judge_name}`;
  $("title").textContent = `${t.event} · ${t.round} · ${dance(t)}` + (t.now ? ` · heat ${t.heat} of ${t.heats.length}` : "");
  const open = editing(t);
  renderCouples(t, open);
  renderPlaces(t, open);
  $("send").textContent = amending ? "Send the amended sheet" : "Send";
  $("send").disabled = !open || !complete(t);
  renderStatus();
}

function select(t) {
  if (!current || keyOf(t) !== keyOf(current) || amending) clearMarks();
  current = t;
  amending = false;
  message("error", "");
  render();
}

function startAmending(t) {
  current = t;
  amending = true;
  clearMarks();
  if (t.kind === "recall") crosses = [...(t.marks || [])];
  else places = new Map(Object.entries(t.marks || {}).map(([bib, place]) => [Number(bib), place]));
  message("error", "");
  render();
  $("title").scrollIntoView({ block: "start" });
}

$("keep").onclick = () => { amending = false; clearMarks(); render(); };

function lowestFree() {
  const used = new Set(places.values());
  let place = 1;
  while (used.has(place)) place++;
  return place;
}

function tap(bib) {
  if (current.kind === "recall") {
    const at = crosses.indexOf(bib);
    if (at >= 0) crosses.splice(at, 1);
    else if (crosses.length < current.recall) crosses.push(bib);
  } else if (places.has(bib)) {  // a wrong tap: the couple is taken out, every other place stays
    places.delete(bib);
    picked = null;
  } else {
    places.set(bib, lowestFree());
    picked = bib;
  }
  render();
}

// The couple just tapped goes to this place; the couple that held it takes the place the first one had.
function placeAt(place) {
  if (picked === null) return;
  const from = places.get(picked);
  const holder = [...places].find(([, p]) => p === place);
  if (holder && holder[0] !== picked) places.set(holder[0], from);
  places.set(picked, place);
  picked = null;
  render();
}

function sheetBody(t) {
  if (t.kind === "recall") return { crosses: [...crosses].sort((a, b) => a - b) };
  return { places: Object.fromEntries([...places].map(([bib, place]) => [String(bib), place])) };
}

$("send").onclick = () => {
  const t = current;
  const ranked = [...places].sort((a, b) => a[1] - b[1]);
  $("confirm-text").textContent = t.kind === "recall"
    ? `Recall ${crosses.length} couples in the ${dance(t)}: ${[...crosses].sort((a, b) => a - b).join(", ")}?`
    : `Places in the ${dance(t)}: ${ranked.map(([bib, place]) => `${ordinal(place)} ${bib}`).join(" · ")}?`;
  $("confirm").showModal();
};
$("back").onclick = () => $("confirm").close();
$("sure").onclick = () => {
  $("confirm").close();
  const t = current;
  // Into the outbox first (it survives a reload and a dropped connection), then out when the box answers.
  outbox.enqueue({ key: randomId(16), task: keyOf(t), path: `/api/rounds/${t.round_id}/sheets/${t.dance}`,
                   body: sheetBody(t), label: `${amending ? "The amended " : ""}${dance(t)} (${t.event}, ${t.round})` });
  clearMarks();
  amending = false;
  message("receipt", "");
  render();
  flush();
};

function received(item, answer) {
  if (item.task.startsWith("sign/")) {
    toSign = toSign.filter((r) => signTask(r) !== item.task);
    message("receipt", `${item.label} was received.`);
    return;
  }
  receipts[item.task] = { ...answer, body: item.body };
  const logged = answer.seq ? ` · log #${answer.seq} ${String(answer.hash).slice(0, 12)}` : "";
  message("receipt", `${item.label} received by the box. Checksum ${answer.checksum}${logged}`);
}

function refused(item, answer, status) {
  message("error", `${item.label} was refused: ${answer.error ? answer.error.message : `error ${status}`}`);
}

async function flush() {
  await outbox.flush(received, refused);
  render();
}

// Follow the floor: the dance on the floor now, unless the judge is marking or amending another.
function follow() {
  if (amending && review.some((t) => keyOf(t) === keyOf(current))) return;
  if (amending) {
    amending = false;
    clearMarks();
    message("error", `The ${current.round} of ${current.event} is computed: the ${dance(current)} can no longer change.`);
  }
  const keep = current && tasks.find((t) => keyOf(t) === keyOf(current));
  const open = (t) => stateOf(t) === "open";
  const onFloor = tasks.find((t) => t.now && open(t));
  const marking = keep && open(keep) && (crosses.length || places.size);
  const next = (marking ? keep : onFloor) || keep || tasks.find(open) || tasks[0] || null;
  if (!next || !keep || keyOf(next) !== keyOf(keep)) clearMarks();
  current = next;
}

async function refresh() {
  let response;
  try {
    response = await signed("GET", "/api/judge/tasks");
  } catch {
    outbox.note(false, "no answer");
    return;  // offline: keep showing what we have; the outbox keeps the sheets
  }
  outbox.note(response.status < 500, `the box answered ${response.status}`);
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    message("error", answer.error ? answer.error.message : `error ${response.status}`);
    return;
  }
  tasks = answer.tasks;
  toSign = answer.sign || [];
  review = answer.review || [];
  follow();
  render();
}

if (!me || me.role !== "adjudicator") {
  $("title").textContent = "This tablet is not enrolled as a judge: scan the QR code from the scrutineer.";
} else {
  $("who").textContent = `Judge ${me.judge}`;
  renderStatus();
  refresh();
  flush();
  setInterval(() => { flush(); refresh(); }, 2000);
  setInterval(renderStatus, 1000);
  window.addEventListener("online", () => { flush(); refresh(); });
  keepOffline();  // over https: a reload while the box is unreachable still shows this page
}
