// The chair's actions, first on the chair's desk: the decisions that wait for the chair (a tie at a recall cut:
// recall more or fewer, or a redance; stars.js), the finals to sign off, and the chair's PIN. Only what the chair
// may do (appliance/api: the chair's routes) is offered; the scrutineer's desk has none of it.
import { el, form } from "./forms.js";
import { said } from "./feedback.js";
import { tieControls } from "./stars.js";
import { roundName } from "../lib/dances.js";
import { t } from "../lib/i18n.js";

function pinForm(desk) {
  return form([{ name: "pin", label: t("Chair's PIN (for corrections, 6 or more digits)"), type: "password",
    attrs: { inputmode: "numeric", pattern: "[0-9]{6,32}", minlength: 6, maxlength: 32, required: "",
      autocomplete: "new-password", title: t("6 to 32 digits") } }], t("Set PIN"),
  (v) => desk.api("PUT", `${desk.path}/chair-pin`, { pin: v.pin }), () => t("Set the chair's PIN."));
}

function signOff(desk, event, round) {
  return el("div", { class: "decision", "data-round": round.id },
    el("h3", {}, t("{event}, {round}: computed, waiting for your sign-off", { event: event.name, round: roundName(round.name) })),
    el("p", {}, t("Check the marks below; signing off makes the result official.")),
    el("button", { type: "button", id: `sign-off-${round.id}`, onclick: async () => {
      await desk.api("POST", `/api/rounds/${round.id}/sign-off`);
      said(t("{event}: the results are official.", { event: event.name }));
      desk.refresh();
    } }, t("Sign off: make official")));
}

async function tie(desk, event, round) {
  const result = await desk.api("GET", `/api/rounds/${round.id}/result`);
  return el("div", { class: "decision", "data-round": round.id },
    el("h3", {}, t("{event}, {round}: a tie at the cut, waiting for your decision", { event: event.name, round: roundName(round.name) })),
    ...tieControls(el, { round, result, refresh: desk.refresh }));
}

// The chair's section (`plans`: each event's plan, by event id, as the results view read them).
export async function chairActions(desk, events, plans) {
  const waiting = [];
  for (const event of events) {
    for (const round of plans[event.id].rounds) {
      if (round.state === "awaiting_chair") waiting.push(await tie(desk, event, round));
      if (round.kind === "final" && round.state === "computed") waiting.push(signOff(desk, event, round));
    }
  }
  return el("section", { id: "chair-actions", "aria-labelledby": "chair-actions-title" },
    el("h2", { id: "chair-actions-title" }, t("Your decisions")),
    ...(waiting.length ? waiting : [el("p", { id: "nothing-waits" }, t("Nothing waits for your decision now."))]), pinForm(desk));
}
