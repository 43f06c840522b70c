// Importing couples from a CSV file on the desk (POST /api/competitions/{id}/entries/import, the file as the body):
// chosen with a file input or pasted. A file with any bad row imports nothing: the box lists every bad row, and the
// desk shows them by row in plain words ("row 3: leader must not be empty"), under the form. "Skip the bad rows"
// imports the good ones and still lists the rest.
import { el, form } from "./forms.js";
import { signed } from "../lib/device.js";
import { t, tn } from "../lib/i18n.js";

const HEADER = "leader,follower,club,country,events";

const rowLine = (e) => t("row {row}: {message}", { row: e.row, message: e.message });

async function send(desk, text, skip) {
  const query = skip ? "?skip_invalid=true" : "";
  const response = await signed("POST", `${desk.path}/entries/import${query}`, text, undefined, "text/csv");
  const data = await response.json().catch(() => ({}));
  if (response.ok) return data;
  const error = data.error || {};
  const rows = (error.details || []).map(rowLine);
  const plain = rows.length
    ? tn(rows.length, "Nothing was imported: 1 row has an error.", "Nothing was imported: {n} rows have errors.")
    : error.message || t("the box answered {status}", { status: response.status });
  throw Object.assign(new Error(plain), { field: error.field === "file" ? "file" : null, plain, rows });
}

function reportText(report) {
  const done = tn(report.imported, "Imported 1 couple's entries", "Imported {n} couples' entries");
  if (!report.skipped) return t("{done} from the CSV file.", { done });
  return t("{done}; skipped {skipped} rows with errors.", { done, skipped: report.skipped });
}

// The rows a "skip the bad rows" import left out: listed under the form, also after the view is rebuilt.
let skipped = [];

export function importForm(desk) {
  const node = form([
    { name: "file", label: t("CSV file"), type: "file", attrs: { accept: ".csv,text/csv,text/plain" } },
    { name: "text", label: t("or paste the CSV here"), type: "textarea", attrs: { placeholder: HEADER, spellcheck: "false" } },
    { name: "skip", label: t("Skip the bad rows (import the good ones)"), type: "checkbox", value: false }],
  t("Import couples"), async (v) => {
    const text = v.file ? await v.file.text() : v.text;
    if (!text.trim()) throw Object.assign(new Error(), { field: "file", plain: t("Choose a CSV file, or paste one.") });
    const report = await send(desk, text, v.skip);
    skipped = report.errors.map(rowLine);
    return report;
  }, (v, report) => reportText(report), { id: "import" });
  return [el("h3", { id: "import-title" }, t("Import couples from a CSV file")),
    el("p", {}, t("Columns: {header}. Events by name, several separated by ;", { header: HEADER })), node,
    ...(skipped.length ? [el("ul", { class: "row-errors", id: "import-skipped" }, ...skipped.map((r) => el("li", {}, r)))] : [])];
}
