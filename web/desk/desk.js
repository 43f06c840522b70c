// The scrutineer's (and the chair's) desk: the tabs, the competition selected, and the box's answers. Each tab's
// view is its own module: setup.js, entries.js (registration), floors.js (floors, devices), results.js (with the
// chair's actions first for the chair, chair.js, and the marks layout, marks.js).
import { device, signed } from "../lib/device.js";
import { n_, t } from "../lib/i18n.js";
import { el, formsInUse, keepFormsInUse, view } from "./forms.js";
import { liveDesk } from "./progress.js";
import { said, statusLine } from "./feedback.js";
import { setupView } from "./setup.js";
import { registrationView } from "./entries.js";
import { devicesView, floorView } from "./floors.js";
import { resultsView } from "./results.js";

const $ = (id) => document.getElementById(id);

async function api(method, path, body = null) {
  const response = await signed(method, path, body);
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.error || {};
    const message = error.message ? (error.field ? `${error.message} (${error.field})` : error.message)
      : t("the box answered {status}", { status: response.status });
    $("error").textContent = message;
    $("error").hidden = false;
    throw Object.assign(new Error(message), { field: error.field, plain: error.message, details: error.details });
  }
  $("error").hidden = true;
  return data;
}

function showQr(made) {
  $("qr-box").innerHTML = made.qr_svg;
  $("qr-url").textContent = made.url;
  $("qr-dialog").showModal();
}
$("qr-close").onclick = () => $("qr-dialog").close();

// What every view is given: the box, the competition selected, and how to show the view again.
const desk = { me: device(), competition: null, api, showQr, path: "", refresh: () => show(), reload: () => loadCompetitions() };

// The tabs a role may use: the chair none of the scrutineer's setup, registration or devices, and its decisions first.
const TABS = {
  scrutineer: { setup: n_("Setup"), registration: n_("Registration"), floor: n_("Floors"), devices: n_("Devices & progress"),
    results: n_("Results") },
  chair: { results: n_("Decisions & results"), floor: n_("Floors") },
};
const VIEWS = { setup: setupView, registration: registrationView, floor: floorView, devices: devicesView, results: resultsView };
const tabs = () => TABS[desk.me.role];
let tab = desk.me && desk.me.role === "chair" ? "results" : "floor";

let shown = 0; // the latest show(): an earlier one that answers later must not put older data back

async function show() {
  const mine = ++shown;
  $("tabs").replaceChildren(...Object.entries(tabs()).map(([key, label]) => el("button", { type: "button",
    id: `tab-${key}`, "aria-current": String(key === tab), onclick: () => { tab = key; said(""); show(); } }, t(label))));
  const key = desk.competition || !("setup" in tabs()) ? tab : "setup";
  const sameTab = $("view").dataset.tab === key;
  let nodes;
  try {
    nodes = desk.competition || key === "setup" ? await VIEWS[key](desk) : [el("p", {}, t("No competition yet."))];
  } catch (err) {
    nodes = [el("p", { class: "message bad" }, err.message)];
  }
  if (mine !== shown) return;
  const focused = document.activeElement;
  const caret = focused && focused.tagName === "INPUT" ? [focused.selectionStart, focused.selectionEnd] : null;
  // the same tab again: do not wipe what is being typed, and give the cursor back to the field it was in
  const refocus = sameTab ? keepFormsInUse(formsInUse($("view")), nodes) : null;
  $("view").replaceChildren(statusLine(), ...nodes);
  $("view").dataset.tab = key;
  if (refocus && !refocus.disabled) {
    refocus.focus();
    try { if (caret) refocus.setSelectionRange(...caret); } catch { /* not a text field */ }
  }
}
view.refresh = show;

// The competition selected: its floors are the schedule's too (web/lib/schedule.js reads data-competition).
function select(competition) {
  desk.competition = competition;
  desk.path = competition ? `/api/competitions/${competition.id}` : "";
  const schedule = $("schedule");
  if (schedule && competition && schedule.dataset.competition !== String(competition.id)) {
    schedule.dataset.competition = competition.id;
    schedule.dispatchEvent(new Event("schedule:refresh"));
  }
}

async function loadCompetitions() {
  const all = await api("GET", "/api/competitions/");
  const chooser = $("competition");
  const keep = desk.competition && String(desk.competition.id);
  chooser.replaceChildren(...all.map((c) => el("option", { value: c.id }, c.name)));
  if (keep) chooser.value = keep;
  select(all.find((c) => String(c.id) === chooser.value) || all[all.length - 1] || null);
  if (desk.competition) chooser.value = desk.competition.id;
  chooser.onchange = () => { select(all.find((c) => String(c.id) === chooser.value)); show(); };
}

if (!desk.me || !(desk.me.role in TABS)) {
  $("view").textContent = t("This device is not enrolled for the desk: scan a scrutineer's or chair's QR code.");
} else {
  $("who").textContent = desk.me.role === "chair" ? t("Desk · chair") : t("Desk · scrutineer");
  loadCompetitions().then(() => { if (!desk.competition && "setup" in tabs()) tab = "setup"; show(); });
  liveDesk(() => { if (desk.competition && ["floor", "devices"].includes(tab)) show(); });  // no reload, no refresh button
}
