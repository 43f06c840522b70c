// A computed round's marks in the conventional layout, the same as the printed marks report: the box builds both
// from one computation (GET /api/events/{id}/marks-report, appliance/printing/marks.py); nothing is computed here.
// A recall round: couples by judges' crosses per dance, the total and who is recalled, the cut under the last
// recalled couple, the crosses each judge gave. A final: each dance's places by judge with the Skating columns
// (1, 1-2, 1-3 ...) and the place, the result over all dances, Rules 10 and 11 where they decided, and each place's reason.
import { el, scroller } from "./forms.js";
import { danceName } from "../lib/dances.js";
import { lang, t } from "../lib/i18n.js";

// "1st" as the box says it; "1." in German
const placeWord = (ordinal) => (lang === "de" ? `${parseInt(ordinal, 10)}.` : ordinal);
const th = (text, attrs = {}) => el("th", { scope: "col", ...attrs }, text);
const td = (text, attrs = {}) => el("td", attrs, text);

// A wide table scrolls sideways by itself (a region that the keyboard reaches), not the page.
function recallNote(r) {
  const rule = t("Recall {n} couples (Rule 1: the most crosses over all dances).", { n: r.recall });
  if (r.tie_at_cut && !r.recalled.length) {
    const options = r.cut_options.map((o) => o.length).join(" / ");
    return el("p", { class: "note" }, rule, " ", t("Tie at the cut: waiting for the chair (recall {options}).", { options }));
  }
  return el("p", { class: "note" }, rule, " ", t("Recalled {n}, cut at {total} crosses.", { n: r.recalled.length, total: r.cut_total }));
}

function recallTable(r) {
  const judges = r.judges.map((j) => j.letter);
  const head = el("thead", {}, el("tr", {}, th(t("No."), { rowspan: 2 }),
    ...r.dances.map((d) => th(danceName(d), { colspan: judges.length, class: "c" })),
    th(t("Total"), { rowspan: 2 }), th(t("Recalled"), { rowspan: 2 })),
  el("tr", {}, ...r.dances.flatMap(() => judges.map((j) => th(j, { class: "c" })))));
  const rows = r.rows.map((row) => el("tr", { class: [row.cut ? "cut" : "", row.recalled ? "" : "out"].join(" ").trim() || null,
    "data-bib": row.bib }, el("th", { scope: "row" }, row.bib), ...row.crosses.flat().map((x) => td(x, { class: "c" })),
  td(el("b", {}, row.total)), td(row.recalled ? t("yes") : "", { class: "c" })));
  const totals = el("tr", { class: "per-judge" }, el("th", { scope: "row" }, t("crosses")),
    ...r.per_judge.flat().map((n) => td(n, { class: "c" })), td(""), td(""));
  return el("table", { class: "marks-layout recall" }, head, el("tbody", {}, ...rows, totals));
}

function danceTable(r, d) {
  const head = el("thead", {}, el("tr", {}, th(t("No.")), ...r.judges.map((j) => th(j.letter, { class: "c" })),
    ...r.columns.map((c) => th(c, { class: "c" })), th(t("Place")), th(t("Rule"))));
  const rows = d.rows.map((row) => el("tr", { "data-bib": row.bib }, el("th", { scope: "row" }, row.bib),
    ...row.marks.map((m) => td(m, { class: "c" })), ...row.columns.map((c) => td(c, { class: "c" })),
    td(el("b", {}, row.place)), td(`R${row.rule}`, { class: "c" })));
  return [el("h4", {}, t("{dance}: majority {majority} of {judges}", { dance: danceName(d.dance), majority: d.majority,
    judges: r.judges.length })), el("table", { class: "marks-layout final", "data-dance": d.dance }, head, el("tbody", {}, ...rows))];
}

function overallTable(r) {
  const head = el("thead", {}, el("tr", {}, th(t("No.")), ...r.dances.map((d) => th(danceName(d), { class: "c" })),
    th(t("Total")), th(t("Place")), th(t("Rule"))));
  const rows = r.overall.map((row) => el("tr", {}, el("th", { scope: "row" }, row.bib), ...row.places.map((p) => td(p, { class: "c" })),
    td(row.total), td(el("b", {}, row.place)), td(`R${row.rule}`, { class: "c" })));
  return [el("h4", {}, t("Result over all dances (Rule 9: total of dance places)")),
    el("table", { class: "marks-layout overall" }, head, el("tbody", {}, ...rows))];
}

function ruleTables(r) {
  const nodes = [];
  for (const step of r.rule10) {
    nodes.push(el("h4", {}, t("Rule 10 for the {place} place", { place: placeWord(step.place) })), el("table", { class: "marks-layout" },
      el("thead", {}, el("tr", {}, th(t("No.")), th(t("Dances placed this or better")), th(t("Sum of those places")), th(""))),
      el("tbody", {}, ...step.rows.map((row) => el("tr", {}, el("th", { scope: "row" }, row.bib), td(row.dances), td(row.sum),
        td(row.wins ? t("wins") : ""))))));
  }
  for (const step of r.rule11) {
    nodes.push(el("h4", {}, t("Rule 11 for the {place} place: {marks} pooled marks each, majority {majority}",
      { ...step, place: placeWord(step.place) })),
      el("table", { class: "marks-layout" }, el("thead", {}, el("tr", {}, th(t("No.")), ...step.columns.map((c) => th(c)), th(""))),
        el("tbody", {}, ...step.rows.map((row) => el("tr", {}, el("th", { scope: "row" }, row.bib),
          ...row.cells.map((c) => td(c, { class: "c" })), td(row.wins ? t("wins") : ""))))));
  }
  return nodes;
}

function reasons(r) {
  return [el("h4", {}, t("Placings and their reasons")), el("table", { class: "marks-layout reasons" },
    el("thead", {}, el("tr", {}, th(t("Place")), th(t("No.")), th(t("Reason")))),
    el("tbody", {}, ...r.reasons.map((p) => el("tr", {}, td(p.place), td(p.bib), td(p.reason)))))];
}

// One round of the marks report (`r`: a round of GET /api/events/{id}/marks-report).
export function marksLayout(r, title) {
  const judges = el("p", { class: "note" }, t("Judges: {judges}.", { judges: r.judges.map((j) => `${j.letter} ${j.name}`).join("; ") }),
    " ", t("Sheets checksum {checksum}.", { checksum: r.checksum }));
  const label = t("Marks of {round}", { round: title });
  if (r.kind === "recall") {
    return el("div", { class: "marks", "data-round": r.round_id }, judges, recallNote(r), scroller(label, recallTable(r)),
      ...r.warnings.map((w) => el("p", { class: "note" }, t("Warning: {warning}", { warning: w }))));
  }
  const tables = r.final_dances.flatMap((d) => danceTable(r, d));
  const overall = r.final_dances.length > 1 ? overallTable(r) : [];
  return el("div", { class: "marks", "data-round": r.round_id }, judges,
    scroller(label, ...tables, ...overall, ...ruleTables(r)), ...reasons(r));
}
