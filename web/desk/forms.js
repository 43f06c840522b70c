// The desk's building blocks: elements, tables, and forms that say what they did (feedback.js) and keep what is
// being typed across the view's rebuilds.
import { clearFieldErrors, said, showFieldError } from "./feedback.js";
import { t } from "../lib/i18n.js";

// What a saved form calls to show the view again (desk.js sets it to its show()).
export const view = { refresh: async () => {} };

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}

export function table(header, rows, attrs = {}) {
  return el("table", attrs, el("thead", {}, el("tr", {}, ...header.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c))))));
}

// A table wider than the page scrolls by itself (keyboard too), so the page never scrolls sideways.
export function scroller(label, ...tables) {
  return el("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": label }, ...tables);
}

// "a b, c" -> ["a", "b", "c"]
export const list = (text) => text.split(/[ ,]+/).filter(Boolean);

// An option: a value, or [value, label] (the label in the page's language, the value as the box knows it).
const option = (o) => (Array.isArray(o) ? el("option", { value: o[0] }, o[1]) : el("option", { value: o }, o));

function field(f, id) {
  if (f.options) {
    const select = el("select", { name: f.name, id, ...f.attrs }, ...f.options.map(option));
    if (f.value !== undefined) select.value = String(f.value);
    for (const o of select.options) o.defaultSelected = o.selected; // what it shows unedited
    return select;
  }
  if (f.type === "textarea") return el("textarea", { name: f.name, id, rows: 4, ...f.attrs }, f.value ?? "");
  if (f.type === "checkbox") return el("input", { name: f.name, id, type: "checkbox", checked: !!f.value, ...f.attrs });
  return el("input", { name: f.name, id, type: f.type || "text", value: f.value ?? "", ...f.attrs });
}

function valueOf(input) {
  if (input.type === "checkbox") return input.checked;
  if (input.type === "file") return input.files[0] || null;
  return input.value.trim();
}

let formCount = 0;
// A form's fields sit in a fieldset that is disabled while the form saves: nothing can be typed into a form
// whose answer is still coming, and a second click cannot send it twice. After a successful save the view is
// shown again (a fresh form) and the status line says what was done (`says(values, answer)`, or the button's
// label); after a refusal the form is enabled again with what was typed, the refusal next to its field (and,
// when the refusal lists rows, the rows under it: `error.rows`).
export function form(fields, label, submit, says = () => t("{action}: done.", { action: label }), attrs = {}) {
  const inputs = {};
  const box = el("fieldset", {});
  const node = el("form", { class: "inline", "data-form": label, ...attrs }, box);
  formCount += 1;
  for (const f of fields) {
    const id = `f${formCount}-${f.name}`;
    inputs[f.name] = field(f, id);
    box.append(f.type === "checkbox" ? el("label", { for: id, class: "check" }, inputs[f.name], f.label)
      : el("label", { for: id }, f.label, inputs[f.name]));
  }
  box.append(el("button", { type: "submit" }, label));
  node.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (box.disabled) return;
    const values = Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, valueOf(i)]));
    box.disabled = true;
    node.setAttribute("aria-busy", "true");
    let answer;
    try {
      answer = await submit(values);
    } catch (err) { /* shown next to its field */
      box.disabled = false;
      node.removeAttribute("aria-busy");
      const note = showFieldError(node, err);
      if (err.rows && err.rows.length) note.append(el("ul", { class: "row-errors" }, ...err.rows.map((r) => el("li", {}, r))));
      document.getElementById("error").hidden = true;
      return;
    }
    clearFieldErrors(node);
    said(says(values, answer));
    node.dataset.saved = "true"; // shown again fresh, not carried over as "being edited"
    await view.refresh();
  });
  return node;
}

const edited = (f) => {
  if (f.type === "checkbox") return f.checked !== f.defaultChecked;
  if (f.type === "file") return f.files.length > 0;
  if (f.tagName === "SELECT") return [...f.options].some((o) => o.selected !== o.defaultSelected);
  return f.value !== f.defaultValue;
};

// Forms the user is in the middle of: focused, or typed into, or still saving. show() keeps them as they are.
export function formsInUse(root) {
  const kept = new Map();
  const seen = {};
  for (const node of root.querySelectorAll("form[data-form]")) {
    const key = `${node.dataset.form}#${(seen[node.dataset.form] = (seen[node.dataset.form] ?? 0) + 1)}`;
    if (node.dataset.saved) continue;
    const saving = node.querySelector("fieldset").disabled;
    const fields = [...node.elements].filter((f) => f.name);
    if (saving || fields.some(edited) || node.contains(document.activeElement)) kept.set(key, { node, saving, fields });
  }
  return kept;
}

function carry(from, target) {
  if (from.type === "file") return false; // a chosen file cannot be carried over: the form is kept instead
  if (from.type === "checkbox") target.checked = from.checked;
  else if (target.tagName === "SELECT" && ![...target.options].some((o) => o.value === from.value)) return true;
  else target.value = from.value;
  return true;
}

// Carry the forms in use over into the freshly built nodes; answers the field to give the focus back to.
export function keepFormsInUse(kept, nodes) {
  let refocus = null;
  if (!kept.size) return refocus;
  const holder = el("div", {}, ...nodes); // nodes are not in the page yet: look them up in a detached holder
  const seen = {};
  for (const fresh of holder.querySelectorAll("form[data-form]")) {
    const key = `${fresh.dataset.form}#${(seen[fresh.dataset.form] = (seen[fresh.dataset.form] ?? 0) + 1)}`;
    const old = kept.get(key);
    if (!old) continue;
    if (old.saving || old.fields.some((f) => f.type === "file" && f.files.length)) { fresh.replaceWith(old.node); continue; }
    for (const f of old.fields) {
      const target = fresh.elements.namedItem(f.name);
      if (!target || !carry(f, target)) continue;
      if (f === document.activeElement) refocus = target;
    }
  }
  nodes.splice(0, nodes.length, ...holder.childNodes);
  return refocus;
}
