// The desk's star couple and redance controls (issue #10 points 5, 6 and 9): the scrutineer seeds a couple into a
// later round (POST /api/entries/{id}/star) and sets until when that may be done (PUT /api/events/{id}/star-deadline);
// the scrutineer or the chair gives the event a redance after its 1st round (PUT /api/events/{id}/redance); the chair
// resolves a tie at a recall cut by recalling more or fewer (POST /api/rounds/{id}/decision) or by a redance of the
// tied couples (POST /api/rounds/{id}/redance). The box's answer, or its refusal in its own words, stays next to the
// control that asked, also after the view is rebuilt.
import { said as done } from "./feedback.js";
import { signed } from "../lib/device.js";
import { roundName } from "../lib/dances.js";
import { t } from "../lib/i18n.js";

const said = new Map(); // control key -> { ok, text }: the last answer, shown again after the view is rebuilt
let built = 0; // each event's section carries the build it belongs to (data-view): a rebuilt view is told apart

async function call(method, path, body) {
  const response = await signed(method, path, body);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ? data.error.message : t("the box answered {status}", { status: response.status }));
  return data;
}

// A status line for one control, and the function that fills it.
function answerLine(el, key) {
  const line = el("p", { class: "stars-answer", role: "status", "aria-live": "polite", "data-answer": key });
  const show = (ok, text) => {
    said.set(key, { ok, text });
    line.className = `stars-answer message ${ok ? "ok" : "bad"}`;
    line.textContent = text;
  };
  if (said.has(key)) show(said.get(key).ok, said.get(key).text);
  return [line, show];
}

// Run one request from a button: the answer in words (or "Not done: ..."), then the view again.
async function act(button, show, work, refresh) {
  button.disabled = true;
  try {
    const text = await work();
    if (text === null) return; // refused before sending: the reason is shown already
    show(true, text);
    done(text); // also in the view's status line: it outlives a control the rebuilt view no longer shows
    await refresh();
  } catch (err) {
    show(false, t("Not done: {reason}", { reason: err.message }));
  } finally {
    button.disabled = false;
  }
}

function field(el, id, label, input) {
  return el("label", { for: id }, label, input);
}

const utc = (iso) => `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC`;

function starSeeding(el, { event, entries, plan, refresh }) {
  const id = (name) => `star-${event.id}-${name}`;
  const stars = plan.stars || {};
  const couples = entries.filter((e) => e.event_id === event.id && e.status === "entered" && e.couple.bib !== null)
    .sort((a, b) => a.couple.bib - b.couple.bib);
  const later = plan.rounds.filter((r, i) => i > 0 && r.redance_of === null);
  if (!couples.length || !later.length) return [];
  const couple = el("select", { id: id("couple") }, ...couples.map((e) => {
    const name = `${e.couple.bib} ${e.couple.leader} / ${e.couple.follower}`;
    const star = stars[e.couple.bib];
    return el("option", { value: e.id }, star ? t("{couple} (star, round {number})", { couple: name, number: star }) : name);
  }));
  const round = el("select", { id: id("round") }, ...later.map((r) =>
    el("option", { value: r.number }, t("{round} (round {number})", { round: roundName(r.name), number: r.number }))));
  const [seeded, showSeeded] = answerLine(el, id("seeded"));
  const seed = el("button", { type: "button", onclick: () => act(seed, showSeeded, async () => {
    const done = await call("POST", `/api/entries/${couple.value}/star`, { round_number: Number(round.value) });
    return t("Couple {bib} is a star couple of {event}: it dances no round before the {round}, which is now planned for {couples} couples.",
      { bib: done.bib, event: event.name, round: roundName(done.round), couples: done.planned_couples });
  }, refresh) }, t("Seed as a star couple"));
  const deadline = el("input", { id: id("deadline"), type: "datetime-local" });
  const [until, showUntil] = answerLine(el, id("deadline"));
  const setDeadline = (value) => async () => {
    const done = await call("PUT", `/api/events/${event.id}/star-deadline`, { deadline: value });
    return done.deadline ? t("Star couples of {event} may be seeded until {deadline}.", { event: event.name, deadline: utc(done.deadline) })
      : t("Star couples of {event} may be seeded until each round is drawn (no deadline).", { event: event.name });
  };
  const set = el("button", { type: "button", onclick: () => act(set, showUntil, async () => {
    if (!deadline.value) { showUntil(false, t("Give the deadline first: a date and a time.")); deadline.focus(); return null; }
    return setDeadline(new Date(deadline.value).toISOString())();
  }, refresh) }, t("Set the deadline"));
  const clear = el("button", { type: "button", onclick: () => act(clear, showUntil, setDeadline(null), refresh) }, t("No deadline"));
  return [el("h4", {}, t("Star couples (seeded into a later round)")),
    el("div", { class: "outcome-fields" }, field(el, id("couple"), t("Couple"), couple), field(el, id("round"), t("Into"), round), seed),
    seeded,
    el("div", { class: "outcome-fields" }, field(el, id("deadline"), t("Deadline for star couples"), deadline), set, clear),
    until];
}

function redanceSetting(el, { event, plan, refresh }) {
  const first = plan.rounds[0];
  if (!first || !["planned", "drawn", "running"].includes(first.state) || plan.rounds.length < 2) return [];
  const id = (name) => `redance-${event.id}-${name}`;
  const recall = el("input", { id: id("recall"), type: "number", min: 1, max: 999, value: plan.redance_recall ?? "" });
  const [line, show] = answerLine(el, id("set"));
  const describe = (done) => {
    const next = done.rounds.find((r, i) => i > 0 && r.redance_of === null);
    if (done.redance_recall === null || done.redance_recall === undefined) return t("{event} has no redance.", { event: event.name });
    return t("{event} has a redance after the 1st round recalling {recall}: the couples the 1st round does not recall dance it; the {round} is now planned for {couples} couples.",
      { event: event.name, recall: done.redance_recall, round: next.name, couples: next.planned_couples });
  };
  const set = el("button", { type: "button", onclick: () => act(set, show, async () => {
    const n = Number(recall.value);
    if (!recall.value || !Number.isInteger(n) || n < 1) { show(false, t("Give how many couples the redance recalls (1 or more).")); recall.focus(); return null; }
    return describe(await call("PUT", `/api/events/${event.id}/redance`, { recall: n }));
  }, refresh) }, t("Set the redance"));
  const none = el("button", { type: "button", onclick: () => act(none, show, async () =>
    describe(await call("PUT", `/api/events/${event.id}/redance`, { recall: null })), refresh) }, t("No redance"));
  return [el("h4", {}, t("Redance after the 1st round")),
    el("div", { class: "outcome-fields" }, field(el, id("recall"), t("The redance recalls"), recall), set, none), line];
}

// The event's star couples and redance, under its places on the Results tab.
export function starControls(el, { event, entries, plan, role, refresh }) {
  const box = el("section", { class: "stars no-print", "data-event": event.id, "data-view": ++built });
  const stars = Object.entries(plan.stars || {});
  const parts = [
    ...(role === "scrutineer" ? starSeeding(el, { event, entries, plan, refresh }) : []),
    ...(["scrutineer", "chair"].includes(role) ? redanceSetting(el, { event, plan, refresh }) : []),
  ];
  if (!parts.length) return box;
  const seeded = stars.map(([bib, n]) => t("{bib} (round {number})", { bib, number: n })).join(", ");
  const now = [stars.length ? t("Star couples: {couples}.", { couples: seeded }) : t("No star couples."),
    plan.redance_recall ? t("Redance after the 1st round recalling {recall}.", { recall: plan.redance_recall })
      : t("No redance after the 1st round.")];
  box.append(el("h3", {}, t("Star couples and redance")), el("p", { class: "stars-now" }, now.join(" ")), ...parts);
  return box;
}

// A tie at a recall cut (the chair): recall more or fewer, or a redance of the tied couples.
export function tieControls(el, { round, result, refresh }) {
  const [line, show] = answerLine(el, `tie-${round.id}`);
  const box = el("div", { class: "tie no-print", "data-round": round.id });
  for (const option of result.cut_options) {
    const button = el("button", { type: "button", onclick: () => act(button, show, async () => {
      const done = await call("POST", `/api/rounds/${round.id}/decision`, { recall: option.length });
      return t("The {round} recalls {n}: {bibs}.", { round: roundName(round.name), n: done.recalled.length, bibs: done.recalled.join(" ") });
    }, refresh) }, t("Recall {n}", { n: option.length }));
    box.append(button);
  }
  const above = Math.min(...result.cut_options.map((o) => o.length));
  const redance = el("button", { type: "button", onclick: () => act(redance, show, async () => {
    const done = await call("POST", `/api/rounds/${round.id}/redance`, {});
    const added = done.rounds.find((r) => r.redance_of === round.id);
    const tied = (Object.values(added.heats)[0] || []).flat().sort((a, b) => a - b);
    return t("The {above} couples above the tie go through; the {tied} tied couples ({bibs}) dance a redance recalling {recall}.",
      { above, tied: tied.length, bibs: tied.join(" "), recall: added.recall });
  }, refresh) }, t("Redance the tied couples"));
  box.append(redance);
  return [box, line];
}
