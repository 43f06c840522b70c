// The day's schedule with times (GET /api/schedule, public; issue #10 point 8), drawn into every element that has
// a data-schedule attribute:
//   data-schedule="day"       the public results page: each floor's rounds with their estimated times
//   data-schedule="now-next"  the hall's display: per floor, the round on the floor and the next one, with times
//   data-schedule="desk"      the desk: the day, the couples due on two floors at once, moving a round up or down
//                             and each floor's timing (signed requests: the scrutineer's device)
// Times are shown as the box gives them, in the floor's own time zone (the venue's), as HH:MM. The page's
// ?floor=ID (the display's) narrows it to one floor. Fetched again every 30 s, and at once after a change.
import { t, n_, time } from "./i18n.js";
import { roundName } from "./dances.js";

const REFRESH = 30000;
// The wall-clock time the box gives ("2026-06-01T09:30:00+02:00": 09:30), written the way the page's language
// writes a time: the floor's own clock, whatever the reader's time zone.
const hhmm = (iso) => time(Date.UTC(2000, 0, 1, Number(iso.slice(11, 13)), Number(iso.slice(14, 16))),
  { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" });
const span = (from, to) => `${hhmm(from)}–${hhmm(to)}`;
// A round's status on the schedule (the box's words, kept as the row's class): said in the page's language.
const STATUS = { "finished": n_("finished"), "on the floor": n_("on the floor"), "danced": n_("danced"),
  "to come": n_("to come") };
const status = (code) => (code in STATUS ? t(STATUS[code]) : code);

function el(tag, text = "", className = "") {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  if (className) e.className = className;
  return e;
}

// The page's ?floor=ID, else the element's data-competition (the desk: the competition it has selected).
function url(element) {
  const floor = new URLSearchParams(location.search).get("floor");
  if (floor && /^\d+$/.test(floor)) return `/api/schedule?floor=${floor}`;
  const competition = element.dataset.competition;
  return `/api/schedule${competition && /^\d+$/.test(competition) ? `?competition=${competition}` : ""}`;
}

function row(cells, className = "") {
  const tr = el("tr", "", className);
  for (const cell of cells) {
    const td = el("td");
    td.append(cell);
    tr.append(td);
  }
  return tr;
}

function table(floor, extra) {
  const grid = el("table", "", "schedule-table");
  const head = el("tr");
  for (const h of [t("Time"), t("Event"), t("Round"), t("Heats"), "", ...(extra ? [""] : [])]) head.append(el("th", h));
  grid.append(el("thead"));
  grid.tHead.append(head);
  const body = el("tbody");
  for (const r of floor.rounds) {
    const pause = floor.breaks.find((b) => b.before === r.position);
    if (pause) body.append(row([span(pause.start, pause.end), pause.label, "", "", ""], "schedule-break"));
    const cells = [span(r.start, r.end), r.event, roundName(r.round), String(r.heats), status(r.status)];
    const tr = row(extra ? [...cells, extra(floor, r)] : cells, `schedule-${r.status.replace(/ /g, "-")}`);
    tr.dataset.round = r.round_id;
    body.append(tr);
  }
  grid.append(body);
  return grid;
}

// A table wider than a phone scrolls sideways: a named region the keyboard can reach (Tab, then the arrows).
function scroller(name) {
  const box = el("div", "", "schedule-scroll");
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", t("Schedule of {floor}", { floor: name }));
  return box;
}

function day(element, answer, extra = null) {
  const parts = [el("h2", t("Schedule"))];
  for (const floor of answer.floors) {
    const box = el("div", "", "schedule-floor");
    box.dataset.floor = floor.floor_id;
    box.append(el("h3", floor.floor));
    if (!floor.rounds.length) box.append(el("p", t("Nothing planned on this floor yet.")));
    else box.append(scroller(floor.floor));
    if (floor.rounds.length) box.lastChild.append(table(floor, extra));
    parts.push(box);
  }
  element.replaceChildren(...parts);
}

function nowNext(element, answer) {
  const lines = [];
  for (const floor of answer.floors) {
    const now = floor.rounds.find((r) => r.status === "on the floor");
    const next = floor.rounds.find((r) => r.status === "to come");
    const p = el("p", "", "schedule-line");
    p.dataset.floor = floor.floor_id;
    const named = answer.floors.length > 1 ? `${floor.floor}: ` : "";
    const parts = [];
    if (now) parts.push(t("now {event} · {round} {time}", { event: now.event, round: roundName(now.round), time: span(now.start, now.end) }));
    if (next) parts.push(t("next {event} · {round} at {time}", { event: next.event, round: roundName(next.round), time: hhmm(next.start) }));
    if (!parts.length) continue;
    p.textContent = named + parts.join("  ·  ");
    lines.push(p);
  }
  element.replaceChildren(...lines);
}

async function deskView(element, answer, refresh) {
  const { signed, device } = await import("./device.js");
  const scrutineer = (device() || {}).role === "scrutineer";  // the chair's desk shows it, without the controls
  const message = el("p", "", "schedule-error");
  message.setAttribute("role", "alert");
  async function send(method, path, body) {
    const response = await signed(method, path, body);
    const reply = await response.json();
    message.textContent = response.ok ? "" : reply.error.message;
    if (response.ok) refresh();
  }
  const mover = (floor, r) => {
    const moves = el("span", "", "schedule-move");
    const said = { event: r.event, round: roundName(r.round) };
    for (const [label, step, name] of [["↑", -1, t("Move {event} · {round} earlier", said)],
      ["↓", 1, t("Move {event} · {round} later", said)]]) {
      const button = el("button", label);
      button.type = "button";
      button.title = name;
      button.setAttribute("aria-label", button.title);
      button.disabled = r.status !== "to come" || !floor.rounds[r.position - 1 + step];
      button.addEventListener("click", () => send("POST", "/api/schedule/move",
        { round_id: r.round_id, position: r.position + step }));
      moves.append(button);
    }
    return moves;
  };
  day(element, answer, scrutineer ? mover : null);
  const clashes = el("ul", "", "schedule-clashes");
  for (const c of answer.clashes) clashes.append(el("li", c.message, c.certain ? "certain" : "possible"));
  if (answer.clashes.length) element.append(el("h3", t("Couples due on two floors at once")), clashes);
  for (const floor of scrutineer ? answer.floors : []) {
    element.querySelector(`.schedule-floor[data-floor="${floor.floor_id}"]`).append(settingsForm(floor, send));
  }
  element.append(message);
}

function settingsForm(floor, send) {
  const s = floor.settings;
  const details = el("details", "", "schedule-settings");
  details.append(el("summary", t("Timing of {floor}", { floor: floor.floor })));
  const form = el("form");
  const fields = [
    ["start", t("Start (date, time and UTC offset)"), s.start, "text"],
    ["dance_seconds", t("Dance (s)"), s.dance_seconds, "number"],
    ["heat_change_seconds", t("Between heats (s)"), s.heat_change_seconds, "number"],
    ["dance_change_seconds", t("Between dances (s)"), s.dance_change_seconds, "number"],
    ["round_change_seconds", t("Between rounds (s)"), s.round_change_seconds, "number"],
    ["breaks", t("Breaks (before position, minutes, label; …)"),
      s.breaks.map((b) => `${b.before} ${b.minutes} ${b.label}`).join("; "), "text"],
  ];
  for (const [name, label, value, type] of fields) {
    const l = el("label", label);
    const input = el("input");
    Object.assign(input, { name, type, value: String(value) });
    l.append(input);
    form.append(l);
  }
  const save = el("button", t("Save timing"));
  save.type = "submit";
  form.append(save);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = { floor_id: floor.floor_id, start: data.get("start"), breaks: [] };
    for (const name of ["dance_seconds", "heat_change_seconds", "dance_change_seconds", "round_change_seconds"]) {
      body[name] = Number(data.get(name));
    }
    for (const part of String(data.get("breaks")).split(";").map((x) => x.trim()).filter(Boolean)) {
      const [before, minutes, ...label] = part.split(/\s+/);
      body.breaks.push({ before: Number(before), minutes: Number(minutes), label: label.join(" ") || t("Break") });
    }
    send("PUT", "/api/schedule/settings", body);
  });
  details.append(form);
  return details;
}

function mount(element) {
  const mode = element.dataset.schedule;
  let timer = null;
  let asked = 0;  // the latest refresh: an earlier answer that arrives later is not drawn over it
  async function refresh() {
    clearTimeout(timer);
    timer = setTimeout(refresh, REFRESH);
    const mine = ++asked;
    const response = await fetch(url(element), { cache: "no-store" });
    if (response.status === 404) {  // no schedule where this page is served (the cloud's copy): stop asking
      clearTimeout(timer);
      element.hidden = true;
      return;
    }
    if (!response.ok) return;
    const answer = await response.json();
    if (mine !== asked) return;
    const typing = element.contains(document.activeElement) && document.activeElement.tagName === "INPUT";
    if (mode === "desk" && typing) return;  // not under the scrutineer's fingers: the next refresh draws it
    const open = [...element.querySelectorAll("details[open]")].map((d) => d.closest("[data-floor]").dataset.floor);
    if (mode === "now-next") nowNext(element, answer);
    else if (mode === "desk") await deskView(element, answer, refresh);
    else day(element, answer);
    for (const floor of open) {
      const details = element.querySelector(`[data-floor="${floor}"] details`);
      if (details) details.open = true;
    }
    element.dataset.loaded = answer.now;
  }
  element.addEventListener("schedule:refresh", () => refresh());  // the desk selected another competition
  refresh();
}

const style = document.createElement("link");
Object.assign(style, { rel: "stylesheet", href: new URL("./schedule.css", import.meta.url).href });
document.head.append(style);
for (const element of document.querySelectorAll("[data-schedule]")) mount(element);
