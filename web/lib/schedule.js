// The day's schedule with times (GET /api/schedule, public; issue #10 point 8), drawn into every element that has
// a data-schedule attribute:
//   data-schedule="day"       the public results page: each floor's rounds with their estimated times
//   data-schedule="now-next"  the hall's display: per floor, the round on the floor and the next one, with times
//   data-schedule="desk"      the desk: the day, the couples due on two floors at once, moving a round up or down
//                             and each floor's timing (signed requests: the scrutineer's device)
// Times are shown as the box gives them, in the floor's own time zone (the venue's), as HH:MM. The page's
// ?floor=ID (the display's) narrows it to one floor. Fetched again every 30 s, and at once after a change.
const REFRESH = 30000;
const hhmm = (iso) => iso.slice(11, 16);

function el(tag, text = "", className = "") {
  const e = document.createElement(tag);
  if (text) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function url() {
  const floor = new URLSearchParams(location.search).get("floor");
  return `/api/schedule${floor && /^\d+$/.test(floor) ? `?floor=${floor}` : ""}`;
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
  const t = el("table", "", "schedule-table");
  const head = el("tr");
  for (const h of ["Time", "Event", "Round", "Heats", "", ...(extra ? [""] : [])]) head.append(el("th", h));
  t.append(el("thead"));
  t.tHead.append(head);
  const body = el("tbody");
  for (const r of floor.rounds) {
    const pause = floor.breaks.find((b) => b.before === r.position);
    if (pause) body.append(row([`${hhmm(pause.start)}–${hhmm(pause.end)}`, pause.label, "", "", ""], "schedule-break"));
    const cells = [`${hhmm(r.start)}–${hhmm(r.end)}`, r.event, r.round, String(r.heats), r.status];
    const tr = row(extra ? [...cells, extra(floor, r)] : cells, `schedule-${r.status.replace(/ /g, "-")}`);
    tr.dataset.round = r.round_id;
    body.append(tr);
  }
  t.append(body);
  return t;
}

// A table wider than a phone scrolls sideways: a named region the keyboard can reach (Tab, then the arrows).
function scroller(name) {
  const box = el("div", "", "schedule-scroll");
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", `Schedule of ${name}`);
  return box;
}

function day(element, answer, extra = null) {
  const parts = [el("h2", "Schedule")];
  for (const floor of answer.floors) {
    const box = el("div", "", "schedule-floor");
    box.dataset.floor = floor.floor_id;
    box.append(el("h3", floor.floor));
    if (!floor.rounds.length) box.append(el("p", "Nothing planned on this floor yet."));
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
    if (now) parts.push(`now ${now.event} · ${now.round} ${hhmm(now.start)}–${hhmm(now.end)}`);
    if (next) parts.push(`next ${next.event} · ${next.round} at ${hhmm(next.start)}`);
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
    const span = el("span", "", "schedule-move");
    for (const [label, step, name] of [["↑", -1, "earlier"], ["↓", 1, "later"]]) {
      const button = el("button", label);
      button.type = "button";
      button.title = `Move ${r.event} · ${r.round} ${name}`;
      button.setAttribute("aria-label", button.title);
      button.disabled = r.status !== "to come" || !floor.rounds[r.position - 1 + step];
      button.addEventListener("click", () => send("POST", "/api/schedule/move",
        { round_id: r.round_id, position: r.position + step }));
      span.append(button);
    }
    return span;
  };
  day(element, answer, scrutineer ? mover : null);
  const clashes = el("ul", "", "schedule-clashes");
  for (const c of answer.clashes) clashes.append(el("li", c.message, c.certain ? "certain" : "possible"));
  if (answer.clashes.length) element.append(el("h3", "Couples due on two floors at once"), clashes);
  for (const floor of scrutineer ? answer.floors : []) {
    element.querySelector(`.schedule-floor[data-floor="${floor.floor_id}"]`).append(settingsForm(floor, send));
  }
  element.append(message);
}

function settingsForm(floor, send) {
  const s = floor.settings;
  const details = el("details", "", "schedule-settings");
  details.append(el("summary", `Timing of ${floor.floor}`));
  const form = el("form");
  const fields = [
    ["start", "Start (date, time and UTC offset)", s.start, "text"],
    ["dance_seconds", "Dance (s)", s.dance_seconds, "number"],
    ["heat_change_seconds", "Between heats (s)", s.heat_change_seconds, "number"],
    ["dance_change_seconds", "Between dances (s)", s.dance_change_seconds, "number"],
    ["round_change_seconds", "Between rounds (s)", s.round_change_seconds, "number"],
    ["breaks", "Breaks (before position, minutes, label; …)",
      s.breaks.map((b) => `${b.before} ${b.minutes} ${b.label}`).join("; "), "text"],
  ];
  for (const [name, label, value, type] of fields) {
    const l = el("label", label);
    const input = el("input");
    Object.assign(input, { name, type, value: String(value) });
    l.append(input);
    form.append(l);
  }
  const save = el("button", "Save timing");
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
      body.breaks.push({ before: Number(before), minutes: Number(minutes), label: label.join(" ") || "Break" });
    }
    send("PUT", "/api/schedule/settings", body);
  });
  details.append(form);
  return details;
}

function mount(element) {
  const mode = element.dataset.schedule;
  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    timer = setTimeout(refresh, REFRESH);
    const response = await fetch(url(), { cache: "no-store" });
    if (response.status === 404) {  // no schedule where this page is served (the cloud's copy): stop asking
      clearTimeout(timer);
      element.hidden = true;
      return;
    }
    if (!response.ok) return;
    const answer = await response.json();
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
  refresh();
}

const style = document.createElement("link");
Object.assign(style, { rel: "stylesheet", href: new URL("./schedule.css", import.meta.url).href });
document.head.append(style);
for (const element of document.querySelectorAll("[data-schedule]")) mount(element);
