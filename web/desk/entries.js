// The desk's Registration tab: registration links (with their closing time), the entries, entering and editing a
// couple, scratching an entry, the CSV import, and closing registration (asked first: registration.js).
import { el, form, table } from "./forms.js";
import { said } from "./feedback.js";
import { importForm } from "./import.js";
import { closeRegistration } from "./registration.js";
import { n_, t, time } from "../lib/i18n.js";

const ROLES = { couple: n_("couples"), adjudicator: n_("adjudicators") };
const STATUS = { entered: n_("entered"), scratched: n_("scratched") };
const when = (iso) => time(iso, { dateStyle: "medium", timeStyle: "short" });

function newLink(desk) {
  return form([{ name: "role", label: t("For"), options: Object.entries(ROLES).map(([k, v]) => [k, t(v)]) },
    { name: "closes_at", label: t("Closes at (optional)"), type: "datetime-local" }], t("New link"), async (v) => {
    const body = { role: v.role };
    if (v.closes_at) body.closes_at = new Date(v.closes_at).toISOString(); // the page's time, with its offset
    desk.showQr(await desk.api("POST", `${desk.path}/registration-links`, body));
  }, (v) => t("Made a new registration link for {who}.", { who: t(ROLES[v.role]) }));
}

function links(desk, found) {
  return table([t("For"), t("Closes"), t("Link"), ""], found.map((l) => [t(ROLES[l.role] || l.role),
    l.closes_at ? when(l.closes_at) : t("when registration closes"), el("span", { class: "small" }, l.url),
    el("button", { type: "button", onclick: () => desk.showQr(l) }, t("QR"))]));
}

function scratch(desk, e) {
  const couple = `${e.couple.leader} / ${e.couple.follower}`;
  return el("button", { type: "button", onclick: async () => {
    await desk.api("POST", `/api/entries/${e.id}/scratch`);
    said(t("Scratched {couple} from {event}.", { couple, event: e.event }));
    desk.refresh();
  } }, t("Scratch"));
}

function entriesTable(desk, entries) {
  return table([t("Bib"), t("Couple"), t("Club"), t("Country"), t("Event"), t("Status"), ""], entries.map((e) => [e.couple.bib ?? "",
    `${e.couple.leader} / ${e.couple.follower}`, e.couple.club, e.couple.country, e.event,
    t(STATUS[e.status] || e.status) + (e.late ? ` ${t("(late)")}` : ""), e.status === "entered" ? scratch(desk, e) : ""]));
}

function enterCouple(desk, events) {
  const open = desk.competition.registration === "open";
  return form([{ name: "event", label: t("Event"), options: events.map((e) => e.name) },
    { name: "leader", label: t("Leader") }, { name: "follower", label: t("Follower") }, { name: "club", label: t("Club") },
    { name: "country", label: t("Country (e.g. GER)") }],
  open ? t("Enter couple") : t("Late entry"), (v) => {
    const event = events.find((e) => e.name === v.event);
    return desk.api("POST", `/api/events/${event.id}/entries`, { leader: v.leader, follower: v.follower, club: v.club,
      country: v.country.toUpperCase() });
  }, (v, made) => (made.couple.bib
    ? t("Entered {leader} / {follower} in {event} with bib {bib}.", { ...v, bib: made.couple.bib })
    : t("Entered {leader} / {follower} in {event}.", v)));
}

function editCouple(desk, entries) {
  const couples = [...new Map(entries.map((e) => [e.couple.id, e.couple])).values()];
  return form([{ name: "couple", label: t("Couple"), options: couples.map((c) => [c.id, `${c.bib ?? "–"}: ${c.leader} / ${c.follower}`]) },
    { name: "leader", label: t("Leader") }, { name: "follower", label: t("Follower") }, { name: "club", label: t("Club") },
    { name: "country", label: t("Country (e.g. GER)") }],
  t("Edit couple"), (v) => {
    const fields = { leader: v.leader, follower: v.follower, club: v.club, country: v.country.toUpperCase() };
    const body = Object.fromEntries(Object.entries(fields).filter(([, value]) => value));
    return desk.api("PATCH", `/api/couples/${v.couple}`, body);
  }, (v, c) => (c.club ? t("Saved the couple: {leader} / {follower}, {club}.", c) : t("Saved the couple: {leader} / {follower}.", c)));
}

export async function registrationView(desk) {
  const [found, entries, events] = await Promise.all([desk.api("GET", `${desk.path}/registration-links`),
    desk.api("GET", `${desk.path}/entries`), desk.api("GET", `${desk.path}/events`)]);
  const open = desk.competition.registration === "open";
  const nodes = [el("h2", {}, t("Registration links"))];
  if (open) nodes.push(newLink(desk));
  nodes.push(links(desk, found));
  nodes.push(el("h2", {}, t("Entries ({n})", { n: entries.length })), entriesTable(desk, entries), enterCouple(desk, events));
  if (open) nodes.push(...importForm(desk));
  nodes.push(editCouple(desk, entries));
  if (open) {  // asks first, saying what closing will do
    nodes.push(...closeRegistration(el, { competitionId: desk.competition.id, api: desk.api, said,
      done: async () => { await desk.reload(); await desk.refresh(); } }));
  }
  return nodes;
}
