// The judge's tablet: what is on the floor for this judge, marking, the judge's own sheets of rounds not computed
// yet (to amend), and an outbox that never loses a sheet and says plainly what the box has received.
import { device, randomId, signed } from "../lib/device.js";
import { base64, canvasToPng, signaturePad } from "./signature.js";
import { danceName, ordinal, roundName } from "../lib/dances.js";
import { t } from "../lib/i18n.js";
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

const keyOf = (task) => `${task.round_id}/${task.dance}`;
const dance = (task) => danceName(task.dance);
const round = (task) => roundName(task.round);
const signTask = (r) => `sign/${r.round_id}`;

function message(id, text) { $(id).textContent = text; $(id).hidden = !text; }

function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? t("{s} s", { s }) : t("{m} min {s} s", { m: Math.floor(s / 60), s: s % 60 });
}

// What the box holds of a task: the newest of the receipt this tablet got and what the box last listed.
function held(task) {
  const r = receipts[keyOf(task)];
  return r && r.version >= (task.version || 0) ? r : { checksum: task.checksum, version: task.version || 0 };
}

function stateOf(task) {
  if (outbox.isQueued(keyOf(task))) return "queued";
  return receipts[keyOf(task)] || task.sent ? "received" : "open";
}

const editing = (task) => amending || stateOf(task) === "open";
const complete = (task) => (task.kind === "recall" ? crosses.length === task.recall : places.size === task.bibs.length);
const clearMarks = () => { crosses = []; places = new Map(); picked = null; };

function queuedFor(task) {
  const item = outbox.queue().find((q) => q.task === keyOf(task));
  return item ? Date.now() - (item.queuedAt || Date.now()) : 0;
}

function hintFor(task) {
  const state = stateOf(task);
  if (!amending && state === "queued") {
    return t("Queued, not yet received by the box: waiting {wait}. It goes as soon as the box answers.",
             { wait: duration(queuedFor(task)) });
  }
  if (!amending && state === "received") {
    const h = held(task);
    const got = t("Received by the box · checksum {checksum}", { checksum: h.checksum });
    return h.version > 1 ? `${got} · ${t("amended (version {version})", { version: h.version })}` : got;
  }
  const done = task.kind === "recall" ? t("{n} of {total} crossed", { n: crosses.length, total: task.recall })
    : `${t("{n} of {total} placed: tap the couples from 1st to last.", { n: places.size, total: task.bibs.length })} `
      + t("Tap a placed couple to take it out; tap a couple, then a place, to put it there.");
  return amending ? t("Amending your {dance}: {done}", { dance: dance(task), done }) : done;
}

function renderStatus() {
  const n = outbox.queue().length;
  $("pending").textContent = n
    ? t("{n} queued, not yet received · waiting {wait}", { n, wait: duration(outbox.waited()) })
    : t("All sheets received");
  $("pending").classList.toggle("waiting", n > 0);
  const l = outbox.link;
  $("link").textContent = l.ok === null ? t("Connecting…")
    : l.ok ? t("Online")
      : t("Box unreachable · last try {ago} ago ({why})", { ago: duration(Date.now() - l.at), why: l.why });
  $("link").classList.toggle("down", l.ok === false);
  if (current) $("hint").textContent = hintFor(current);
}
outbox.onChange(renderStatus);

function renderSign() {
  const unsigned = toSign.find((r) => !outbox.isQueued(signTask(r)));
  $("sign").hidden = !unsigned;
  if (unsigned) {
    $("sign-text").textContent = t("{event} · {round}: every dance is sent. Please sign the round.",
                                   { event: unsigned.event, round: round(unsigned) });
  }
  return unsigned;
}

const pad = signaturePad($("pad"), (inked) => { $("sign-send").disabled = !inked; });
$("clear").onclick = () => pad.clear();
$("sign-send").onclick = async () => {
  const unsigned = renderSign();
  if (!unsigned) return;
  $("sign-send").disabled = true;
  const png = base64(await canvasToPng($("pad")));
  outbox.enqueue({ key: randomId(16), task: signTask(unsigned), path: `/api/rounds/${unsigned.round_id}/signature`,
                   body: { png }, label: t("Your signature of the {round}", { round: round(unsigned) }) });
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
  $("tasks").replaceChildren(...tasks.map((task) => {
    const state = stateOf(task);
    const twice = tasks.some((o) => o !== task && o.dance === task.dance);  // the same dance in two rounds: say which
    const name = twice ? `${dance(task)} (${task.event}, ${round(task)})` : dance(task);
    const mark = state === "received" ? " ✓" : state === "queued" ? ` · ${t("queued")}` : "";
    const b = button(`${name}${mark}`, () => select(task));
    b.title = `${task.event}, ${round(task)}`;
    b.setAttribute("aria-current", String(Boolean(current && keyOf(task) === keyOf(current))));
    return b;
  }));
}

// The marks a sent sheet carries: the queued one, else the one the box acknowledged or last listed.
function sentMarks(task) {
  const item = outbox.queue().find((q) => q.task === keyOf(task));
  const r = receipts[keyOf(task)];
  const body = item ? item.body : r && r.version >= (task.version || 0) ? r.body
    : task.kind === "recall" ? { crosses: task.marks || [] } : { places: task.marks || {} };
  return { crosses: body.crosses || [],
           places: new Map(Object.entries(body.places || {}).map(([bib, place]) => [Number(bib), place])) };
}

function coupleButton(task, bib, open, view) {
  const b = button(String(bib), () => tap(bib));
  b.dataset.bib = String(bib);
  const on = task.kind === "recall" ? view.crosses.includes(bib) : view.places.has(bib);
  b.setAttribute("aria-pressed", String(on));
  if (task.kind === "final" && on) {
    const place = document.createElement("span");
    place.className = "place";
    place.textContent = ordinal(view.places.get(bib));
    b.append(" ", place);  // "12 1st": the visible text is part of the name below
    b.setAttribute("aria-label", t("Couple {bib}, {place}", { bib, place: ordinal(view.places.get(bib)) }));
  }
  if (bib === picked) b.classList.add("picked");
  b.disabled = !open;
  return b;
}

function renderCouples(task, open) {
  const view = open ? { crosses, places } : sentMarks(task);
  const cells = [];
  for (const heat of task.heats) {
    if (task.heats.length > 1) {
      const label = document.createElement("div");
      label.className = "heat-label";
      label.textContent = t("Heat {heat}", { heat: heat.heat });
      cells.push(label);
    }
    for (const bib of heat.bibs) cells.push(coupleButton(task, bib, open, view));
  }
  $("couples").replaceChildren(...cells);
}

function renderPlaces(task, open) {
  const show = task.kind === "final" && open;
  $("places").hidden = !show;
  if (!show) return $("places").replaceChildren();
  const holder = new Map([...places].map(([bib, place]) => [place, bib]));
  $("places").replaceChildren(...task.bibs.map((_, i) => {
    const b = button(`${ordinal(i + 1)} · ${holder.has(i + 1) ? holder.get(i + 1) : "—"}`, () => placeAt(i + 1));
    b.dataset.place = String(i + 1);
    b.disabled = picked === null;
    return b;
  }));
}

function renderReview() {
  $("review").hidden = review.length === 0;
  $("review-list").replaceChildren(...review.map((task) => {
    const li = document.createElement("li");
    const queued = outbox.isQueued(keyOf(task));
    const text = document.createElement("span");
    const said = queued ? t("amendment queued, not yet received")
      : t("received · checksum {checksum}", { checksum: held(task).checksum });
    text.textContent = `${dance(task)} · ${task.event}, ${round(task)}: ${said}`;
    const amend = button(t("Amend"), () => startAmending(task));
    amend.dataset.task = keyOf(task);
    amend.disabled = queued || (amending && keyOf(task) === keyOf(current));
    amend.setAttribute("aria-label",
                       t("Amend your {dance} of the {round}", { dance: dance(task), round: round(task) }));
    li.append(text, amend);
    return li;
  }));
}

function render() {
  renderSign();
  renderTasks();
  renderReview();
  const task = current;
  $("keep").hidden = !amending;
  if (!task) {
    $("title").textContent = t("Waiting for the floor…");
    $("hint").textContent = "";
    $("couples").replaceChildren();
    renderPlaces({ kind: "recall" }, false);
    $("send").disabled = true;
    return;
  }
  $("who").textContent = t("Judge {letter} · {name}", { letter: task.judge, name: task.judge_name });
  const heat = task.now ? ` · ${t("heat {heat} of {heats}", { heat: task.heat, heats: task.heats.length })}` : "";
  $("title").textContent = `${task.event} · ${round(task)} · ${dance(task)}${heat}`;
  const open = editing(task);
  renderCouples(task, open);
  renderPlaces(task, open);
  $("send").textContent = amending ? t("Send the amended sheet") : t("Send");
  $("send").disabled = !open || !complete(task);
  renderStatus();
}

function select(task) {
  if (!current || keyOf(task) !== keyOf(current) || amending) clearMarks();
  current = task;
  amending = false;
  message("error", "");
  render();
}

function startAmending(task) {
  current = task;
  amending = true;
  clearMarks();
  if (task.kind === "recall") crosses = [...(task.marks || [])];
  else places = new Map(Object.entries(task.marks || {}).map(([bib, place]) => [Number(bib), place]));
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

// What the receipt and a refusal call the sheet (kept with it in the outbox: it is said after a reload too).
function sheetLabel(task) {
  const named = { dance: dance(task), event: task.event, round: round(task) };
  return amending ? t("The amended {dance} ({event}, {round})", named) : t("{dance} ({event}, {round})", named);
}

function sheetBody(task) {
  if (task.kind === "recall") return { crosses: [...crosses].sort((a, b) => a - b) };
  return { places: Object.fromEntries([...places].map(([bib, place]) => [String(bib), place])) };
}

$("send").onclick = () => {
  const task = current;
  const ranked = [...places].sort((a, b) => a[1] - b[1]);
  $("confirm-text").textContent = task.kind === "recall"
    ? t("Recall {count} couples in the {dance}: {bibs}?",
        { count: crosses.length, dance: dance(task), bibs: [...crosses].sort((a, b) => a - b).join(", ") })
    : t("Places in the {dance}: {places}?",
        { dance: dance(task), places: ranked.map(([bib, place]) => `${ordinal(place)} ${bib}`).join(" · ") });
  $("confirm").showModal();
};
$("back").onclick = () => $("confirm").close();
$("sure").onclick = () => {
  $("confirm").close();
  const task = current;
  // Into the outbox first (it survives a reload and a dropped connection), then out when the box answers.
  outbox.enqueue({ key: randomId(16), task: keyOf(task), path: `/api/rounds/${task.round_id}/sheets/${task.dance}`,
                   body: sheetBody(task), label: sheetLabel(task) });
  clearMarks();
  amending = false;
  message("receipt", "");
  render();
  flush();
};

function received(item, answer) {
  if (item.task.startsWith("sign/")) {
    toSign = toSign.filter((r) => signTask(r) !== item.task);
    message("receipt", t("{what} was received.", { what: item.label }));
    return;
  }
  receipts[item.task] = { ...answer, body: item.body };
  const logged = answer.seq
    ? ` · ${t("log #{seq} {hash}", { seq: answer.seq, hash: String(answer.hash).slice(0, 12) })}` : "";
  const got = t("{what} received by the box. Checksum {checksum}", { what: item.label, checksum: answer.checksum });
  message("receipt", got + logged);
}

// A sheet the box said no to for good: its words (in this page's language: the cookie floorcraft.lang tells it).
function refused(item, answer, status) {
  const why = answer.error ? answer.error.message : t("error {status}", { status });
  message("error", t("{what} was refused: {why}", { what: item.label, why }));
}

async function flush() {
  await outbox.flush(received, refused);
  render();
}

// Follow the floor: the dance on the floor now, unless the judge is marking or amending another.
function follow() {
  if (amending && review.some((task) => keyOf(task) === keyOf(current))) return;
  if (amending) {
    amending = false;
    clearMarks();
    message("error", t("The {round} of {event} is computed: the {dance} can no longer change.",
                       { round: round(current), event: current.event, dance: dance(current) }));
  }
  const keep = current && tasks.find((task) => keyOf(task) === keyOf(current));
  const open = (task) => stateOf(task) === "open";
  const onFloor = tasks.find((task) => task.now && open(task));
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
    outbox.note(false, t("no answer"));
    return;  // offline: keep showing what we have; the outbox keeps the sheets
  }
  outbox.note(response.status < 500, t("the box answered {status}", { status: response.status }));
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    message("error", answer.error ? answer.error.message : t("error {status}", { status: response.status }));
    return;
  }
  tasks = answer.tasks;
  toSign = answer.sign || [];
  review = answer.review || [];
  follow();
  render();
}

if (!me || me.role !== "adjudicator") {
  $("title").textContent = t("This tablet is not enrolled as a judge: scan the QR code from the scrutineer.");
} else {
  $("who").textContent = t("Judge {letter}", { letter: me.judge });
  renderStatus();
  refresh();
  flush();
  setInterval(() => { flush(); refresh(); }, 2000);
  setInterval(renderStatus, 1000);
  window.addEventListener("online", () => { flush(); refresh(); });
  keepOffline();  // over https: a reload while the box is unreachable still shows this page
}
