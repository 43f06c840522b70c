// The desk's controls for a couple that leaves an event (issue #10 points 3 and 4, issue #11's ESV flags): the
// scrutineer withdraws a couple (POST /api/entries/{id}/withdraw), the chair disqualifies one (.../disqualify, for
// the step limit or another reason) or warns it for the step limit (.../warn). A reason is always required; after
// the final's sign-off the chair's PIN too. Nothing is sent before a confirmation that says, in plain words, what
// the box will do; the answer (or the refusal) is shown next to the control, and kept across the view's refresh.
import { signed } from "../lib/device.js";
import { danceName, roundName } from "../lib/dances.js";
import { t, n_ } from "../lib/i18n.js";

const said = new Map(); // event id -> { ok, text }: the last answer, shown again after the view is rebuilt

const ACTIONS = {
  scrutineer: { withdraw: n_("Withdraw") },
  chair: { disqualify: n_("Disqualify"), step_limit: n_("Disqualify for the step limit"),
    warn: n_("Warn for the step limit") },
};

const CONFIRM = {
  withdraw: (bib) => t("withdraw couple {bib}", { bib }),
  disqualify: (bib) => t("disqualify couple {bib}", { bib }),
  step_limit: (bib) => t("disqualify couple {bib} for the step limit", { bib }),
  warn: (bib) => t("warn couple {bib} for the step limit", { bib }),
};

function couplesOf(event, entries, standing) {
  const labels = new Map(standing.placings.map((p) => [p.bib, p.label]));
  return entries.filter((e) => e.event_id === event.id && e.status === "entered" && e.couple.bib !== null)
    .sort((a, b) => a.couple.bib - b.couple.bib)
    .map((e) => ({ entry: e, bib: e.couple.bib, name: `${e.couple.leader} / ${e.couple.follower}`,
      label: labels.get(e.couple.bib) }));
}

// The last round the couple is drawn into (its heats hold the bib), as the plan shows it.
function roundOf(plan, bib) {
  const holds = (r) => Object.values(r.heats || {}).some((split) => split.some((heat) => heat.includes(bib)));
  return [...plan.rounds].reverse().find(holds) || null;
}

function finalSignedOff(plan) {
  const last = plan.rounds[plan.rounds.length - 1];
  return Boolean(last && last.kind === "final" && last.state === "official");
}

// What the box will do, in words, before anything is sent.
export function consequence(action, couple, event, plan) {
  const round = roundOf(plan, couple.bib);
  const said = { bib: couple.bib, name: couple.name, event: event.name, round: round ? roundName(round.name) : "" };
  if (action === "withdraw") {
    if (!round || !["drawn", "running"].includes(round.state)) {
      return t("Couple {bib} ({name}) is not dancing a round of {event} now: the box will refuse (before the draw, scratch the entry instead).", said);
    }
    if (round.kind === "final") {
      return t('Couple {bib} ({name}) will be withdrawn from the {round} of {event}: in every dance it has not danced yet, every judge places it last (the tablets drop it); its result says "withdrawn". This cannot be undone.', said);
    }
    return t(`Couple {bib} ({name}) will be withdrawn from the {round} of {event}: it will not be recalled, the judges' tablets stop showing it, and sheets already sent stand; its result says "withdrawn". This cannot be undone.`, said);
  }
  const after = finalSignedOff(plan)
    ? ` ${t("The final is signed off: your PIN is needed, the result stays official and nothing else reopens.")}` : "";
  if (action === "warn") {
    return t("Couple {bib} ({name}) will be warned for the step limit in {event} (ESV flag 1). No place changes; the warning is logged and listed in the chair's report.", said) + after;
  }
  return (action === "step_limit"
    ? t('Couple {bib} ({name}) will be disqualified from {event} for the step limit (ESV flag 2): it leaves the result ("DQ") and the other couples are placed again by the rules (a computed final is computed again without it). This cannot be undone.', said)
    : t('Couple {bib} ({name}) will be disqualified from {event} (ESV flag 3): it leaves the result ("DQ") and the other couples are placed again by the rules (a computed final is computed again without it). This cannot be undone.', said)) + after;
}

// What the box did, in words, from its answer.
function outcomeText(action, couple, answer, plan) {
  const found = plan.rounds.find((r) => r.id === answer.round_id);
  const said = { bib: couple.bib, name: couple.name, reason: answer.reason, round: found ? found.name : "" };
  if (action === "warn") return t("Couple {bib} ({name}) is warned for the step limit: {reason}.", said);
  if (action === "withdraw") {
    const danced = answer.danced.length
      ? ` ${t("It had danced {dances}; it is placed last in the other dances.", { dances: answer.danced.map(danceName).join(", ") })}` : "";
    return (found ? t("Couple {bib} ({name}) is withdrawn from the {round}: {reason}.", said)
      : t("Couple {bib} ({name}) is withdrawn from the event: {reason}.", said)) + danced;
  }
  const again = !answer.sheets_checksum ? t("The other couples are placed again.")
    : found ? t("The {round} is placed again (sheets checksum {checksum}).", { ...said, checksum: answer.sheets_checksum })
      : t("The final is placed again (sheets checksum {checksum}).", { checksum: answer.sheets_checksum });
  return `${answer.step_limit ? t("Couple {bib} ({name}) is disqualified for the step limit: {reason}.", said)
    : t("Couple {bib} ({name}) is disqualified: {reason}.", said)} ${again}`;
}

async function send(action, couple, body) {
  const path = { withdraw: "withdraw", warn: "warn", disqualify: "disqualify", step_limit: "disqualify" }[action];
  const response = await signed("POST", `/api/entries/${couple.entry.id}/${path}`, body);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ? data.error.message : t("the box answered {status}", { status: response.status }));
  return data;
}

function field(el, id, label, input) {
  return el("label", { for: id }, label, input);
}

// One event's control: couple, action, reason (and PIN), a confirmation, then the answer in words.
export function outcomeControls(el, { event, entries, standing, plan, role, refresh }) {
  const actions = ACTIONS[role] || {};
  const couples = couplesOf(event, entries, standing);
  const box = el("section", { class: "outcomes no-print", "data-event": event.id });
  if (!Object.keys(actions).length || !couples.length) return box;
  const id = (name) => `outcome-${event.id}-${name}`;
  const couple = el("select", { id: id("couple"), name: "couple" }, ...couples.map((c, i) =>
    el("option", { value: i }, `${c.bib} ${c.name}${c.label === "withdrawn" || c.label === "DQ" ? ` (${t(c.label)})` : ""}`)));
  const action = el("select", { id: id("action"), name: "action" },
    ...Object.entries(actions).map(([k, v]) => el("option", { value: k }, t(v))));
  const reason = el("input", { id: id("reason"), name: "reason", maxlength: 120, autocomplete: "off" });
  const pin = el("input", { id: id("pin"), name: "pin", type: "password", inputmode: "numeric", autocomplete: "off" });
  const signedOff = role === "chair" && finalSignedOff(plan);
  const confirm = el("div", { class: "confirm", role: "group", "aria-label": t("Confirm") });
  confirm.hidden = true;
  const answer = el("p", { class: "outcome-answer", role: "status", "aria-live": "polite" });
  const show = (ok, text) => {
    said.set(event.id, { ok, text });
    answer.className = `outcome-answer message ${ok ? "ok" : "bad"}`;
    answer.textContent = text;
  };
  if (said.has(event.id)) show(said.get(event.id).ok, said.get(event.id).text);
  const review = el("button", { type: "button", onclick: () => {
    const chosen = couples[Number(couple.value)];
    if (!reason.value.trim()) { show(false, t("Give the reason first: the box records why.")); reason.focus(); return; }
    if (signedOff && !pin.value) { show(false, t("The final is signed off: enter the chair's PIN first.")); pin.focus(); return; }
    answer.textContent = "";
    answer.className = "outcome-answer";
    const yes = el("button", { type: "button", class: "danger", onclick: async () => {
      yes.disabled = true;
      const body = { reason: reason.value.trim() };
      if (action.value === "step_limit") body.step_limit = true;
      if (pin.value) body.pin = pin.value;
      try {
        const done = await send(action.value, chosen, body);
        show(true, outcomeText(action.value, chosen, done, plan));
        confirm.hidden = true;
        await refresh();
      } catch (err) {
        show(false, t("Not done: {reason}", { reason: err.message }));
        confirm.hidden = true;
      }
    } }, t("Confirm: {what}", { what: CONFIRM[action.value](chosen.bib) }));
    confirm.replaceChildren(el("p", { class: "consequence" }, consequence(action.value, chosen, event, plan)), yes,
      el("button", { type: "button", onclick: () => { confirm.hidden = true; } }, t("Cancel")));
    confirm.hidden = false;
    yes.focus();
  } }, t("Review…"));
  const fields = [field(el, id("couple"), t("Couple"), couple), field(el, id("action"), t("Action"), action),
    field(el, id("reason"), t("Reason (required)"), reason)];
  if (signedOff) fields.push(field(el, id("pin"), t("Chair's PIN (the final is signed off)"), pin));
  box.append(el("h3", {}, role === "chair" ? t("Disqualify or warn a couple") : t("Withdraw a couple")),
    el("div", { class: "outcome-fields" }, ...fields, review), confirm, answer);
  return box;
}
