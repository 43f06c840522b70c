// German and English on every page. The English is written in the code and the HTML; German comes from the
// JSON catalog web/lib/locale/de.json (English -> German), checked by tests/quality/test_catalogs.py: a word
// said here and missing there, or kept there and said nowhere, fails the suite.
//
//   import { t, tn, n_, lang } from "../lib/i18n.js";
//   t("Sheets received")                       -> "Bögen erhalten"
//   t("{who} is late", { who: "Judge B" })      -> "Wertungsrichter B ist spät dran"
//   tn(count, "one sheet queued", "{n} sheets queued")
//   n_("Waltz")  marks a table's word for the catalog; say it later with t(word)
//   <h2 data-i18n>Progress</h2>, <p data-i18n="html">Ask the <em>chair</em></p>,
//   <input data-i18n-attr="placeholder aria-label" placeholder="…">
//
// The language: the page's switch (kept in localStorage and the cookie floorcraft.lang, which the box reads to
// answer in the same language), else `?lang=de|en` in the URL (a hall screen, a shared link), else the browser's
// first of German or English, else German (the DTV's events run in German).
const KEY = "floorcraft.lang";
export const LANGUAGES = { de: "Deutsch", en: "English" };

function stored() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}

function choose() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked in LANGUAGES) return asked;
  const saved = stored();
  if (saved in LANGUAGES) return saved;
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const primary = tag.split("-")[0].toLowerCase();
    if (primary in LANGUAGES) return primary;
  }
  return "de";
}

const tell = (language, age = "max-age=31536000; ") => {  // the cookie: the box answers in the page's language
  document.cookie = `${KEY}=${language}; path=/; ${age}SameSite=Strict`;
};

function remember(language) {
  try { localStorage.setItem(KEY, language); } catch { /* private mode: the cookie still says it */ }
  tell(language);
}

async function load(language) {
  if (language === "en") return {};
  try {
    const response = await fetch(new URL(`./locale/${language}.json`, import.meta.url));
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// The box unreachable and the catalog not kept: the page is English, all of it (its <html lang>, and the box's
// refusals through the cookie, for this visit only: the choice kept stays, for the next visit that gets the catalog).
const chosen = choose();
const loaded = await load(chosen);
export const lang = loaded ? chosen : "en";
const catalog = loaded || {};
if (loaded) remember(lang);
else tell(lang, "");
document.documentElement.lang = lang;

// `text` in the page's language, with {name} filled from `params`.
export function t(text, params = {}) {
  const words = catalog[text] ?? text;
  return words.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// A count: `one` when n is 1, else `other` (German has the same two forms); {n} is filled in.
export const tn = (n, one, other, params = {}) => t(n === 1 ? one : other, { n, ...params });

// Marks a word for the catalog where a table names it; say it with t(word) where it is shown.
export const n_ = (text) => text;

// Numbers, dates and times the way the page's language writes them.
export const number = (n, options) => new Intl.NumberFormat(lang, options).format(n);
export const time = (date, options = { hour: "2-digit", minute: "2-digit" }) =>
  new Intl.DateTimeFormat(lang, options).format(date instanceof Date ? date : new Date(date));

// The HTML's marked words: data-i18n (the element's text), data-i18n="html" (its markup: <strong>, <code>, <a>
// with double-quoted attributes and no entities) and data-i18n-attr (those attributes' values).
const squeeze = (text) => text.trim().replace(/\s+/g, " ");
export function translate(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    if (element.dataset.i18n === "html") element.innerHTML = t(squeeze(element.innerHTML));
    else element.textContent = t(squeeze(element.textContent));
  }
  for (const element of root.querySelectorAll("[data-i18n-attr]")) {
    for (const name of element.dataset.i18nAttr.split(/\s+/).filter(Boolean)) {
      if (element.hasAttribute(name)) element.setAttribute(name, t(element.getAttribute(name).trim()));
    }
  }
}

// The switch: Deutsch | English, into the page's [data-language-switch] or else at the top of its body.
export function languageSwitch() {
  const nav = document.createElement("nav");
  nav.className = "language-switch";
  nav.setAttribute("aria-label", "Sprache / Language");
  for (const [code, name] of Object.entries(LANGUAGES)) {
    const button = document.createElement("button");
    button.type = "button";
    button.lang = code;
    button.textContent = name;
    button.setAttribute("aria-pressed", String(code === lang));
    button.addEventListener("click", () => {
      if (code === lang) return;
      remember(code);
      const url = new URL(location.href);
      url.searchParams.delete("lang");
      location.replace(url);
    });
    nav.append(button);
  }
  const place = document.querySelector("[data-language-switch]");
  if (place) place.append(nav);
  else document.body.prepend(nav);
  return nav;
}

// Every page: translate its HTML and show the switch as soon as the document is there.
function start() {
  translate();
  languageSwitch();
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
else start();
