// Closing registration, confirmed first: the desk asks the box what closing would do (a plan made without
// writing: GET .../close-registration/preview) and says it (how many couples get bibs, the rounds planned per
// event, how many heats) before anything is written. Cancel writes nothing.
import { danceName } from "../lib/dances.js";

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function eventLine(el, e) {
  if (!e.rounds.length) return el("li", {}, `${e.event}: no couples, so no rounds.`);
  const rounds = e.rounds.map((r) => `${r.name} (${r.couples})`).join(", ");
  const dances = e.dances.map(danceName).join(", ");
  return el("li", {}, `${e.event}: ${plural(e.entries, "couple")}; ${rounds}; ` +
    `${plural(e.heats, "heat")} in each dance of the first round (${dances}).`);
}

function describe(el, p) {
  const bibs = p.bibs
    ? `Give bib numbers to ${plural(p.bibs, "couple")} (${p.first_bib} to ${p.last_bib})` +
      (p.couples > p.bibs ? `; ${plural(p.couples - p.bibs, "couple")} keep the bib they have.` : ".")
    : `Give no new bib numbers (${plural(p.couples, "couple")} have theirs).`;
  return [
    el("h3", { id: "close-confirm-title" }, "Close registration?"),
    el("p", {}, "Closing registration will:"),
    el("ul", {}, el("li", {}, bibs), el("li", {}, `Plan the rounds of ${plural(p.events.length, "event")}:`,
      el("ul", {}, ...p.events.map((e) => eventLine(el, e)))),
      el("li", {}, `Draw the first rounds: ${plural(p.heats, "heat")} in all, and build each floor's running order.`)),
    el("p", {}, "Couples can then be added only as late entries, and bibs given stay."),
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
        const heats = report.events.reduce((n, e) => n + (e.rounds[0] ? Object.values(e.rounds[0].heats)
          .reduce((m, h) => m + h.length, 0) : 0), 0);
        said(`Registration closed: ${plural(report.bibs, "bib")} given, ${plural(report.events.length, "event")} ` +
          `planned, ${plural(heats, "heat")} drawn.`);
        await done(report);
      } finally { confirm.disabled = false; }
    } }, "Close registration");
    const cancel = el("button", { type: "button", id: "close-registration-cancel", onclick: () => {
      box.hidden = true;
      box.replaceChildren();
      ask.hidden = false;
      said("Registration is still open: nothing was changed.");
      ask.focus();
    } }, "Cancel");
    box.replaceChildren(...describe(el, preview), el("p", {}, confirm, " ", cancel));
    box.hidden = false;
    ask.hidden = true;
    confirm.focus();
  } }, "Close registration…");
  return [ask, box];
}
