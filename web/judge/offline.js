// Over https (FLOORCRAFT_TLS_CERT, a certificate the tablets trust), a service worker (sw.js) keeps this page's
// shell: a reload while the box is unreachable still shows the page and its queued sheets. On plain http nothing is
// registered (browsers allow service workers on secure contexts only) and the page works as before.
// When the shell is kept, <html data-offline="ready">.
export async function keepOffline() {
  if (location.protocol !== "https:" || !window.isSecureContext || !("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/judge/sw.js", { scope: "/judge/" });
    const registration = await navigator.serviceWorker.ready;
    const urls = [location.pathname, ...performance.getEntriesByType("resource").map((entry) => entry.name)];
    const channel = new MessageChannel();
    const answered = new Promise((resolve) => { channel.port1.onmessage = (event) => resolve(event.data); });
    registration.active.postMessage({ type: "keep", urls }, [channel.port2]);
    await answered;
    document.documentElement.dataset.offline = "ready";
  } catch (error) {
    document.documentElement.dataset.offline = `unavailable: ${error}`;  // the page works on, online only
  }
}
