// The QR code's page: read the secret from the fragment, erase it, enrol, go to this role's page.
import { enrol } from "../lib/device.js";

const PAGES = { adjudicator: "/judge/", scrutineer: "/desk/", chair: "/desk/", display: "/display/" };
const fragment = location.hash.slice(1);
history.replaceState(null, "", location.pathname);  // the secret never stays in the address bar or history
const status = document.getElementById("status");
if (!fragment.includes(".")) {
  status.textContent = "Scan the QR code the scrutineer shows you.";
} else {
  enrol(fragment).then((d) => {
    status.textContent = `Enrolled as ${d.role}${d.judge ? " " + d.judge : ""}.`;
    status.className = "message ok";
    location.replace(PAGES[d.role] || "/");
  }).catch((err) => {
    status.textContent = `${err.message}. Ask the scrutineer for a new QR code.`;
    status.className = "message bad";
  });
}
