// The cloud's front page: every competition of every paired box, each linking to its results page.
import { t, tn, time } from "../lib/i18n.js";

// A day ("2026-06-01") as the page's language writes it; the date as given, whatever the reader's time zone.
const day = (iso) => time(`${iso}T00:00:00Z`, { dateStyle: "medium", timeZone: "UTC" });

function line(c) {
  const when = c.ends_on !== c.starts_on
    ? t("{from} to {to}", { from: day(c.starts_on), to: day(c.ends_on) }) : day(c.starts_on);
  const events = tn(c.events_with_results, "{n} event with results", "{n} events with results");
  return ` · ${c.venue} · ${when} · ${events}`;
}

async function load() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/cloud/api/competitions");
    if (!response.ok) throw new Error(t("competitions unavailable ({status})", { status: response.status }));
    const list = await response.json();
    document.getElementById("competitions").replaceChildren(...list.map((c) => {
      const link = document.createElement("a");
      link.href = c.page;
      link.textContent = c.name;
      const item = document.createElement("li");
      item.append(link, line(c));
      return item;
    }));
    status.textContent = list.length ? "" : t("No competitions yet.");
  } catch (err) {
    status.textContent = err.message;
  }
}

load();
