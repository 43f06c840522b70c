// The QR code's page: read the secret from the fragment, erase it, enrol, go to this role's page.
import { enrol } from "../lib/device.js";
import { n_, t } from "../lib/i18n.js";

const PAGES = { adjudicator: "/judge/", scrutineer: "/desk/", chair: "/desk/", display: "/display/" };
const ROLES = { adjudicator: n_("judge {judge}"), scrutineer: n_("scrutineer"), chair: n_("chair"),
                display: n_("hall display") };
const fragment = location.hash.slice(1);
history.replaceState(null, "", location.pathname);  // the secret never stays in the address bar or history
const status = document.getElementById("status");
if (!fragment.includes(".")) {
  status.textContent = t("Scan the QR code the scrutineer shows you.");
} else {
  enrol(fragment).then((d) => {
    const role = d.role in ROLES ? t(ROLES[d.role], { judge: d.judge || "" }) : d.role;
    status.textContent = t("Enrolled as {role}.", { role });
    status.className = "message ok";
    location.replace(PAGES[d.role] || "/");
  }).catch((err) => {
    status.textContent = t("{error}. Ask the scrutineer for a new QR code.", { error: err.message });
    status.className = "message bad";
  });
}
