// The desk's Floors tab (the sheets' progress, each floor's now/next with dance names and its running order; the
// scrutineer moves the floor, the chair only sees it) and the Devices tab (enrolling by QR code, who has sent what,
// the devices, and the box's cloud for its owner).
import { el, form, table } from "./forms.js";
import { said } from "./feedback.js";
import { progressSection, stateName } from "./progress.js";
import { danceName, roundName } from "../lib/dances.js";
import { n_, t, time } from "../lib/i18n.js";

const STATES = { idle: n_("not started"), running: n_("running"), stopped: n_("stopped") };
const MOVES = { start: n_("Start"), previous: n_("Previous"), next: n_("Next"), stop: n_("Stop") };
const ROLES = { adjudicator: n_("adjudicator"), chair: n_("chair"), display: n_("display"), scrutineer: n_("scrutineer") };

export const describe = (i) => (i
  ? t("{event} · {round} · {dance} · heat {heat}/{heats}", { ...i, round: roundName(i.round), dance: danceName(i.dance) }) : "—");

function moves(desk, f) {
  return el("div", { class: "no-print" }, ...Object.entries(MOVES).map(([m, label]) => el("button", {
    type: "button", id: `floor-${f.id}-${m}`, onclick: async () => {
      const moved = await desk.api("POST", `/api/floors/${f.id}/${m}`);
      said(m === "stop" ? t("{floor}: stopped.", { floor: f.name }) : t("{floor}: now {now}.", { floor: f.name, now: describe(moved.now) }));
      desk.refresh();
    } }, t(label))));
}

async function floorSection(desk, f) {
  const [status, order] = await Promise.all([desk.api("GET", `/api/floors/${f.id}/status`),
    desk.api("GET", `/api/floors/${f.id}/running-order`)]);
  return [el("h2", {}, `${f.name} (${t(STATES[status.state] || status.state)})`),
    el("p", { id: `now-${f.id}` }, t("Now: {now}", { now: describe(status.now) })),
    el("p", { id: `next-${f.id}` }, t("Next: {next}", { next: describe(status.next) })),
    ...(desk.me.role === "scrutineer" ? [moves(desk, f)] : []),
    table(["#", t("Event"), t("Round"), t("Dance"), t("Heat"), t("Bibs")], order.map((i) => [i.position, i.event, roundName(i.round),
      danceName(i.dance), `${i.heat}/${i.heats}`, i.bibs.join(" ")]))];
}

export async function floorView(desk) {
  const sections = await Promise.all(desk.competition.floors.map((f) => floorSection(desk, f)));
  return [progressSection(el, await desk.api("GET", `${desk.path}/progress`)), ...sections.flat()];  // updated live
}

// The cloud: where the log goes, what waits, and the box's pairing (GET /api/sync); pairing with a code.
async function cloudSection(desk) {
  const sync = await desk.api("GET", "/api/sync");
  const paired = sync.pairing ? t("paired with {cloud} since {since}", { cloud: sync.pairing.cloud, since: sync.pairing.paired_at })
    : t("not paired");
  const state = t("{paired}; log #{acked} of #{head} sent, {pending} waiting", { paired, acked: sync.acked_seq, head: sync.head,
    pending: sync.pending });
  const nodes = [el("h2", {}, t("Cloud")), el("p", { id: "cloud-state" }, sync.endpoint
    ? (sync.last_error ? t("{state}; last error: {error}", { state, error: sync.last_error }) : state)
    : t("No cloud is set (FLOORCRAFT_CLOUD_URL)."))];
  if (sync.endpoint) {
    nodes.push(form([{ name: "code", label: t("Pairing code (floorcraft cloud pair)"), attrs: { required: "", maxlength: 40 } }],
      t("Pair with the cloud"), (v) => desk.api("POST", "/api/sync/pair", { code: v.code })));
  }
  return nodes;
}

function devicesTable(desk, devices) {
  return table([t("Device"), t("Role"), t("Judge"), t("Last seen"), ""], devices.map((d) => [d.id, t(ROLES[d.role] || d.role),
    d.judge ?? "", d.last_seen ? time(d.last_seen) : "", d.revoked ? t("revoked") : el("button", { type: "button", onclick: async () => {
      await desk.api("POST", `/api/devices/${d.id}/revoke`);
      said(t("Revoked the device {device}.", { device: d.id }));
      desk.refresh();
    } }, t("Revoke"))]));
}

export async function devicesView(desk) {
  const [judges, devices, progress] = await Promise.all([desk.api("GET", `${desk.path}/adjudicators`),
    desk.api("GET", "/api/devices"), desk.api("GET", `${desk.path}/progress`)]);
  const nodes = [el("h2", {}, t("Enrol a device")), form([{ name: "role", label: t("Role"),
    options: Object.entries(ROLES).map(([k, v]) => [k, t(v)]) },
  { name: "judge", label: t("Judge"), options: ["", ...judges.map((j) => j.letter)] }], t("Show QR"), async (v) => {
    desk.showQr(await desk.api("POST", "/api/enrolments", { role: v.role, competition_id: desk.competition.id, judge: v.judge || null }));
  }, () => t("Made a QR code: scan it with the device to enrol it."))];
  const sent = (d) => `${danceName(d.dance)}: ${d.sent.join("") || "-"} / ${d.missing.join("") || "-"}`;
  nodes.push(el("h2", {}, t("Who has sent what")), table([t("Event"), t("Round"), t("State"), t("Dances (sent / missing)")],
    progress.rounds.map((r) => [r.event, roundName(r.round), stateName(r.state), r.dances.map(sent).join("  ")])));
  nodes.push(el("h2", {}, t("Devices")), devicesTable(desk, devices));
  if (desk.me.competition == null) nodes.push(...await cloudSection(desk)); // the box's cloud: its owner's alone
  return nodes;
}
