// The scrutineer's (and the chair's) desk: setup, registration, devices, the running order, progress, results.
import { device, signed } from "../lib/device.js";
import { outcomeControls } from "./outcomes.js";
import { starControls, tieControls } from "./stars.js";
import { liveDesk, progressSection } from "./progress.js";
import { clearFieldErrors, said, showFieldError, statusLine } from "./feedback.js";
import { closeRegistration } from "./registration.js";

const me = device();
const $ = (id) => document.getElementById(id);
let competition = null;
let tab = "floor";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}

async function api(method, path, body = null) {
  const response = await signed(method, path, body);
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = data.error ? `${data.error.message}${data.error.field ? ` (${data.error.field})` : ""}` : `error ${response.status}`;
    $("error").textContent = message;
    $("error").hidden = false;
    throw Object.assign(new Error(message), { field: data.error?.field, plain: data.error?.message });
  }
  $("error").hidden = true;
  return data;
}

function table(header, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, ...header.map((h) => el("th", { scope: "col" }, h)))),
            el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c))))));
}

let formCount = 0;
// A form's fields sit in a fieldset that is disabled while the form saves: nothing can be typed into a form
// whose answer is still coming, and a second click cannot send it twice. After a successful save the view is
// shown again (a fresh, empty form) and the status line says what was done (`says(values, answer)`, or the
// button's label); after a refusal the form is enabled again with what was typed, the refusal next to its field.
function form(fields, label, submit, says = () => `${label}: done.`) {
  const inputs = {};
  const box = el("fieldset", {});
  const node = el("form", { class: "inline", "data-form": label }, box);
  formCount += 1;
  for (const f of fields) {
    const id = `f${formCount}-${f.name}`;
    const input = f.options
      ? el("select", { name: f.name, id }, ...f.options.map((o) => el("option", { value: o }, o)))
      : el("input", { name: f.name, id, type: f.type || "text", value: f.value ?? "", ...f.attrs });
    inputs[f.name] = input;
    box.append(el("label", { for: id }, f.label, input));
  }
  box.append(el("button", { type: "submit" }, label));
  node.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (box.disabled) return;
    const values = Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value.trim()]));
    box.disabled = true;
    node.setAttribute("aria-busy", "true");
    let answer;
    try {
      answer = await submit(values);
    } catch (err) { /* shown next to its field */
      box.disabled = false;
      node.removeAttribute("aria-busy");
      showFieldError(node, err);
      $("error").hidden = true;
      return;
    }
    clearFieldErrors(node);
    said(says(values, answer));
    node.dataset.saved = "true"; // shown again empty, not carried over as "being edited"
    await show();
  });
  return node;
}

// Forms the user is in the middle of: focused, or typed into, or still saving. show() keeps them as they are.
function formsInUse() {
  const kept = new Map();
  const seen = {};
  for (const node of $("view").querySelectorAll("form[data-form]")) {
    const key = `${node.dataset.form}#${(seen[node.dataset.form] = (seen[node.dataset.form] ?? 0) + 1)}`;
    if (node.dataset.saved) continue;
    const saving = node.querySelector("fieldset").disabled;
    const fields = [...node.elements].filter((f) => f.name);
    const edited = fields.some((f) => (f.tagName === "SELECT" ? f.selectedIndex > 0 : f.value !== f.defaultValue));
    if (saving || edited || node.contains(document.activeElement)) kept.set(key, { node, saving, fields });
  }
  return kept;
}

// Carry the forms in use over into the freshly built nodes; answers the field to give the focus back to.
function keepFormsInUse(kept, nodes) {
  let refocus = null;
  if (!kept.size) return refocus;
  const holder = el("div", {}, ...nodes); // nodes are not in the page yet: look them up in a detached holder
  const seen = {};
  for (const fresh of holder.querySelectorAll("form[data-form]")) {
    const key = `${fresh.dataset.form}#${(seen[fresh.dataset.form] = (seen[fresh.dataset.form] ?? 0) + 1)}`;
    const old = kept.get(key);
    if (!old) continue;
    if (old.saving) { fresh.replaceWith(old.node); continue; } // its own submit handler finishes it
    for (const f of old.fields) {
      const target = fresh.elements.namedItem(f.name);
      if (!target || (target.tagName === "SELECT" && ![...target.options].some((o) => o.value === f.value))) continue;
      target.value = f.value;
      if (f === document.activeElement) refocus = target;
    }
  }
  nodes.splice(0, nodes.length, ...holder.childNodes);
  return refocus;
}

function showQr(made) {
  $("qr-box").innerHTML = made.qr_svg;
  $("qr-url").textContent = made.url;
  $("qr-dialog").showModal();
}
$("qr-close").onclick = () => $("qr-dialog").close();

const list = (text) => text.split(/[ ,]+/).filter(Boolean);
const C = () => `/api/competitions/${competition.id}`;

const VIEWS = {
  async setup() {
    const events = competition ? await api("GET", `${C()}/events`) : [];
    const judges = competition ? await api("GET", `${C()}/adjudicators`) : [];
    const nodes = [el("h2", {}, "New competition"), form([
      { name: "name", label: "Name" }, { name: "starts_on", label: "From", type: "date" },
      { name: "ends_on", label: "To", type: "date" }, { name: "venue", label: "Venue" },
      { name: "floors", label: "Floors", value: "Main floor" }], "Create competition", async (v) => {
      competition = await api("POST", "/api/competitions/", { name: v.name, starts_on: v.starts_on,
        ends_on: v.ends_on, venue: v.venue, floors: v.floors.split(",").map((s) => s.trim()).filter(Boolean) });
      await loadCompetitions();
    }, (v) => `Created the competition “${v.name}”.`)];
    if (!competition) return nodes;
    nodes.push(el("h2", {}, "Events"), table(["Event", "Dances", "Floor", "Panel", "Entries"],
      events.map((e) => [e.name, e.dances.join(" "), e.floor, e.panel.join(""), e.entries])));
    nodes.push(form([{ name: "name", label: "Event" }, { name: "style", label: "Style",
      options: ["standard", "latin", "ten_dance", "other"] }, { name: "dances", label: "Dances", value: "W T Q" },
      { name: "floor", label: "Floor", options: competition.floors.map((f) => f.name) },
      { name: "max_per_heat", label: "Per heat", type: "number", value: 12 },
      { name: "final_size", label: "Final", type: "number", value: 6 }], "Add event", (v) => api("POST", `${C()}/events`, {
      name: v.name, style: v.style, dances: list(v.dances), floor: v.floor, max_per_heat: Number(v.max_per_heat),
      final_size: Number(v.final_size) }), (v) => `Added the event “${v.name}” on ${v.floor}.`));
    nodes.push(form([{ name: "event", label: "Event", options: events.map((e) => e.name) },
      { name: "letters", label: "Panel (letters)" }, { name: "reason", label: "Reason (once the event has started)" }],
    "Set panel", (v) => {
      const event = events.find((e) => e.name === v.event);
      return api("PUT", `/api/events/${event.id}/panel`, { letters: list(v.letters.toUpperCase()).flatMap((x) => x.length > 2 ? [...x] : [x]), reason: v.reason });
    }, (v) => `Set the panel of ${v.event}: ${v.letters.toUpperCase()}.`));
    nodes.push(el("h2", {}, "Adjudicators"), table(["Letter", "Name", "Country"], judges.map((j) => [j.letter, j.name, j.country])),
      form([{ name: "name", label: "Name" }, { name: "country", label: "Country" }], "Add adjudicator",
        (v) => api("POST", `${C()}/adjudicators`, { name: v.name, country: v.country.toUpperCase() }),
        (v, made) => `Added the adjudicator ${v.name} as judge ${made.letter}.`));
    return nodes;
  },

  async registration() {
    const [links, entries, events] = await Promise.all([api("GET", `${C()}/registration-links`),
      api("GET", `${C()}/entries`), api("GET", `${C()}/events`)]);
    const nodes = [el("h2", {}, "Registration links")];
    if (competition.registration === "open") {
      nodes.push(form([{ name: "role", label: "For", options: ["couple", "adjudicator"] }], "New link",
        async (v) => showQr(await api("POST", `${C()}/registration-links`, { role: v.role })),
        (v) => `Made a new registration link for ${v.role === "couple" ? "couples" : "adjudicators"}.`));
    }
    nodes.push(table(["For", "Link", ""], links.map((l) => [l.role, el("span", { class: "small" }, l.url),
      el("button", { type: "button", onclick: () => showQr(l) }, "QR")])));
    nodes.push(el("h2", {}, `Entries (${entries.length})`), table(["Bib", "Couple", "Club", "Event", "Status", ""],
      entries.map((e) => [e.couple.bib ?? "", `${e.couple.leader} / ${e.couple.follower}`, e.couple.club, e.event,
        e.status + (e.late ? " (late)" : ""), e.status === "entered"
          ? el("button", { type: "button", onclick: async () => {
            await api("POST", `/api/entries/${e.id}/scratch`);
            said(`Scratched ${e.couple.leader} / ${e.couple.follower} from ${e.event}.`);
            show();
          } }, "Scratch") : ""])));
    nodes.push(form([{ name: "event", label: "Event", options: events.map((e) => e.name) },
      { name: "leader", label: "Leader" }, { name: "follower", label: "Follower" }, { name: "club", label: "Club" }],
      competition.registration === "open" ? "Enter couple" : "Late entry", (v) => {
        const event = events.find((e) => e.name === v.event);
        return api("POST", `/api/events/${event.id}/entries`, { leader: v.leader, follower: v.follower, club: v.club });
      }, (v, made) => `Entered ${v.leader} / ${v.follower} in ${v.event}${made.couple.bib ? ` with bib ${made.couple.bib}` : ""}.`));
    const couples = [...new Map(entries.map((e) => [e.couple.id, e.couple])).values()];
    nodes.push(form([{ name: "couple", label: "Couple", options: couples.map((c) => `${c.id}: ${c.leader} / ${c.follower}`) },
      { name: "leader", label: "Leader" }, { name: "follower", label: "Follower" }, { name: "club", label: "Club" }],
      "Edit couple", (v) => {
        const body = Object.fromEntries(Object.entries({ leader: v.leader, follower: v.follower, club: v.club })
          .filter(([, value]) => value));
        return api("PATCH", `/api/couples/${v.couple.split(":")[0]}`, body);
      }, (v, c) => `Saved the couple: ${c.leader} / ${c.follower}${c.club ? `, ${c.club}` : ""}.`));
    if (competition.registration === "open") {  // asks first, saying what closing will do
      nodes.push(...closeRegistration(el, { competitionId: competition.id, api, said,
        done: async () => { await loadCompetitions(); await show(); } }));
    }
    return nodes;
  },

  async floor() {
    const nodes = [];
    for (const f of competition.floors) {
      const status = await api("GET", `/api/floors/${f.id}/status`);
      const order = await api("GET", `/api/floors/${f.id}/running-order`);
      const describe = (i) => i ? `${i.event} · ${i.round} · ${i.dance} · heat ${i.heat}/${i.heats}` : "—";
      nodes.push(el("h2", {}, `${f.name} (${status.state})`), el("p", { id: `now-${f.id}` }, `Now: ${describe(status.now)}`),
        el("p", { id: `next-${f.id}` }, `Next: ${describe(status.next)}`),
        el("div", { class: "no-print" }, ...["start", "previous", "next", "stop"].map((m) => el("button", {
          type: "button", id: `floor-${f.id}-${m}`, onclick: async () => {
            const moved = await api("POST", `/api/floors/${f.id}/${m}`);
            said(`${f.name}: ${m === "stop" ? "stopped" : `now ${describe(moved.now)}`}.`);
            show();
          } }, m))),
        table(["#", "Event", "Round", "Dance", "Heat", "Bibs"], order.map((i) => [i.position, i.event, i.round, i.dance,
          `${i.heat}/${i.heats}`, i.bibs.join(" ")])));
    }
    nodes.unshift(progressSection(el, await api("GET", `${C()}/progress`)));  // updated live (liveDesk below)
    return nodes;
  },

  async devices() {
    const [judges, devices, progress] = await Promise.all([api("GET", `${C()}/adjudicators`), api("GET", "/api/devices"),
      api("GET", `${C()}/progress`)]);
    const nodes = [el("h2", {}, "Enrol a device")];
    nodes.push(form([{ name: "role", label: "Role", options: ["adjudicator", "chair", "display", "scrutineer"] },
      { name: "judge", label: "Judge", options: ["", ...judges.map((j) => j.letter)] }], "Show QR", async (v) => {
      showQr(await api("POST", "/api/enrolments", { role: v.role, competition_id: competition.id, judge: v.judge || null }));
    }));
    nodes.push(el("h2", {}, "Who has sent what"), table(["Event", "Round", "State", "Dances (sent / missing)"],
      progress.rounds.map((r) => [r.event, r.round, r.state, r.dances.map((d) => `${d.dance}: ${d.sent.join("") || "-"} / ${d.missing.join("") || "-"}`).join("  ")])));
    nodes.push(el("h2", {}, "Devices"), table(["Device", "Role", "Judge", "Last seen", ""], devices.map((d) => [d.id, d.role,
      d.judge ?? "", d.last_seen ?? "", d.revoked ? "revoked" : el("button", { type: "button",
        onclick: async () => { await api("POST", `/api/devices/${d.id}/revoke`); said(`Revoked the device ${d.id}.`); show(); } }, "Revoke")])));
    if (me.competition == null) nodes.push(...await cloudSection()); // the box's cloud: its owner's alone
    return nodes;
  },

  async results() {
    const [events, entries] = await Promise.all([api("GET", `${C()}/events`), api("GET", `${C()}/entries`)]);
    const nodes = [el("button", { type: "button", class: "no-print", onclick: () => window.print() }, "Print")];
    if (me.role === "chair") {
      nodes.push(form([{ name: "pin", label: "Chair's PIN (for corrections, 6 or more digits)", type: "password",
        attrs: { inputmode: "numeric", pattern: "[0-9]{6,32}", minlength: 6, maxlength: 32, required: "",
          autocomplete: "new-password", title: "6 to 32 digits" } }], "Set PIN",
        (v) => api("PUT", `${C()}/chair-pin`, { pin: v.pin }), () => "Set the chair's PIN."));
    }
    for (const e of events) {
      const plan = await api("GET", `/api/events/${e.id}/plan`);
      nodes.push(el("h2", {}, e.name), printButtons(e));
      const standing = await api("GET", `/api/events/${e.id}/results`);
      if (standing.placings.length) {  // places for everyone: couples out early below all who went further
        nodes.push(table(["Place", "Couple", "", "Round", "Crosses"], standing.placings.map((p) =>
          [p.label, p.bib, `${p.leader} / ${p.follower}`, p.round, p.crosses === null ? "" : p.crosses])));
      }
      nodes.push(outcomeControls(el, { event: e, entries, standing, plan, role: me.role, refresh: show }));
      nodes.push(starControls(el, { event: e, entries, plan, role: me.role, refresh: show }));
      for (const r of plan.rounds) {
        const row = el("div", {}, el("h3", {}, `${r.name}: ${r.state} · judges ${r.panel.join("")}`));
        if (["computed", "awaiting_chair", "closed", "official"].includes(r.state)) {
          const result = await api("GET", `/api/rounds/${r.id}/result`);
          if (result.kind === "final") {
            row.append(table(["Couple", "Place", "Reason"], Object.entries(result.places).sort((a, b) => a[1] - b[1])
              .map(([c, p]) => [c, p, result.reasons[c]])));
          } else {
            row.append(el("p", {}, result.recalled ? `Recalled: ${result.recalled.join(" ")}` : "Tie at the cut"));
          }
          row.append(marksTable(await api("GET", `/api/rounds/${r.id}/marks`)));
          if (me.role === "scrutineer" && r.state !== "official") {
            row.append(form([{ name: "dance", label: "Dance", options: e.dances }, { name: "judge", label: "Judge" },
              { name: "marks", label: r.kind === "final" ? "Bibs in placing order" : "Bibs crossed" },
              { name: "pin", label: "Chair's PIN", type: "password", attrs: { inputmode: "numeric", autocomplete: "off" } }],
            "Correct with the chair's PIN", (v) => {
              const bibs = list(v.marks).map(Number);
              const sheet = r.kind === "final" ? { places: Object.fromEntries(bibs.map((b, i) => [String(b), i + 1])) } : { crosses: bibs };
              return api("POST", `/api/rounds/${r.id}/sheets/${v.dance}/judges/${v.judge.toUpperCase()}/correction`, { sheet, pin: v.pin });
            }, (v) => `Corrected judge ${v.judge.toUpperCase()}'s sheet of ${v.dance} in ${e.name}, ${r.name}; the round is computed again.`));
          }
          if (me.role === "chair" && r.state === "awaiting_chair") {
            row.append(...tieControls(el, { round: r, result, refresh: show }));  // recall more/fewer or a redance
          }
          if (me.role === "chair" && r.kind === "final" && r.state === "computed") {
            row.append(el("button", { type: "button", id: `sign-off-${r.id}`, onclick: async () => { await api("POST", `/api/rounds/${r.id}/sign-off`); said(`${e.name}: the results are official.`); show(); } }, "Sign off: make official"));
          }
        }
        if (me.role === "scrutineer" && ["drawn", "running"].includes(r.state)) {
          row.append(form([{ name: "dance", label: "Dance", options: e.dances }, { name: "judge", label: "Judge" },
            { name: "marks", label: r.kind === "final" ? "Bibs in placing order" : "Bibs crossed" }], "Key in paper sheet", (v) => {
            const bibs = list(v.marks).map(Number);
            const body = r.kind === "final" ? { places: Object.fromEntries(bibs.map((b, i) => [String(b), i + 1])) } : { crosses: bibs };
            return api("POST", `/api/rounds/${r.id}/sheets/${v.dance}/judges/${v.judge.toUpperCase()}`, body);
          }, (v) => `Keyed in judge ${v.judge.toUpperCase()}'s paper sheet of ${v.dance} in ${e.name}, ${r.name}.`));
        }
        nodes.push(row);
      }
    }
    return nodes;
  },
};

// The printed documents (A4 PDF, GET /api/events/{id}/print/{doc}): a signed request, saved as a file.
const DOCS = { couples: "Couples", draw: "Draw", "judges-sheets": "Judges' sheets", marks: "Marks", results: "Results", "chair-report": "Chair's report" };

function printButtons(event) {
  return el("p", { class: "no-print print-documents" }, "PDF: ", ...Object.entries(DOCS).map(([doc, label]) => el("button", {
    type: "button", "data-doc": doc, onclick: async (ev) => {
      ev.target.disabled = true;
      try {
        const response = await signed("GET", `/api/events/${event.id}/print/${doc}`);
        if (!response.ok) {
          const data = await response.json().catch(() => ({}));
          $("error").textContent = data.error ? data.error.message : `error ${response.status}`;
          $("error").hidden = false;
          return;
        }
        const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `${event.name} - ${label}.pdf` });
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 60000);
      } finally { ev.target.disabled = false; }
    } }, label)));
}

function marksTable(sheet) {
  // Every mark, as printed with the results: per dance, each couple's places (final) or crosses (recall).
  const rows = [];
  for (const dance of sheet.dances) {
    if (sheet.type === "final") {
      for (const [couple, places] of Object.entries(sheet.marks[dance])) rows.push([dance, couple, places.join(" ")]);
    } else {
      for (const couple of sheet.couples) {
        rows.push([dance, couple, sheet.judges.map((j) => sheet.marks[dance][j].includes(couple) ? "X" : "·").join(" ")]);
      }
    }
  }
  return table(["Dance", "Couple", `Marks (${sheet.judges.join(" ")})`], rows);
}

const TABS = { setup: "Setup", registration: "Registration", floor: "Floors", devices: "Devices & progress", results: "Results" };

let shown = 0; // the latest show(): an earlier one that answers later must not put older data back

// The cloud: where the log goes, what waits, and the box's pairing (GET /api/sync); pairing with a code.
async function cloudSection() {
  const sync = await api("GET", "/api/sync");
  const paired = sync.pairing ? `paired with ${sync.pairing.cloud} since ${sync.pairing.paired_at}` : "not paired";
  const nodes = [el("h2", {}, "Cloud"), el("p", { id: "cloud-state" }, sync.endpoint
    ? `${paired}; log #${sync.acked_seq} of #${sync.head} sent, ${sync.pending} waiting${sync.last_error ? `; last error: ${sync.last_error}` : ""}`
    : "No cloud is set (FLOORCRAFT_CLOUD_URL).")];
  if (sync.endpoint) {
    nodes.push(form([{ name: "code", label: "Pairing code (floorcraft cloud pair)", attrs: { required: "", maxlength: 40 } }],
      "Pair with the cloud", (v) => api("POST", "/api/sync/pair", { code: v.code })));
  }
  return nodes;
}

async function show() {
  const mine = ++shown;
  $("tabs").replaceChildren(...Object.entries(TABS).map(([key, label]) => el("button", { type: "button",
    id: `tab-${key}`, "aria-current": String(key === tab), onclick: () => { tab = key; said(""); show(); } }, label)));
  const view = competition || tab === "setup" ? VIEWS[tab] : VIEWS.setup;
  const sameTab = $("view").dataset.tab === tab;
  let nodes;
  try {
    nodes = await view();
  } catch (err) {
    nodes = [el("p", { class: "message bad" }, err.message)];
  }
  if (mine !== shown) return;
  const focused = document.activeElement;
  const caret = focused && focused.tagName === "INPUT" ? [focused.selectionStart, focused.selectionEnd] : null;
  // the same tab again: do not wipe what is being typed, and give the cursor back to the field it was in
  const refocus = sameTab ? keepFormsInUse(formsInUse(), nodes) : null;
  $("view").replaceChildren(statusLine(), ...nodes);
  $("view").dataset.tab = tab;
  if (refocus && !refocus.disabled) {
    refocus.focus();
    try { if (caret) refocus.setSelectionRange(...caret); } catch { /* not a text field */ }
  }
}

async function loadCompetitions() {
  const all = await api("GET", "/api/competitions/");
  const select = $("competition");
  select.replaceChildren(...all.map((c) => el("option", { value: c.id }, c.name)));
  competition = all.find((c) => String(c.id) === select.value) || all[all.length - 1] || null;
  if (competition) select.value = competition.id;
  select.onchange = () => { competition = all.find((c) => String(c.id) === select.value); show(); };
}

if (!me || !["scrutineer", "chair"].includes(me.role)) {
  $("view").textContent = "This device is not enrolled for the desk: scan a scrutineer's or chair's QR code.";
} else {
  $("who").textContent = `Desk · ${me.role}`;
  loadCompetitions().then(() => { if (!competition) tab = "setup"; show(); });
  liveDesk(() => { if (competition && ["floor", "devices"].includes(tab)) show(); });  // no reload, no refresh button
}
