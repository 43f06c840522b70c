// What the desk says back: every action says what it did (one status line at the top of the view, kept across
// the view's rebuilds), and a refused form shows the box's message next to the field it names, in its words.

const status = document.createElement("p");
status.id = "done";
status.className = "message ok";
status.setAttribute("role", "status");
status.hidden = true;

// The status line, to put back at the top of the view each time the view is rebuilt.
export function statusLine() { return status; }

export function said(text) {
  status.textContent = text;
  status.hidden = !text;
}

// The refusal's field as the form names it: "events[0].final_size" -> "final_size"; "couple.leader" -> "leader".
const fieldName = (field) => (field || "").split(/[.[\]]/).filter(Boolean).filter((p) => !/^\d+$/.test(p)).pop() || "";

export function clearFieldErrors(form) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
}

const labelOf = (input) => input.closest("label").firstChild.textContent.trim();

// The form's fields named by their keys anywhere in a message ("ends_on is before starts_on") by their labels, as the
// page shows them ("Bis liegt vor Von" on a German page); only snake_case keys, never a word like "name".
function labelled(form, text) {
  return text.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (key) => {
    const input = form.elements.namedItem(key);
    return input && input.tagName && input.closest("label") ? labelOf(input) : key;
  });
}

// Show `error` (an Error from the desk's api(), with .field and .plain) next to its field in `form`, or next to
// the form's button when it names no field of the form. Answers the node shown.
export function showFieldError(form, error) {
  clearFieldErrors(form);
  said("");
  const input = form.elements.namedItem(fieldName(error.field));
  const note = document.createElement("p");
  note.className = "field-error";
  note.id = `${form.dataset.form.replace(/\W+/g, "-")}-error`;
  note.setAttribute("role", "alert");
  note.textContent = labelled(form, error.plain || error.message);
  if (input && input.tagName) {  // "starts_on must be a date ..." next to the field labelled "From": "From must be ..."
    const label = labelOf(input);
    if (error.field && note.textContent.startsWith(`${error.field} `)) {
      note.textContent = `${label} ${note.textContent.slice(error.field.length + 1)}`;
    }
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    input.closest("label").after(note);
    input.focus();
  } else {
    form.querySelector("button[type=submit]").after(note);
  }
  return note;
}
