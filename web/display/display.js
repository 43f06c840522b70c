// The hall's HDMI screen (1920x1080, read from 20 metres): the floor now and next, how many judges have sent,
// then the recalled couples or the final placings revealed from last to first. Follows the live stream and
// catches up by itself (EventSource resends Last-Event-ID on reconnect); when idle, rotates between floors.
import { follow } from "/lib/live.js";

const params = new URLSearchParams(location.search);
const wanted = params.get("floor");
const $ = (id) => document.getElementById(id);
let state = null;
let floorIndex = 0;
let reveal = null;      // {round_id, shown}
let lastComputed = null;

function ordinal(n) {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${{ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th"}`;
}

async function load() {
  const response = await fetch(`/api/live/state${wanted ? `?floor=${wanted}` : ""}`, { cache: "no-store" });
  if (response.ok) state = await response.json();
  draw();
}

function floorNow() {
  if (!state || !state.floors.length) return null;
  const running = state.floors.filter((f) => f.state === "running");
  const pool = running.length ? running : state.floors;
  return pool[floorIndex % pool.length];
}

function draw() {
  const floor = floorNow();
  if (!floor) return;
  $("floor-name").textContent = floor.floor;
  const now = floor.now;
  $("now-event").textContent = now ? now.event : "Waiting for the next event";
  $("now-detail").textContent = now ? `${now.round} · ${now.dance} · heat ${now.heat} of ${now.heats}` : "";
  $("now-bibs").textContent = now ? now.bibs.join("  ") : "";
  $("next").textContent = floor.next ? `Next: ${floor.next.event} · ${floor.next.round} · ${floor.next.dance}` : "";
  const judging = now && state.rounds.find((r) => r.round_id === now.round_id);
  $("progress").replaceChildren(...(judging ? Object.entries(judging.sent).map(([dance, n]) => {
    const chip = document.createElement("span");
    chip.textContent = `${dance} ${n}/${judging.judges}`;
    if (n === judging.judges) chip.className = "done";
    return chip;
  }) : []));
  drawResult();
}

function outPlaces(latest) {
  // The couples out in this round, with their places below all who went further ("13.-24.  101 102").
  const event = (state.standings || []).find((s) => s.event_id === latest.event_id);
  const out = event ? event.places.filter((p) => p.round === latest.round && p.place === null) : [];
  const groups = [];
  for (const p of out) {
    const last = groups[groups.length - 1];
    if (last && last.label === p.label) last.bibs.push(p.bib); else groups.push({ label: p.label, bibs: [p.bib] });
  }
  const list = document.createElement("p");
  list.className = "out-places";
  list.textContent = groups.map((g) => `${g.label} ${g.bibs.join(" ")}`).join("  ·  ");
  return list;
}

function drawResult() {
  // While a floor runs, its latest result; when idle, the recent results (the last five) in turn.
  const idle = !state.floors.some((f) => f.state === "running");
  const recent = state.results.slice(-5);
  const latest = idle && recent.length ? recent[recent.length - 1 - (floorIndex % recent.length)]
                                       : state.results[state.results.length - 1];
  const box = $("result");
  if (!latest) { box.replaceChildren(); $("side-title").textContent = "Judges"; return; }
  $("side-title").textContent = `${latest.event} · ${latest.round}`;
  if (latest.kind === "recall") {
    const p = document.createElement("p");
    p.className = "recalled";
    p.textContent = latest.recalled ? `Recalled: ${latest.recalled.join("  ")}` : "Tie at the cut: the chair decides";
    box.replaceChildren(p, outPlaces(latest));
    return;
  }
  const order = Object.entries(latest.places).sort((a, b) => b[1] - a[1] || b[0] - a[0]);  // last first
  if (!reveal || reveal.round_id !== latest.round_id) reveal = { round_id: latest.round_id, shown: 1 };
  const list = document.createElement("ol");
  list.reversed = true;
  list.start = order.length;
  for (const [bib, place] of order.slice(0, reveal.shown)) {
    const li = document.createElement("li");
    li.value = Math.ceil(place);
    li.textContent = `${ordinal(Math.floor(place))}  couple ${bib}`;
    list.append(li);
  }
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = latest.official ? "official" : "provisional";
  box.replaceChildren(list, badge);
}

setInterval(() => {  // reveal the final's placings one by one, from last to first
  if (reveal && state) {
    const latest = state.results.find((r) => r.round_id === reveal.round_id);
    if (latest && latest.places && reveal.shown < Object.keys(latest.places).length) { reveal.shown += 1; draw(); }
  }
}, 1200);

setInterval(() => { floorIndex += 1; draw(); }, 10000);  // idle rotation between floors

async function setupScreen() {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(location.hostname)) return false;
  const response = await fetch("/api/setup/first-enrolment", { cache: "no-store" });
  if (!response.ok) return false;
  const first = await response.json();
  if (first.owned) { $("setup").hidden = true; $("board").hidden = false; return false; }
  $("qr").innerHTML = first.qr_svg;
  $("qr-url").textContent = first.url;
  $("setup").hidden = false;
  $("board").hidden = true;
  return true;
}

async function start() {
  if (await setupScreen()) {
    const poll = setInterval(async () => { if (!(await setupScreen())) { clearInterval(poll); start(); } }, 60000);
    return;
  }
  await load();
  const events = { state: (e) => { state = JSON.parse(e.data); draw(); } };
  for (const kind of ["floor.start", "floor.next", "floor.previous", "floor.stop", "sheet.submitted",
                      "sheet.amended", "round.computed", "round.recomputed", "round.advanced", "round.decided",
                      "result.official"]) {
    events[kind] = load;
  }
  // The stream, or polling /api/live/state while the box refuses it (too many viewers), then the stream again.
  follow(`/api/live${wanted ? `?floor=${wanted}` : ""}`, { events, poll: load });
  $("link").textContent = `Results on your phone: ${location.host}/results/`;
}

start();
