// The live stream (/api/live) with a fallback. The box caps its live viewers so that the audience never holds
// the connections its officials need: beyond the cap it answers 503, and an EventSource that gets a status
// other than 200 gives up for good (readyState CLOSED). Then this polls instead, every `pollEvery` ms, and tries
// the stream again after `retryAfter` ms plus a random part (so a full hall does not come back all at once).
// While the stream is open, the browser itself reconnects after a dropped connection (Last-Event-ID); each drop
// calls `onDrop` (e.g. to poll once and say so when the box does not answer either).
//
//   follow("/api/live", { events: { "round.computed": refresh }, poll: refresh, onOpen: refresh });

export function follow(url, { events = {}, poll, onOpen = () => {}, onDrop = () => {}, pollEvery = 5000,
                              retryAfter = 30000 }) {
  let polling = null;
  let source = null;

  function startPolling() {
    if (polling === null) polling = setInterval(poll, pollEvery);
    poll();
  }

  function stopPolling() {
    if (polling !== null) clearInterval(polling);
    polling = null;
  }

  function open() {
    source = new EventSource(url);
    for (const [kind, handler] of Object.entries(events)) source.addEventListener(kind, handler);
    // The stream's first frame ("state") is where its live events start: a page that does not read it fetches
    // what it shows then, so a change made while the stream was being set up (a worker starting) is not missed.
    if (!("state" in events)) source.addEventListener("state", () => poll());
    source.addEventListener("open", () => {
      document.documentElement.dataset.live = "stream";
      stopPolling();
      onOpen();
    });
    source.addEventListener("error", () => {
      if (source.readyState !== EventSource.CLOSED) { onDrop(); return; }  // the browser reconnects by itself
      document.documentElement.dataset.live = "polling";
      startPolling();
      setTimeout(open, retryAfter + Math.random() * retryAfter);
    });
  }

  if ("EventSource" in window) open();
  else startPolling();
}
