// The desk's Results tab: for the chair, the chair's decisions first (chair.js); then each event's places, its
// printed documents, withdrawals and disqualifications (outcomes.js), star couples and redance (stars.js), and each
// round with its marks in the conventional layout (marks.js); the scrutineer keys in paper sheets and corrects them.
import { el, form, list, table } from "./forms.js";
import { chairActions } from "./chair.js";
import { marksLayout } from "./marks.js";
import { outcomeControls } from "./outcomes.js";
import { starControls } from "./stars.js";
import { signed } from "../lib/device.js";
import { danceName, roundName } from "../lib/dances.js";
import { n_, t } from "../lib/i18n.js";

const DOCS = { couples: n_("Couples"), draw: n_("Draw"), "judges-sheets": n_("Judges' sheets"), marks: n_("Marks"),
  results: n_("Results"), "chair-report": n_("Chair's report") };
const STATES = { planned: n_("planned"), drawn: n_("drawn"), running: n_("running"), computed: n_("computed"),
  awaiting_chair: n_("waiting for the chair"), closed: n_("closed"), official: n_("official") };
const COMPUTED = ["computed", "awaiting_chair", "closed", "official"];

function refused(response, data) {
  const error = document.getElementById("error");
  error.textContent = data.error ? data.error.message : t("the box answered {status}", { status: response.status });
  error.hidden = false;
}

// The printed documents (A4 PDF, GET /api/events/{id}/print/{doc}): a signed request, saved as a file.
function printButtons(event) {
  return el("p", { class: "no-print print-documents" }, t("PDF:"), " ", ...Object.entries(DOCS).map(([doc, label]) => el("button", {
    type: "button", "data-doc": doc, onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        const response = await signed("GET", `/api/events/${event.id}/print/${doc}`);
        if (!response.ok) return refused(response, await response.json().catch(() => ({})));
        const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `${event.name} - ${t(label)}.pdf` });
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 60000);
      } finally { ev.target.disabled = false; }
    } }, t(label))));
}

const sheetBody = (r, marks) => {
  const bibs = list(marks).map(Number);
  return r.kind === "final" ? { places: Object.fromEntries(bibs.map((b, i) => [String(b), i + 1])) } : { crosses: bibs };
};

function sheetFields(e, r) {
  return [{ name: "dance", label: t("Dance"), options: e.dances.map((d) => [d, danceName(d)]) }, { name: "judge", label: t("Judge") },
    { name: "marks", label: r.kind === "final" ? t("Bibs in placing order") : t("Bibs crossed") }];
}

function correction(desk, e, r) {
  const pin = { name: "pin", label: t("Chair's PIN"), type: "password", attrs: { inputmode: "numeric", autocomplete: "off" } };
  return form([...sheetFields(e, r), pin], t("Correct with the chair's PIN"), (v) => desk.api("POST",
    `/api/rounds/${r.id}/sheets/${v.dance}/judges/${v.judge.toUpperCase()}/correction`, { sheet: sheetBody(r, v.marks), pin: v.pin }),
  (v) => t("Corrected judge {judge}'s sheet of {dance} in {event}, {round}; the round is computed again.",
    { judge: v.judge.toUpperCase(), dance: danceName(v.dance), event: e.name, round: roundName(r.name) }));
}

function keyIn(desk, e, r) {
  return form(sheetFields(e, r), t("Key in paper sheet"), (v) => desk.api("POST",
    `/api/rounds/${r.id}/sheets/${v.dance}/judges/${v.judge.toUpperCase()}`, sheetBody(r, v.marks)),
  (v) => t("Keyed in judge {judge}'s paper sheet of {dance} in {event}, {round}.",
    { judge: v.judge.toUpperCase(), dance: danceName(v.dance), event: e.name, round: roundName(r.name) }));
}

function roundBlock(desk, e, r, shown) {
  const title = t("{round}: {state} · judges {panel}", { round: roundName(r.name), state: t(STATES[r.state] || r.state), panel: r.panel.join("") });
  const block = el("div", { class: "round", "data-round": r.id }, el("h3", {}, title));
  if (COMPUTED.includes(r.state) && shown) block.append(marksLayout(shown, `${e.name}, ${roundName(r.name)}`));
  const scrutineer = desk.me.role === "scrutineer";
  if (scrutineer && COMPUTED.includes(r.state) && r.state !== "official") block.append(correction(desk, e, r));
  if (scrutineer && ["drawn", "running"].includes(r.state)) block.append(keyIn(desk, e, r));
  return block;
}

function places(standing) {
  if (!standing.placings.length) return [];  // places for everyone: couples out early below all who went further
  return [table([t("Place"), t("Bib"), t("Couple"), t("Round"), t("Crosses")], standing.placings.map((p) =>
    [p.label, p.bib, `${p.leader} / ${p.follower}`, roundName(p.round), p.crosses === null ? "" : p.crosses]), { class: "places" })];
}

export async function resultsView(desk) {
  const [events, entries] = await Promise.all([desk.api("GET", `${desk.path}/events`), desk.api("GET", `${desk.path}/entries`)]);
  const read = await Promise.all(events.map((e) => Promise.all([desk.api("GET", `/api/events/${e.id}/plan`),
    desk.api("GET", `/api/events/${e.id}/results`), desk.api("GET", `/api/events/${e.id}/marks-report`)])));
  const plans = Object.fromEntries(events.map((e, i) => [e.id, read[i][0]]));
  const nodes = [el("button", { type: "button", class: "no-print", onclick: () => window.print() }, t("Print"))];
  if (desk.me.role === "chair") nodes.push(await chairActions(desk, events, plans));
  events.forEach((e, i) => {
    const [plan, standing, report] = read[i];
    const byRound = Object.fromEntries(report.rounds.map((r) => [r.round_id, r]));
    nodes.push(el("h2", {}, e.name), printButtons(e), ...places(standing),
      outcomeControls(el, { event: e, entries, standing, plan, role: desk.me.role, refresh: desk.refresh }),
      starControls(el, { event: e, entries, plan, role: desk.me.role, refresh: desk.refresh }),
      ...plan.rounds.map((r) => roundBlock(desk, e, r, byRound[r.id])));
  });
  return nodes;
}
