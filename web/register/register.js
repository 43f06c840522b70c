// The public registration page: the token comes in the URL fragment (never sent to a server by the browser).
import { danceName } from "../lib/dances.js";
import { t, time } from "../lib/i18n.js";

const token = decodeURIComponent(location.hash.slice(1));
const $ = (id) => document.getElementById(id);
const DAY = { dateStyle: "long", timeZone: "UTC" };  // a date without a time: the day itself, in any time zone

function show(text, ok) {
  const box = $("status");
  box.textContent = text;
  box.className = "message " + (ok ? "ok" : "bad");
  box.hidden = false;
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method, headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = data.error || { message: t("error {status}", { status: response.status }) };
    throw Object.assign(new Error(error.message), { field: error.field });
  }
  return data;
}

// A refusal of `form` in the page's words: "leader must not ..." says the field by its label ("Name des Herrn ...").
function refused(form, err) {
  const input = err.field && form.elements.namedItem(err.field);
  const label = input && input.id && form.querySelector(`label[for="${input.id}"]`);
  const said = label && err.message.startsWith(`${err.field} `)
    ? `${label.textContent.trim()} ${err.message.slice(err.field.length + 1)}` : err.message;
  show(said, false);
}

function eventBox(event) {
  const label = document.createElement("label");
  label.className = "check";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.value = String(event.id);
  box.name = "events";
  label.append(box, `${event.name} (${event.dances.map(danceName).join(", ")})`);  // the dances by name
  return label;
}

function describe(form) {
  const title = form.role === "couple" ? t("{competition}: couple registration", { competition: form.competition })
    : t("{competition}: adjudicator registration", { competition: form.competition });
  $("title").textContent = title;
  document.title = `${title} · Floorcraft`;
  const closes = form.closes_at
    && t("Registration closes {when}.", { when: time(form.closes_at, { dateStyle: "long", timeStyle: "short" }) });
  $("about").textContent = [when(form), closes].filter(Boolean).join(" ");
}

// "Hall, on 5 December 2026." for one day; "Hall, from 5 December to 6 December 2026." for several.
function when(form) {
  const last = form.ends_on;
  if (last === form.starts_on) return t("{venue}, on {day}.", { venue: form.venue, day: time(form.starts_on, DAY) });
  const sameYear = last.slice(0, 4) === form.starts_on.slice(0, 4);
  const first = time(form.starts_on, sameYear ? { day: "numeric", month: "long", timeZone: "UTC" } : DAY);
  return t("{venue}, from {first} to {last}.", { venue: form.venue, first, last: time(last, DAY) });
}

function coupleForm() {
  $("couple-form").hidden = false;
  $("couple-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const events = [...document.querySelectorAll("input[name=events]:checked")].map((b) => Number(b.value));
    if (!events.length) { show(t("Pick at least one event."), false); return; }
    try {
      const receipt = await call("POST", `/api/register/${encodeURIComponent(token)}/couple`, {
        leader: $("leader").value.trim(), follower: $("follower").value.trim(), club: $("club").value.trim(),
        country: $("country").value.trim().toUpperCase(), events,
      });
      show(t("Registered: {leader} / {follower} in {events}. Bib numbers are given when registration closes.", {
        leader: receipt.couple.leader, follower: receipt.couple.follower,
        events: receipt.entries.map((e) => e.event).join(", "),
      }), true);
      $("couple-form").reset();
    } catch (err) { refused($("couple-form"), err); }
  });
}

function adjudicatorForm() {
  $("adjudicator-form").hidden = false;
  $("adjudicator-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const judge = await call("POST", `/api/register/${encodeURIComponent(token)}/adjudicator`, {
        name: $("name").value.trim(), country: $("adj-country").value.trim().toUpperCase(),
      });
      show(t("Registered: {name}, judge {letter}.", { name: judge.name, letter: judge.letter }), true);
      $("adjudicator-form").reset();
    } catch (err) { refused($("adjudicator-form"), err); }
  });
}

async function main() {
  if (!token) { show(t("This page needs a registration link from the organiser."), false); return; }
  let form;
  try { form = await call("GET", `/api/register/${encodeURIComponent(token)}`); }
  catch (err) { show(err.message, false); return; }
  describe(form);
  if (form.role === "couple") {
    form.events.forEach((e) => $("events").append(eventBox(e)));
    coupleForm();
  } else {
    adjudicatorForm();
  }
}

main();
