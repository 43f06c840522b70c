// The judge's tablet: what is on the floor for this judge, marking, and a queue that never loses a sheet.
import { device, randomId, signed } from "../lib/device.js";
import { base64, canvasToPng, signaturePad } from "./signature.js";

const QUEUE = "floorcraft.queue";
const $ = (id) => document.getElementById(id);
const me = device();
let tasks = [];
let current = null;      // the task shown
let chosen = [];         // recall: crossed bibs; final: bibs in the order they were placed
const sentChecksums = {};  // round/dance -> checksum, once acknowledged
let toSign = [];           // rounds whose every dance this judge has sent, not signed yet (the box says which)

const queue = () => JSON.parse(localStorage.getItem(QUEUE) || "[]");
const setQueue = (q) => { localStorage.setItem(QUEUE, JSON.stringify(q)); showPending(); };
const keyOf = (t) => `${t.round_id}/${t.dance}`;

function showPending() {
  const n = queue().length;
  $("pending").textContent = `${n} pending`;
  $("pending").classList.toggle("waiting", n > 0);
}

function message(id, text) { $(id).textContent = text; $(id).hidden = !text; }

const signTask = (r) => `sign/${r.round_id}`;

function renderSign() {
  const round = toSign.find((r) => !queue().some((item) => item.task === signTask(r)));
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
  setQueue([...queue(), { key: randomId(16), task: signTask(round), path: `/api/rounds/${round.round_id}/signature`,
                          body: { png }, label: `Your signature of the ${round.round}` }]);
  pad.clear();
  render();
  flush();
};

function render() {
  renderSign();
  $("tasks").replaceChildren(...tasks.map((t) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = `${t.dance}${t.sent || queued(t) ? " ✓" : ""}`;
    b.title = `${t.event}, ${t.round}`;
    b.setAttribute("aria-current", String(current && keyOf(t) === keyOf(current)));
    b.onclick = () => { select(t); };
    return b;
  }));
  if (!current) {
    $("title").textContent = "Waiting for the floor…";
    $("hint").textContent = "";
    $("couples").replaceChildren();
    $("send").disabled = true;
    $("undo").hidden = true;
    return;
  }
  const t = current;
  $("who").textContent = `Judge ${t.judge} · ${t.judge_name}`;
  $("title").textContent = `${t.event} · ${t.round} · ${t.dance}` + (t.now ? ` · heat ${t.heat} of ${t.heats.length}` : "");
  const done = t.sent || queued(t);
  if (t.kind === "recall") {
    $("hint").textContent = done ? "Sent." : `${chosen.length} of ${t.recall} crossed`;
  } else {
    $("hint").textContent = done ? "Sent." : `${chosen.length} of ${t.bibs.length} placed: tap the couples from 1st to last`;
  }
  const cells = [];
  for (const heat of t.heats) {
    if (t.heats.length > 1) {
      const label = document.createElement("div");
      label.className = "heat-label";
      label.textContent = `Heat ${heat.heat}`;
      cells.push(label);
    }
    for (const bib of heat.bibs) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = String(bib);
      b.dataset.bib = String(bib);
      const at = chosen.indexOf(bib);
      b.setAttribute("aria-pressed", String(at >= 0));
      if (t.kind === "final" && at >= 0) {
        const place = document.createElement("span");
        place.className = "place";
        place.textContent = String(at + 1);
        b.append(place);
      }
      b.disabled = done;
      b.onclick = () => tap(bib);
      cells.push(b);
    }
  }
  $("couples").replaceChildren(...cells);
  $("undo").hidden = t.kind !== "final" || done;
  $("undo").disabled = chosen.length === 0;
  const complete = t.kind === "recall" ? chosen.length === t.recall : chosen.length === t.bibs.length;
  $("send").disabled = done || !complete;
}

function queued(t) { return queue().some((item) => item.task === keyOf(t)); }

function select(t) {
  if (!current || keyOf(t) !== keyOf(current)) chosen = [];
  current = t;
  message("error", "");
  render();
}

function tap(bib) {
  const at = chosen.indexOf(bib);
  if (current.kind === "recall") {
    if (at >= 0) chosen.splice(at, 1);
    else if (chosen.length < current.recall) chosen.push(bib);
  } else if (at < 0) {
    chosen.push(bib);
  }
  render();
}

$("undo").onclick = () => { chosen.pop(); render(); };

$("send").onclick = () => {
  const t = current;
  $("confirm-text").textContent = t.kind === "recall"
    ? `Recall ${chosen.length} couples in the ${t.dance}: ${[...chosen].sort((a, b) => a - b).join(", ")}?`
    : `Places in the ${t.dance}: ${chosen.map((b, i) => `${i + 1}. ${b}`).join("  ")}?`;
  $("confirm").showModal();
};
$("back").onclick = () => $("confirm").close();
$("sure").onclick = () => {
  $("confirm").close();
  const t = current;
  const body = t.kind === "recall" ? { crosses: [...chosen].sort((a, b) => a - b) }
                                   : { places: Object.fromEntries(chosen.map((b, i) => [String(b), i + 1])) };
  // Into the queue first (it survives a reload and a dropped connection), then out when the box answers.
  setQueue([...queue(), { key: randomId(16), task: keyOf(t), path: `/api/rounds/${t.round_id}/sheets/${t.dance}`,
                          body, label: `${t.dance} (${t.round})` }]);
  chosen = [];
  render();
  flush();
};

let flushing = false;
async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    while (queue().length) {
      const item = queue()[0];
      let response;
      try {
        response = await signed("POST", item.path, item.body, item.key);
      } catch {
        return;  // offline: the same sheet goes again, with the same idempotency key, when the box answers
      }
      const answer = await response.json().catch(() => ({}));
      if (response.ok && item.task.startsWith("sign/")) {
        toSign = toSign.filter((r) => signTask(r) !== item.task);
        message("receipt", `${item.label} was received.`);
      } else if (response.ok) {
        sentChecksums[item.task] = answer.checksum;
        const logged = answer.seq ? ` · log #${answer.seq} ${String(answer.hash).slice(0, 12)}` : "";
        message("receipt", `${item.label} sent. Checksum ${answer.checksum}${logged}`);
      } else if (response.status >= 500) {
        return;
      } else {
        message("error", `${item.label} was refused: ${answer.error ? answer.error.message : response.status}`);
      }
      setQueue(queue().slice(1));
    }
  } finally {
    flushing = false;
    render();
  }
}

async function refresh() {
  try {
    const response = await signed("GET", "/api/judge/tasks");
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      message("error", answer.error ? answer.error.message : `error ${response.status}`);
      return;
    }
    const answer = await response.json();
    tasks = answer.tasks;
    toSign = answer.sign || [];
    // Follow the floor: show the dance on the floor now, unless the judge is in the middle of marking another.
    const keep = current && tasks.find((t) => keyOf(t) === keyOf(current));
    const onFloor = tasks.find((t) => t.now && !t.sent && !queued(t));
    const open = (t) => !t.sent && !queued(t);
    const next = (keep && chosen.length ? keep : onFloor) || keep || tasks.find(open) || tasks[0] || null;
    if (!next || !keep || keyOf(next) !== keyOf(keep)) chosen = [];
    current = next;
    if (current && (current.sent || queued(current)) && sentChecksums[keyOf(current)]) {
      message("receipt", `${current.dance} sent. Checksum ${sentChecksums[keyOf(current)]}`);
    }
    render();
  } catch {
    // offline: keep showing what we have; the queue keeps the sheets
  }
}

if (!me || me.role !== "adjudicator") {
  $("title").textContent = "This tablet is not enrolled as a judge: scan the QR code from the scrutineer.";
} else {
  $("who").textContent = `Judge ${me.judge}`;
  showPending();
  refresh();
  flush();
  setInterval(() => { flush(); refresh(); }, 2000);
  window.addEventListener("online", () => { flush(); refresh(); });
}
