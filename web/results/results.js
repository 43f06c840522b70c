// Public results for phones: every computed round with its marks and the reason for each place.
// On the box it follows the live stream; on the cloud (/cloud/web/results/?box=KEY) it polls the synced copy.
import { follow } from "../lib/live.js";

const params = new URLSearchParams(location.search);
const onCloud = location.pathname.startsWith("/cloud/");
const source = onCloud ? `/cloud/boxes/${encodeURIComponent(params.get("box") || "")}/public/results`
                       : "/api/public/results";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function table(header, rows) {
  const head = el("tr", {}, ...header.map((h) => el("th", { scope: "col" }, String(h))));
  const body = rows.map((r) => el("tr", {}, ...r.map((c, i) =>
    el("td", i === r.length - 1 && typeof c === "string" && c.length > 12 ? { class: "reason" } : {}, String(c)))));
  return el("div", { class: "scroll" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body)));
}

function finalRound(round) {
  const marks = round.marks;
  const couples = Object.keys(round.places).sort((a, b) => round.places[a] - round.places[b] || a - b);
  const header = ["Place", "Couple", ...marks.dances.map((d) => `${d} (${marks.judges.join("")})`), "Reason"];
  const rows = couples.map((c) => [
    round.places[c], c,
    ...marks.dances.map((d) => `${marks.marks[d][c].join(" ")} → ${round.dances[d][c]}`),
    round.reasons[c],
  ]);
  return table(header, rows);
}

function recallRound(round) {
  const marks = round.marks;
  const couples = Object.keys(round.totals).sort((a, b) => round.totals[b] - round.totals[a] || a - b);
  const crossed = (d, j, c) => marks.marks[d][j].includes(Number(c)) ? "X" : "·";
  const header = ["Couple", ...marks.dances.map((d) => `${d} ${marks.judges.join("")}`), "Crosses", "Recalled"];
  const rows = couples.map((c) => [
    c, ...marks.dances.map((d) => marks.judges.map((j) => crossed(d, j, c)).join("")), round.totals[c],
    round.recalled && round.recalled.includes(Number(c)) ? "yes" : "",
  ]);
  return table(header, rows);
}

function places(event) {
  // Places for everyone: the final's, then the couples out in each round below all who went further.
  const rows = (event.standings || []).map((p) => [p.label, p.bib, p.round, p.crosses === null ? "" : p.crosses]);
  return el("section", { class: "round places" }, el("h3", {}, "Places"),
            table(["Place", "Couple", "Out in / final", "Crosses"], rows));
}

function render(data) {
  const root = document.getElementById("events");
  root.replaceChildren();
  for (const event of data.events) {
    const section = el("section", { class: "event" }, el("h2", {}, event.event));
    if (event.standings && event.standings.length) section.append(places(event));
    for (const round of [...event.rounds].reverse()) {
      const badge = round.kind === "final"
        ? el("span", { class: round.official ? "badge official" : "badge" }, round.official ? "official" : "provisional")
        : el("span", { class: "badge" }, round.recalled ? `${round.recalled.length} recalled` : "tie at the cut: the chair decides");
      section.append(el("section", { class: "round" }, el("h3", {}, `${round.round} `, badge),
                        round.kind === "final" ? finalRound(round) : recallRound(round)));
    }
    root.append(section);
  }
  document.getElementById("status").textContent =
    data.events.length ? `Updated ${new Date().toLocaleTimeString()}` : "No results yet.";
}

async function refresh() {
  try {
    const response = await fetch(source, { cache: "no-store" });
    if (!response.ok) throw new Error(`results unavailable (${response.status})`);
    render(await response.json());
  } catch (err) {
    document.getElementById("status").textContent = err.message;
  }
}

refresh();
if (!onCloud) {  // the stream, or polling while the box refuses it (too many viewers), then the stream again
  const events = Object.fromEntries(["round.computed", "round.recomputed", "round.decided", "result.official"]
    .map((kind) => [kind, refresh]));
  follow("/api/live", { events, poll: refresh, onOpen: refresh, pollEvery: 15000 });
} else {
  setInterval(refresh, 15000);
}
