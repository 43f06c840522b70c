// The public registration page: the token comes in the URL fragment (never sent to a server by the browser).
const token = decodeURIComponent(location.hash.slice(1));
const $ = (id) => document.getElementById(id);

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
  if (!response.ok) throw new Error(data.error ? data.error.message : `error ${response.status}`);
  return data;
}

function eventBox(event) {
  const label = document.createElement("label");
  label.className = "check";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.value = String(event.id);
  box.name = "events";
  label.append(box, `${event.name} (${event.dances.join(" ")})`);
  return label;
}

async function main() {
  if (!token) { show("This page needs a registration link from the organiser.", false); return; }
  let form;
  try { form = await call("GET", `/api/register/${encodeURIComponent(token)}`); }
  catch (err) { show(err.message, false); return; }
  $("title").textContent = `${form.competition}: ${form.role === "couple" ? "couple" : "adjudicator"} registration`;
  $("about").textContent = `${form.venue}, from ${form.starts_on}` +
    (form.closes_at ? `. Registration closes ${new Date(form.closes_at).toLocaleString()}.` : ".");
  if (form.role === "couple") {
    form.events.forEach((e) => $("events").append(eventBox(e)));
    $("couple-form").hidden = false;
    $("couple-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const events = [...document.querySelectorAll("input[name=events]:checked")].map((b) => Number(b.value));
      if (!events.length) { show("Pick at least one event.", false); return; }
      try {
        const receipt = await call("POST", `/api/register/${encodeURIComponent(token)}/couple`, {
          leader: $("leader").value.trim(), follower: $("follower").value.trim(), club: $("club").value.trim(),
          country: $("country").value.trim().toUpperCase(), events,
        });
        show(`Registered: ${receipt.couple.leader} / ${receipt.couple.follower} in ` +
             receipt.entries.map((e) => e.event).join(", ") + ". Bib numbers are given when registration closes.", true);
        $("couple-form").reset();
      } catch (err) { show(err.message, false); }
    });
  } else {
    $("adjudicator-form").hidden = false;
    $("adjudicator-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        const judge = await call("POST", `/api/register/${encodeURIComponent(token)}/adjudicator`, {
          name: $("name").value.trim(), country: $("adj-country").value.trim().toUpperCase(),
        });
        show(`Registered: ${judge.name}, judge ${judge.letter}.`, true);
        $("adjudicator-form").reset();
      } catch (err) { show(err.message, false); }
    });
  }
}

main();
