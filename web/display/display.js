// The hall's HDMI screen (1280x720 or 1920x1080, read from 10 metres and more): the floor now and next with the
// couples' numbers, names and clubs, how many judges have sent each dance, then the recalled couples or the
// final's placings revealed from last to first; a withdrawn or disqualified couple is labelled in plain words.
// Follows the live stream and catches up by itself (EventSource resends Last-Event-ID on reconnect); when idle,
// rotates between floors. When neither the stream nor /api/live/state answers, a "connection lost" sign shows.
import { follow } from "../lib/live.js";
import { danceName, ordinal, roundName } from "../lib/dances.js";
import { n_, t } from "../lib/i18n.js";

const params = new URLSearchParams(location.search);
const wanted = params.get("floor");
const $ = (id) => document.getElementById(id);
let state = null;
let floorIndex = 0;
let couplePage = 0;     // the page of couples shown when a heat has more than the screen holds
let reveal = null;      // {round_id, shown}
// The live state is the same for every screen (English, the box's words): its few fixed words are said here.
const LABELS = { withdrawn: n_("withdrawn"), DQ: n_("DQ") };
const label = (text) => (text in LABELS ? t(LABELS[text]) : text);

function connected(yes) {
  $("lost").hidden = yes;
  document.documentElement.dataset.connection = yes ? "ok" : "lost";
}

async function load() {
  try {
    const response = await fetch(`/api/live/state${wanted ? `?floor=${wanted}` : ""}`, { cache: "no-store" });
    if (!response.ok) throw new Error(`the box answered ${response.status}`);
    state = await response.json();
  } catch {
    connected(false);
    return;
  }
  connected(true);
  draw();
}

function floorNow() {
  if (!state || !state.floors.length) return null;
  const running = state.floors.filter((f) => f.state === "running");
  const pool = running.length ? running : state.floors;
  return pool[floorIndex % pool.length];
}

function known(eventId, bib) {
  // The couple's names and club ({leader, follower, club}), or null for a number the state does not name.
  return ((state.couples || {})[eventId] || {})[bib] || null;
}

function names(couple) {
  return couple ? `${couple.leader} & ${couple.follower}` : "";
}

function span(className, text) {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = text;
  return node;
}

function coupleItem(eventId, bib) {
  const couple = known(eventId, bib);
  const li = document.createElement("li");
  li.append(span("bib", String(bib)), span("names", names(couple)), span("club", couple ? couple.club : ""));
  return li;
}

function drawCouples(now) {
  // Every couple of the heat; if they do not all fit, page through them (a page every 6 s).
  const list = $("now-bibs");
  list.replaceChildren(...(now ? now.bibs.map((bib) => coupleItem(now.event_id, bib)) : []));
  const items = [...list.children];
  const fits = items.filter((li) => li.offsetTop + li.offsetHeight <= list.clientHeight).length;
  if (!now || fits >= items.length) return "";
  const columns = getComputedStyle(list).gridTemplateColumns.split(" ").length;
  const perPage = Math.max(fits - (fits % columns), 1);  // whole rows
  const pages = Math.ceil(items.length / perPage);
  const page = couplePage % pages;
  items.forEach((li, i) => { li.hidden = Math.floor(i / perPage) !== page; });
  const first = page * perPage + 1;
  return ` · ${t("{first}–{last} of {count}", { first, last: Math.min(first + perPage - 1, items.length),
                                                 count: items.length })}`;
}

function draw() {
  const floor = floorNow();
  if (!floor) return;
  $("floor-name").textContent = floor.floor;
  const now = floor.now;
  $("now-event").textContent = now ? now.event : t("Waiting for the next event");
  const detail = now ? t("{round} · {dance} · heat {heat} of {heats}", { round: roundName(now.round),
                                                                        dance: danceName(now.dance),
                                                                        heat: now.heat, heats: now.heats }) : "";
  $("now-detail").textContent = detail;  // first: its height is part of the couples' room
  $("now-detail").textContent = detail + drawCouples(now);
  const next = floor.next;
  $("next").textContent = next ? t("Next: {event} · {round} · {dance}", { event: next.event,
                                                                           round: roundName(next.round),
                                                                           dance: danceName(next.dance) }) : "";
  const judging = now && state.rounds.find((r) => r.round_id === now.round_id);
  $("progress").replaceChildren(...(judging ? Object.entries(judging.sent).map(([dance, n]) => {
    const chip = span(n === judging.judges ? "done" : "", `${danceName(dance)} ${n}/${judging.judges}`);
    chip.dataset.dance = dance;
    return chip;
  }) : []));
  drawResult();
}

function placesOf(eventId) {
  const event = (state.standings || []).find((s) => s.event_id === eventId);
  return event ? event.places : [];
}

function outPlaces(latest) {
  // The couples out in this round, with their places below all who went further ("13.-24. No. 101 102"), then
  // the event's withdrawn and disqualified couples ("withdrawn No. 105 · DQ No. 107"), never silently ranked.
  const out = placesOf(latest.event_id).filter((p) => (p.round === latest.round && p.place === null) || p.status);
  const groups = [];
  for (const p of out.filter((p) => !(latest.kind === "final" && p.status === "withdrawn" && p.place !== null))) {
    const last = groups[groups.length - 1];
    if (last && last.label === p.label) last.bibs.push(p.bib); else groups.push({ label: p.label, bibs: [p.bib] });
  }
  const list = document.createElement("p");
  list.className = "out-places";
  // Each group's place in bold, its numbers as "No. 101 102" (as the placings'): "13. No. 101", never "13. 101".
  list.append(...groups.flatMap((g, i) => [...(i ? ["  ·  "] : []), span("out-place", label(g.label)), " ",
                                           span("out-bibs", t("No. {bib}", { bib: g.bibs.join(" ") }))]));
  list.hidden = !groups.length;
  return list;
}

function placing(latest, bib, place) {
  const li = document.createElement("li");
  li.value = Math.ceil(place);
  const couple = known(latest.event_id, bib);
  const withdrawn = placesOf(latest.event_id).some((p) => p.bib === Number(bib) && p.status === "withdrawn");
  // The place, the couple's number and its names each in a cell of their own ("6th | No. 30 | Greta Novak & ..."):
  // a place and a number side by side ("6. 30") are misread from the back of the hall.
  li.append(span("place", ordinal(Math.floor(place))), span("bib", t("No. {bib}", { bib })),
            span("names", [names(couple), withdrawn && t("withdrawn")].filter(Boolean).join(" · ")));
  return li;
}

function drawResult() {
  // While a floor runs, its latest result; when idle, the recent results (the last five) in turn.
  const idle = !state.floors.some((f) => f.state === "running");
  const recent = state.results.slice(-5);
  const latest = idle && recent.length ? recent[recent.length - 1 - (floorIndex % recent.length)]
                                       : state.results[state.results.length - 1];
  const box = $("result");
  if (!latest) { box.replaceChildren(); $("side-title").textContent = t("Judges"); return; }
  $("side-title").textContent = `${latest.event} · ${roundName(latest.round)}`;
  if (latest.kind === "recall") {
    const p = document.createElement("p");
    p.className = "recalled";
    p.textContent = latest.recalled ? t("Recalled: {bibs}", { bibs: latest.recalled.join("  ") })
      : t("Tie at the cut: the chair decides");
    box.replaceChildren(p, outPlaces(latest));
    return;
  }
  const order = Object.entries(latest.places).sort((a, b) => b[1] - a[1] || b[0] - a[0]);  // last first
  if (!reveal || reveal.round_id !== latest.round_id) reveal = { round_id: latest.round_id, shown: 1 };
  const list = document.createElement("ol");
  list.reversed = true;
  list.start = order.length;
  list.append(...order.slice(0, reveal.shown).map(([bib, place]) => placing(latest, bib, place)));
  $("side-title").append(span("badge", latest.official ? t("official") : t("provisional")));
  box.replaceChildren(list, outPlaces(latest));
}

setInterval(() => {  // reveal the final's placings one by one, from last to first
  if (reveal && state) {
    const latest = state.results.find((r) => r.round_id === reveal.round_id);
    if (latest && latest.places && reveal.shown < Object.keys(latest.places).length) { reveal.shown += 1; draw(); }
  }
}, 1200);

setInterval(() => { floorIndex += 1; draw(); }, 10000);  // idle rotation between floors
setInterval(() => { couplePage += 1; if (state) draw(); }, 6000);  // the next page of a large heat

async function setupScreen() {
  if (!["127.0.0.1", "localhost", "[::1]"].includes(location.hostname)) return false;
  const response = await fetch("/api/setup/first-enrolment", { cache: "no-store" }).catch(() => null);
  if (!response || !response.ok) return false;
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
  const events = { state: (e) => { state = JSON.parse(e.data); connected(true); draw(); } };
  for (const kind of ["floor.start", "floor.next", "floor.previous", "floor.stop", "sheet.submitted",
                      "sheet.amended", "round.computed", "round.recomputed", "round.advanced", "round.decided",
                      "result.official", "couple.withdrawn", "couple.disqualified"]) {
    events[kind] = load;
  }
  // The stream, or polling /api/live/state while the box refuses it (too many viewers), then the stream again;
  // a dropped stream (the box stopped, the network gone) is checked at once by polling: no answer, the sign.
  follow(`/api/live${wanted ? `?floor=${wanted}` : ""}`, { events, poll: load, onOpen: () => connected(true),
                                                             onDrop: load });
  $("link").textContent = t("Results on your phone: {address}", { address: `${location.host}/results/` });
}

start();
