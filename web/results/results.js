// Public results for phones: one card per couple (place or range, number, names, club; "Withdrawn" or
// "Disqualified" in plain words), its marks and the reasons for its places a tap away, a search by name, club or
// number, and a link per event (?event=3 or #event-3 opens it). On the box it follows the live stream; on the
// cloud (/cloud/web/results/?box=KEY) it polls the synced copy.
import { follow } from "../lib/live.js";
import { danceName, ordinal, roundName } from "../lib/dances.js";
import { t, tn, n_, time } from "../lib/i18n.js";

const params = new URLSearchParams(location.search);
const onCloud = location.pathname.startsWith("/cloud/");
const source = onCloud ? `/cloud/boxes/${encodeURIComponent(params.get("box") || "")}/public/results`
                         + (params.get("competition") ? `?competition=${encodeURIComponent(params.get("competition"))}` : "")
                       : "../api/public/results";
const chosen = params.get("event") || (location.hash.match(/^#event-(\d+)$/) || [])[1] || null;
const $ = (id) => document.getElementById(id);
let shown = false;  // the chosen event has been scrolled to once
// The event's badge: its words, in the page's language.
const STATES = { official: n_("official"), provisional: n_("provisional"), running: n_("running") };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function table(caption, header, rows) {
  const head = el("tr", {}, ...header.map((h) => el("th", { scope: "col" }, String(h))));
  const body = rows.map(([first, ...rest]) =>
    el("tr", {}, el("th", { scope: "row" }, String(first)), ...rest.map((c) => el("td", {}, String(c)))));
  return el("div", { class: "scroll" },
            el("table", {}, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, ...body)));
}

function recallMarks(round, bib) {
  // The couple's crosses in a recall round: a row per dance, a column per judge.
  const marks = round.marks;
  const crossed = (d, j) => (marks.marks[d][j].includes(bib) ? "X" : "·");
  const went = round.recalled ? (round.recalled.includes(bib) ? t("recalled") : t("not recalled"))
                              : t("tie at the cut: the chair decides");
  const rows = marks.dances.map((d) => [danceName(d), ...marks.judges.map((j) => crossed(d, j))]);
  const said = { round: roundName(round.round), went };
  return [el("h4", {}, tn(round.totals[bib], "{round}: {n} cross, {went}", "{round}: {n} crosses, {went}", said)),
          table(t("Crosses of couple {bib} in the {round}", { bib, round: roundName(round.round) }),
                [t("Dance"), ...marks.judges], rows)];
}

function finalMarks(round, bib) {
  // The couple's places from each judge in each dance, the dance's place, then the reason for its final place.
  const marks = round.marks;
  const rows = marks.dances.map((d) => [danceName(d), ...marks.marks[d][bib], round.dances[d][bib]]);
  const place = round.places[bib];
  const said = { round: roundName(round.round), place: ordinal(Math.floor(place)) };
  return [el("h4", {}, place % 1 ? t("{round}: {place} (shared)", said) : t("{round}: {place}", said)),
          table(t("Places of couple {bib} in the {round}", { bib, round: roundName(round.round) }),
                [t("Dance"), ...marks.judges, t("Place")], rows),
          el("p", { class: "reason" }, (round.reasons || {})[bib] || "")];
}

function marksOf(event, bib) {
  const parts = [];
  for (const round of event.rounds) {
    if (!round.marks) continue;
    if (round.kind === "recall" && round.totals && bib in round.totals) parts.push(...recallMarks(round, bib));
    if (round.kind === "final" && round.places && bib in round.places) parts.push(...finalMarks(round, bib));
  }
  return parts.length ? parts : [el("p", {}, t("No marks of this couple are published."))];
}

function headline(place) {
  if (place.status === "disqualified") return t("Disqualified");
  if (place.status === "withdrawn") return t("Withdrawn");
  if (place.status === "recalled") return t("Still dancing");
  return place.label;
}

function card(event, place) {
  const names = [place.leader, place.follower].filter(Boolean).join(" & ");
  const words = `${place.bib} ${names} ${place.club || ""}`.toLowerCase();
  const where = place.status === "recalled" ? t("recalled from the {round}", { round: roundName(place.round) })
              : place.place === null && place.round && !place.status ? t("out in the {round}", { round: roundName(place.round) })
              : "";
  return el("li", { class: `card ${place.status || "placed"}`, "data-bib": String(place.bib), "data-search": words },
    el("p", { class: "place" }, headline(place)),
    el("p", { class: "who" }, el("span", { class: "bib" }, String(place.bib)), " ",
       el("span", { class: "names" }, names || t("Couple {bib}", { bib: place.bib }))),
    place.club ? el("p", { class: "club" }, place.club) : null,
    place.why || where ? el("p", { class: "why" }, place.why || where) : null,
    el("details", { class: "marks", "data-key": `${event.event_id}-${place.bib}` },
       el("summary", {}, t("Marks and reasons")), ...marksOf(event, place.bib)));
}

function stillDancing(event) {
  // The couples recalled from the latest recall round with no place yet: they are still in the event.
  const last = event.rounds[event.rounds.length - 1];
  if (!last || last.kind !== "recall" || !last.recalled) return [];
  const placed = new Set(event.standings.map((p) => p.bib));
  return last.recalled.filter((b) => !placed.has(b)).map((bib) => ({
    bib, status: "recalled", round: last.round, place: null, label: "", ...((event.couples || {})[bib] || {}),
  }));
}

function section(event) {
  const final = event.rounds.find((r) => r.kind === "final");
  const state = final ? (final.official ? "official" : "provisional") : "running";  // the badge's class
  const cards = [...stillDancing(event), ...event.standings].map((p) => card(event, p));
  const link = el("a", { href: `?event=${event.event_id}`, class: "share" }, t("Link to this event"));
  return el("section", { class: "event", id: `event-${event.event_id}` },
    el("details", { "data-key": `event-${event.event_id}` },
       el("summary", {}, el("h2", {}, event.event), " ", el("span", { class: `badge ${state}` }, t(STATES[state]))),
       link, el("ol", { class: "cards" }, ...cards)));
}

function render(data) {
  const root = $("events");
  const open = new Set([...root.querySelectorAll("details[open]")].map((d) => d.dataset.key));
  const first = !root.children.length;
  root.replaceChildren(...data.events.map(section));
  for (const details of root.querySelectorAll("details[data-key^=event-]")) {
    const mine = details.dataset.key === `event-${chosen}`;
    details.open = first ? (chosen === null || mine) : open.has(details.dataset.key);
  }
  for (const details of root.querySelectorAll("details.marks")) details.open = open.has(details.dataset.key);
  filter();
  $("status").textContent = data.events.length
    ? t("Updated {time}", { time: time(new Date(), { hour: "2-digit", minute: "2-digit", second: "2-digit" }) })
    : t("No results yet.");
  const target = chosen && $(`event-${chosen}`);
  if (target && !shown) { shown = true; target.scrollIntoView(); }
}

function filter() {
  // Cards whose number, names or club contain the search; an event without one is hidden, one with one opened.
  const query = $("search").value.trim().toLowerCase();
  let matches = 0;
  for (const event of $("events").children) {
    let here = 0;
    for (const c of event.querySelectorAll(".card")) {
      c.hidden = query !== "" && !c.dataset.search.includes(query);
      here += c.hidden ? 0 : 1;
    }
    event.hidden = query !== "" && here === 0;
    if (query !== "" && here) event.querySelector("details").open = true;
    matches += here;
  }
  $("found").textContent = query ? tn(matches, "{n} couple matches “{query}”", "{n} couples match “{query}”", { query }) : "";
}

async function refresh() {
  try {
    const response = await fetch(source, { cache: "no-store" });
    if (!response.ok) throw new Error(t("results unavailable ({status})", { status: response.status }));
    render(await response.json());
  } catch (err) {  // a TypeError: no answer at all (the box or the network is down)
    $("status").textContent = err instanceof TypeError
      ? t("No connection: these are the last results shown; trying again…") : err.message;
  }
}

$("search").addEventListener("input", filter);
refresh();
if (!onCloud) {  // the stream, or polling while the box refuses it (too many viewers), then the stream again
  const events = Object.fromEntries(["round.computed", "round.recomputed", "round.decided", "result.official",
                                     "couple.withdrawn", "couple.disqualified"].map((kind) => [kind, refresh]));
  // only the kinds this page shows: a phone in the crowd gets one frame per result, not one per sheet
  follow("/api/live?only=results", { events, poll: refresh, onOpen: refresh, onDrop: refresh, pollEvery: 15000 });
} else {
  setInterval(refresh, 15000);
}
