// The desk's live side: who has sent each dance's sheet, who is late (judge letter and name) and for how long,
// and the desk following the live stream (/api/live) so that the progress and the floors' now/next update by
// themselves. How long a judge is late is counted on the box's clock (GET .../progress answers its `now`), from
// the first sheet of that dance arriving, or, before any arrived, from the floor going onto the dance.
import { follow } from "../lib/live.js";
import { danceName, roundName } from "../lib/dances.js";
import { t, tn, n_, time } from "../lib/i18n.js";

// The change-log kinds that move the floors or the sheets (the public frames of /api/live).
const KINDS = ["floor.start", "floor.next", "floor.previous", "floor.stop", "sheet.submitted", "sheet.amended",
  "sheet.corrected", "round.computed", "round.recomputed", "round.advanced", "round.decided", "round.drawn",
  "result.official", "couple.withdrawn", "couple.disqualified"];

let offset = 0; // the box's clock minus this page's clock, from the last progress answer

const clock = (iso) => time(iso, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

// A round's state as the box names it, in the page's language.
const STATES = { drawn: n_("drawn"), running: n_("running"), computed: n_("computed"),
  awaiting_chair: n_("awaiting the chair") };
export const stateName = (state) => (state in STATES ? t(STATES[state]) : state);

// t() with some fields filled by elements (the late judges in bold, the time counting on): the pieces in order.
function pieces(text, params, nodes) {
  return t(text, params).split(/\{(\w+)\}/).map((part, i) => (i % 2 ? nodes[part] ?? part : part));
}

export function waited(since) {
  const seconds = Math.max(0, Math.round((Date.now() + offset - Date.parse(since)) / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes ? t("{minutes} min {seconds} s", { minutes, seconds: String(seconds % 60).padStart(2, "0") })
    : t("{seconds} s", { seconds });
}

function lateText(d) {
  const who = d.late.map((j) => `${j.letter} (${j.name})`).join(", ");
  const at = clock(d.late_since);
  const from = d.late_from === "first_sheet"
    ? t("since the first sheet of this dance arrived at {time}", { time: at })
    : t("since the dance started at {time}", { time: at });
  return { who, from };
}

function danceCell(el, d) {
  const sent = d.sent.length ? t("sent: {judges}", { judges: d.sent.join(" ") }) : t("nothing sent yet");
  const dance = danceName(d.dance);
  if (!d.late || !d.late.length) {
    return el("td", {}, d.missing.length
      ? t("{dance}: {sent}; waiting for {judges}", { dance, sent, judges: d.missing.join(" ") })
      : t("{dance}: {sent}", { dance, sent }));
  }
  const { who, from } = lateText(d);
  const late = el("strong", {}, t("Late: {judges}", { judges: who }));
  const counting = el("span", { class: "waited", "data-since": d.late_since }, waited(d.late_since));
  return el("td", { class: "late", "data-dance": d.dance }, ...pieces(n_("{dance}: {sent}. {late}, for {waited} {since}."),
    { dance, sent, since: from }, { late, waited: counting }));
}

// The "Sheets" section: one row per active round, one cell per dance, the late judges highlighted.
export function progressSection(el, progress) {
  offset = progress.now ? Date.parse(progress.now) - Date.now() : 0;
  const rounds = progress.rounds.filter((r) => r.state === "running" || r.dances.some((d) => d.sent.length));
  const rows = rounds.map((r) => el("tr", { "data-round": r.round_id }, el("td", {}, r.event), el("td", {}, roundName(r.round)),
    el("td", {}, stateName(r.state)), ...r.dances.map((d) => danceCell(el, d))));
  const late = rounds.flatMap((r) => r.dances.filter((d) => d.late && d.late.length));
  const summary = late.length
    ? tn(late.length, "{n} dance waiting for late sheets", "{n} dances waiting for late sheets")
    : t("No sheet is late.");
  const widest = Math.max(0, ...rounds.map((r) => r.dances.length));
  const head = [t("Event"), t("Round"), t("State"),
    ...Array.from({ length: widest }, (_, i) => t("Dance {number}", { number: i + 1 }))];
  return el("section", { id: "progress", "aria-labelledby": "progress-title" },
    el("h2", { id: "progress-title" }, t("Sheets")), el("p", { id: "progress-summary", role: "status" }, summary),
    rounds.length ? el("table", {}, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...rows)) : el("p", {}, t("No round is being danced.")));
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
