// The desk's live side: who has sent each dance's sheet, who is late (judge letter and name) and for how long,
// and the desk following the live stream (/api/live) so that the progress and the floors' now/next update by
// themselves. How long a judge is late is counted on the box's clock (GET .../progress answers its `now`), from
// the first sheet of that dance arriving, or, before any arrived, from the floor going onto the dance.
import { follow } from "../lib/live.js";
import { danceName } from "../lib/dances.js";

// The change-log kinds that move the floors or the sheets (the public frames of /api/live).
const KINDS = ["floor.start", "floor.next", "floor.previous", "floor.stop", "sheet.submitted", "sheet.amended",
  "sheet.corrected", "round.computed", "round.recomputed", "round.advanced", "round.decided", "round.drawn",
  "result.official", "couple.withdrawn", "couple.disqualified"];

let offset = 0; // the box's clock minus this page's clock, from the last progress answer

const clock = (iso) => new Date(iso).toLocaleTimeString("en-GB", { hour12: false });

export function waited(since) {
  const seconds = Math.max(0, Math.round((Date.now() + offset - Date.parse(since)) / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes ? `${minutes} min ${String(seconds % 60).padStart(2, "0")} s` : `${seconds} s`;
}

function lateText(d) {
  const who = d.late.map((j) => `${j.letter} (${j.name})`).join(", ");
  const from = d.late_from === "first_sheet"
    ? `since the first sheet of this dance arrived at ${clock(d.late_since)}`
    : `since the dance started at ${clock(d.late_since)}`;
  return { who, from };
}

function danceCell(el, d) {
  const sent = d.sent.length ? `sent: ${d.sent.join(" ")}` : "nothing sent yet";
  if (!d.late || !d.late.length) {
    return el("td", {}, `${danceName(d.dance)}: ${sent}${d.missing.length ? `; waiting for ${d.missing.join(" ")}` : ""}`);
  }
  const { who, from } = lateText(d);
  return el("td", { class: "late", "data-dance": d.dance },
    `${danceName(d.dance)}: ${sent}. `, el("strong", {}, `Late: ${who}`), ", for ",
    el("span", { class: "waited", "data-since": d.late_since }, waited(d.late_since)), ` ${from}.`);
}

// The "Sheets" section: one row per active round, one cell per dance, the late judges highlighted.
export function progressSection(el, progress) {
  offset = progress.now ? Date.parse(progress.now) - Date.now() : 0;
  const rounds = progress.rounds.filter((r) => r.state === "running" || r.dances.some((d) => d.sent.length));
  const rows = rounds.map((r) => el("tr", { "data-round": r.round_id }, el("td", {}, r.event), el("td", {}, r.round),
    el("td", {}, r.state), ...r.dances.map((d) => danceCell(el, d))));
  const late = rounds.flatMap((r) => r.dances.filter((d) => d.late && d.late.length));
  const summary = late.length
    ? `${late.length} dance${late.length > 1 ? "s" : ""} waiting for late sheets`
    : "No sheet is late.";
  const widest = Math.max(0, ...rounds.map((r) => r.dances.length));
  const head = ["Event", "Round", "State", ...Array.from({ length: widest }, (_, i) => `Dance ${i + 1}`)];
  return el("section", { id: "progress", "aria-labelledby": "progress-title" },
    el("h2", { id: "progress-title" }, "Sheets"), el("p", { id: "progress-summary", role: "status" }, summary),
    rounds.length ? el("table", {}, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...rows)) : el("p", {}, "No round is being danced."));
}

// Every second, the "for ..." of each late judge counts on.
setInterval(() => {
  for (const node of document.querySelectorAll("[data-since]")) node.textContent = waited(node.dataset.since);
}, 1000);

// Follow the live stream; `refresh` is called (at most once per 200 ms) after a change to the floors or sheets.
export function liveDesk(refresh) {
  let pending = null;
  const soon = () => {
    if (pending === null) pending = setTimeout(() => { pending = null; refresh(); }, 200);
  };
  follow("/api/live", { events: Object.fromEntries(KINDS.map((k) => [k, soon])), poll: soon });
}
