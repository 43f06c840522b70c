// The cloud's front page: every competition of every paired box, each linking to its results page.
async function load() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/cloud/api/competitions");
    if (!response.ok) throw new Error(`competitions unavailable (${response.status})`);
    const list = await response.json();
    document.getElementById("competitions").replaceChildren(...list.map((c) => {
      const link = document.createElement("a");
      link.href = c.page;
      link.textContent = c.name;
      const item = document.createElement("li");
      item.append(link, ` · ${c.venue} · ${c.starts_on}${c.ends_on !== c.starts_on ? ` to ${c.ends_on}` : ""}`
        + ` · ${c.events_with_results} event${c.events_with_results === 1 ? "" : "s"} with results`);
      return item;
    }));
    status.textContent = list.length ? "" : "No competitions yet.";
  } catch (err) {
    status.textContent = err.message;
  }
}

load();
