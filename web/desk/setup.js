// The desk's Setup tab: a new competition, editing the one selected (PATCH /api/competitions/{id}), its events with
// every field the box takes (age group, level, floor, couples per heat, final size, redraw per dance), each event's
// panel and the adjudicators.
import { el, form, list, scroller, table } from "./forms.js";
import { danceName } from "../lib/dances.js";
import { n_, t } from "../lib/i18n.js";

const STYLES = [["standard", n_("Standard")], ["latin", n_("Latin")], ["ten_dance", n_("Ten dance")], ["other", n_("Other")]];
const styleName = (code) => t((STYLES.find(([c]) => c === code) || [code, code])[1]);
const floorList = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

function newCompetition(desk) {
  return form([
    { name: "name", label: t("Name") }, { name: "starts_on", label: t("From"), type: "date" },
    { name: "ends_on", label: t("To"), type: "date" }, { name: "venue", label: t("Venue") },
    { name: "floors", label: t("Floors (separated by commas)"), value: t("Main floor") },
    { name: "first_bib", label: t("First bib"), type: "number", value: 1, attrs: { min: 1, max: 9000 } }],
  t("Create competition"), async (v) => {
    desk.competition = await desk.api("POST", "/api/competitions/", { name: v.name, starts_on: v.starts_on,
      ends_on: v.ends_on, venue: v.venue, floors: floorList(v.floors), first_bib: Number(v.first_bib || 1) });
    await desk.reload();
  }, (v) => t("Created the competition “{name}”.", { name: v.name }));
}

// Only what was changed is sent; the first bib only while registration is open (then the bibs are given).
function editCompetition(desk) {
  const c = desk.competition;
  const open = c.registration === "open";
  const fields = [{ name: "name", label: t("Name"), value: c.name },
    { name: "starts_on", label: t("From"), type: "date", value: c.starts_on },
    { name: "ends_on", label: t("To"), type: "date", value: c.ends_on }, { name: "venue", label: t("Venue"), value: c.venue }];
  if (open) fields.push({ name: "first_bib", label: t("First bib"), type: "number", value: c.first_bib, attrs: { min: 1, max: 9000 } });
  return form(fields, t("Save the competition"), async (v) => {
    const body = {};
    for (const key of Object.keys(v)) {
      const value = key === "first_bib" ? Number(v[key]) : v[key];
      if (String(value) !== String(c[key])) body[key] = value;
    }
    const saved = Object.keys(body).length ? await desk.api("PATCH", `/api/competitions/${c.id}`, body) : c;
    await desk.reload();
    return saved;
  }, (v, saved) => t("Saved the competition “{name}”.", { name: saved.name }), { id: "edit-competition" });
}

function eventsTable(events) {
  return table([t("Event"), t("Style"), t("Dances"), t("Age group"), t("Level"), t("Floor"), t("Per heat"), t("Final"),
    t("Redraw per dance"), t("Panel"), t("Entries")], events.map((e) => [e.name, styleName(e.style),
    e.dances.map(danceName).join(", "), e.age_group, e.level, e.floor, e.max_per_heat, e.final_size,
    e.redraw_per_dance ? t("yes") : t("no"), e.panel.join(""), e.entries]), { id: "events" });
}

function addEvent(desk) {
  return form([{ name: "name", label: t("Event") },
    { name: "style", label: t("Style"), options: STYLES.map(([code, name]) => [code, t(name)]) },
    { name: "dances", label: t("Dances (codes)"), value: "W T Q" },
    { name: "age_group", label: t("Age group"), value: "Adult" }, { name: "level", label: t("Level"), value: "Open" },
    { name: "floor", label: t("Floor"), options: desk.competition.floors.map((f) => f.name) },
    { name: "max_per_heat", label: t("Per heat"), type: "number", value: 12 },
    { name: "final_size", label: t("Final"), type: "number", value: 6 },
    { name: "redraw_per_dance", label: t("Redraw the heats for each dance"), type: "checkbox", value: true }],
  t("Add event"), (v) => desk.api("POST", `${desk.path}/events`, { name: v.name, style: v.style, dances: list(v.dances),
    age_group: v.age_group, level: v.level, floor: v.floor, max_per_heat: Number(v.max_per_heat),
    final_size: Number(v.final_size), redraw_per_dance: v.redraw_per_dance }),
  (v) => t("Added the event “{name}” on {floor}.", { name: v.name, floor: v.floor }));
}

function setPanel(desk, events) {
  return form([{ name: "event", label: t("Event"), options: events.map((e) => e.name) },
    { name: "letters", label: t("Panel (letters)") }, { name: "reason", label: t("Reason (once the event has started)") }],
  t("Set panel"), (v) => {
    const event = events.find((e) => e.name === v.event);
    const letters = list(v.letters.toUpperCase()).flatMap((x) => (x.length > 2 ? [...x] : [x]));
    return desk.api("PUT", `/api/events/${event.id}/panel`, { letters, reason: v.reason });
  }, (v) => t("Set the panel of {event}: {letters}.", { event: v.event, letters: v.letters.toUpperCase() }));
}

function adjudicators(desk, judges) {
  return [el("h2", {}, t("Adjudicators")), table([t("Letter"), t("Name"), t("Country")], judges.map((j) => [j.letter, j.name, j.country])),
    form([{ name: "name", label: t("Name") }, { name: "country", label: t("Country (e.g. GER)") },
      { name: "letter", label: t("Letter (empty: the next free one)"), attrs: { maxlength: 2 } }], t("Add adjudicator"),
      (v) => desk.api("POST", `${desk.path}/adjudicators`, { name: v.name, country: v.country.toUpperCase(),
        letter: v.letter ? v.letter.toUpperCase() : null }),
      (v, made) => t("Added the adjudicator {name} as judge {letter}.", { name: v.name, letter: made.letter }))];
}

export async function setupView(desk) {
  const nodes = [el("h2", {}, t("New competition")), newCompetition(desk)];
  if (!desk.competition) return nodes;
  const [events, judges] = await Promise.all([desk.api("GET", `${desk.path}/events`), desk.api("GET", `${desk.path}/adjudicators`)]);
  nodes.push(el("h2", {}, t("This competition: {name}", { name: desk.competition.name })), editCompetition(desk));
  if (desk.competition.registration === "closed") {
    nodes.push(el("p", {}, t("The bibs are given from {bib}: the first bib can no longer change.", { bib: desk.competition.first_bib })));
  }
  nodes.push(el("h2", {}, t("Events")), scroller(t("Events"), eventsTable(events)));
  if (desk.competition.registration === "open") nodes.push(addEvent(desk));
  nodes.push(setPanel(desk, events), ...adjudicators(desk, judges));
  return nodes;
}
