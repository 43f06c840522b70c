// This tablet's enrolment and signed requests (security.md), with no crypto.subtle (plain HTTP on the LAN).
import { sha256 } from "@noble/hashes/sha2.js";
import { hmac } from "@noble/hashes/hmac.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { t } from "./i18n.js";

const STORE = "floorcraft.device";
const text = new TextEncoder();

export const b64u = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const unb64u = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), (c) => c.charCodeAt(0));
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const mac = (key, message) => hex(hmac(sha256, key, text.encode(message)));
const randomId = (n = 12) => b64u(crypto.getRandomValues(new Uint8Array(n)));

export function device() {
  const saved = localStorage.getItem(STORE);
  return saved ? JSON.parse(saved) : null;
}

function save(d) { localStorage.setItem(STORE, JSON.stringify(d)); }

// Complete an enrolment from the QR code's fragment "<id>.<secret>": X25519, proved both ways by the secret.
export async function enrol(fragment) {
  const [enrolmentId, secretText] = fragment.split(".");
  const secret = unb64u(secretText);
  const deviceId = randomId();
  const privateKey = x25519.utils.randomSecretKey();
  const publicKey = b64u(x25519.getPublicKey(privateKey));
  const proof = mac(secret, `enrol|${enrolmentId}|${deviceId}|${publicKey}`);
  const response = await fetch("/api/enrol", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ enrolment_id: enrolmentId, device_id: deviceId, public_key: publicKey, proof }),
  });
  const answer = await response.json();
  if (!response.ok) {
    throw new Error(answer.error ? answer.error.message : t("enrolment failed ({status})", { status: response.status }));
  }
  if (mac(secret, `box|${enrolmentId}|${deviceId}|${answer.box_public_key}`) !== answer.proof) {
    throw new Error(t("this box could not prove it made the QR code"));
  }
  const shared = x25519.getSharedSecret(privateKey, unb64u(answer.box_public_key));
  const key = hkdf(sha256, shared, secret, text.encode("floorcraft device key v1"), 32);
  const d = { id: deviceId, key: b64u(key), role: answer.role, judge: answer.judge,
              competition: answer.competition_id, counter: 0 };
  save(d);
  return d;
}

// A signed request; the counter only moves forward, also across reloads. Requests go one at a time, so that
// their counters reach the box in order (a later counter arriving first would make the earlier one a "replay").
// A body is sent as JSON, or, with another `type` (the desk's CSV import: "text/csv"), as the text it is.
let chain = Promise.resolve();
export function signed(method, path, body = null, idempotencyKey = randomId(16), type = "application/json") {
  const next = chain.then(() => send(method, path, body, idempotencyKey, type));
  chain = next.catch(() => {});
  return next;
}

async function send(method, path, body, idempotencyKey, type) {
  const d = device();
  if (!d) throw new Error(t("this tablet is not enrolled"));
  d.counter = Math.max(d.counter + 1, Date.now() * 1000);
  save(d);
  const payload = body === null ? "" : type === "application/json" ? JSON.stringify(body) : String(body);
  const digest = hex(sha256(text.encode(payload)));
  const signature = mac(unb64u(d.key), `${method}|${path}|${d.counter}|${idempotencyKey}|${digest}`);
  const headers = { "X-Device": d.id, "X-Counter": String(d.counter), "Idempotency-Key": idempotencyKey,
                    "X-Signature": signature };
  if (body !== null) headers["Content-Type"] = type;
  return fetch(path, { method, headers, body: body === null ? undefined : payload });
}

export { randomId };
