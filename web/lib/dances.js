// The dances by name, as the judge knows them (the box keeps the one-letter codes); a custom code as it is.
const NAMES = {
  W: "Waltz", T: "Tango", V: "Viennese Waltz", F: "Slow Foxtrot", Q: "Quickstep",
  C: "Cha Cha", S: "Samba", R: "Rumba", P: "Paso Doble", J: "Jive",
};

export const danceName = (code) => NAMES[code] || code;

// "1st", "2nd", "3rd", "4th" ... (places in a final)
export function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th"}`;
}
