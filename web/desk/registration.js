// Closing registration, confirmed first: the desk asks the box what closing would do (a plan made without
// writing: GET .../close-registration/preview) and says it (how many couples get bibs, the rounds planned per
// event, how many heats) before anything is written. Cancel writes nothing.
import { danceName } from "../lib/dances.js";
import { t, tn } from "../lib/i18n.js";

const couples = (n) => tn(n, "{n} couple", "{n} couples");
const heats = (n) => tn(n, "{n} heat", "{n} heats");
const events = (n) => tn(n, "{n} event", "{n} events");

function eventLine(el, e) {
  if (!e.rounds.length) return el("li", {}, t("{event}: no couples, so no rounds.", { event: e.event }));
  const rounds = e.rounds.map((r) => `${r.name} (${r.couples})`).join(", ");
  const dances = e.dances.map(danceName).join(", ");
  return el("li", {}, t("{event}: {couples}; {rounds}; {heats} in each dance of the first round ({dances}).",
    { event: e.event, couples: couples(e.entries), rounds, heats: heats(e.heats), dances }));
}

function describe(el, p) {
  const range = { couples: couples(p.bibs), first: p.first_bib, last: p.last_bib };
  const bibs = !p.bibs ? t("Give no new bib numbers ({couples} have theirs).", { couples: couples(p.couples) })
    : p.couples > p.bibs
      ? t("Give bib numbers to {couples} ({first} to {last}); {others} keep the bib they have.",
        { ...range, others: couples(p.couples - p.bibs) })
      : t("Give bib numbers to {couples} ({first} to {last}).", range);
  return [
    el("h3", { id: "close-confirm-title" }, t("Close registration?")),
    el("p", {}, t("Closing registration will:")),
    el("ul", {}, el("li", {}, bibs), el("li", {}, t("Plan the rounds of {events}:", { events: events(p.events.length) }),
      el("ul", {}, ...p.events.map((e) => eventLine(el, e)))),
      el("li", {}, t("Draw the first rounds: {heats} in all, and build each floor's running order.",
        { heats: heats(p.heats) }))),
    el("p", {}, t("Couples can then be added only as late entries, and bibs given stay.")),
  ];
}

// The button that asks, and the place where the question appears. `done(report)` after closing.
export function closeRegistration(el, { competitionId, api, said, done }) {
  const box = el("div", { id: "close-confirm", class: "confirm", role: "group", "aria-labelledby": "close-confirm-title",
    hidden: "" });
  const ask = el("button", { type: "button", id: "close-registration", onclick: async () => {
    const preview = await api("GET", `/api/competitions/${competitionId}/close-registration/preview`);
    const confirm = el("button", { type: "button", id: "close-registration-confirm", class: "danger", onclick: async () => {
      confirm.disabled = true;
      try {
        const report = await api("POST", `/api/competitions/${competitionId}/close-registration`, {});
        const drawn = report.events.reduce((n, e) => n + (e.rounds[0] ? Object.values(e.rounds[0].heats)
          .reduce((m, h) => m + h.length, 0) : 0), 0);
        said(t("Registration closed: {bibs} given, {events} planned, {heats} drawn.", {
          bibs: tn(report.bibs, "{n} bib", "{n} bibs"), events: events(report.events.length), heats: heats(drawn) }));
        await done(report);
      } finally { confirm.disabled = false; }
    } }, t("Close registration"));
    const cancel = el("button", { type: "button", id: "close-registration-cancel", onclick: () => {
      box.hidden = true;
      box.replaceChildren();
      ask.hidden = false;
      said(t("Registration is still open: nothing was changed."));
      ask.focus();
    } }, t("Cancel"));
    box.replaceChildren(...describe(el, preview), el("p", {}, confirm, " ", cancel));
    box.hidden = false;
    ask.hidden = true;
    confirm.focus();
  } }, t("Close registration…"));
  return [ask, box];
}
