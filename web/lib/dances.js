// The dances by name, as the judge knows them (the box keeps the one-letter codes), in the page's language;
// a custom code as it is.
import { lang, n_, t } from "./i18n.js";

const NAMES = {
  W: n_("Waltz"), T: n_("Tango"), V: n_("Viennese Waltz"), F: n_("Slow Foxtrot"), Q: n_("Quickstep"),
  C: n_("Cha Cha"), S: n_("Samba"), R: n_("Rumba"), P: n_("Paso Doble"), J: n_("Jive"),
};

export const danceName = (code) => (code in NAMES ? t(NAMES[code]) : code);

// Places in a final: "1st", "2nd", "3rd", "4th" ... in English, "1.", "2.", "3." in German.
export function ordinal(n) {
  if (lang === "de") return `${n}.`;
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th"}`;
}

// The round's name in the page's language. The box names rounds in English ("1st round", "Semi-final", "Final",
// "Redance": appliance/planning.py, services/joining.py) and sends the same live state to every screen, so the
// page says them; a name the box did not make is shown as it is.
const ROUNDS = { "Quarter-final": n_("Quarter-final"), "Semi-final": n_("Semi-final"), Final: n_("Final"),
                 Redance: n_("Redance") };

export function roundName(name) {
  const nth = /^(\d+)(st|nd|rd|th) round$/.exec(name || "");
  if (nth) return t("{nth} round", { nth: ordinal(Number(nth[1])) });
  return name in ROUNDS ? t(ROUNDS[name]) : name;
}
