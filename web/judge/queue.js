// The tablet's outbox: every sheet and signature goes into localStorage first (it survives a reload and a dropped
// connection) and leaves it only when the box has answered. It also knows how the last attempt to reach the box
// went: the connection state the judge sees.
import { signed } from "../lib/device.js";
import { t } from "../lib/i18n.js";

const QUEUE = "floorcraft.queue";
const listeners = [];
export const link = { ok: null, at: 0, why: "" };  // the last attempt: reached the box or not, when, why not

export const queue = () => JSON.parse(localStorage.getItem(QUEUE) || "[]");
const setQueue = (q) => { localStorage.setItem(QUEUE, JSON.stringify(q)); changed(); };
export const onChange = (f) => listeners.push(f);
const changed = () => listeners.forEach((f) => f());

export function enqueue(item) { setQueue([...queue(), { ...item, queuedAt: Date.now() }]); }

export function isQueued(task) { return queue().some((item) => item.task === task); }

// The oldest queued item's wait, in milliseconds (0 with nothing queued).
export function waited(now = Date.now()) {
  const q = queue();
  return q.length ? now - Math.min(...q.map((item) => item.queuedAt || now)) : 0;
}

export function note(ok, why = "") {
  link.ok = ok;
  link.at = Date.now();
  link.why = why;
  changed();
}

// Send what is queued, oldest first. `received(item, answer)` when the box stored it, `refused(item, answer,
// status)` when it said no for good (4xx); no answer or a 5xx keeps the item for the next attempt.
let flushing = false;
export async function flush(received, refused) {
  if (flushing) return;
  flushing = true;
  try {
    while (queue().length) {
      const item = queue()[0];
      let response;
      try {
        response = await signed("POST", item.path, item.body, item.key);
      } catch {
        note(false, t("no answer"));
        return;  // the same item goes again, with the same idempotency key, when the box answers
      }
      const answer = await response.json().catch(() => ({}));
      if (response.status >= 500) {
        note(false, t("the box answered {status}", { status: response.status }));
        return;
      }
      note(true);
      setQueue(queue().filter((q) => q.key !== item.key));
      if (response.ok) received(item, answer);
      else refused(item, answer, response.status);
    }
  } finally {
    flushing = false;
  }
}

// Leaving or reloading with sheets the box has not received: the browser asks first.
window.addEventListener("beforeunload", (event) => {
  if (!queue().length) return;
  event.preventDefault();
  event.returnValue = t("Sheets are queued and not yet received by the box.");
});
