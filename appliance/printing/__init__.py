"""The printed documents a scrutineer hands out (issue #11 point 4): A4 PDFs from Jinja2 templates.

`data.py` and `marks.py` read one event's documents out of the database (read-only, one snapshot) into plain
dicts; `pdf.py` renders them through the templates in `appliance/templates/print/` with WeasyPrint. Every page
has a header (competition, dates, event, round), "page x of y" and the box's checksum in the footer (the change
log's head seq and hash prefix, and the box's public key: `floorcraft verify-export --key` takes it).
"""

from __future__ import annotations

from pathlib import Path

from appliance.i18n import N_, Message, _
from appliance.trust import crypto

DOCS: dict[str, str] = {
    "couples": N_("Couples"),
    "draw": N_("Draw"),
    "judges-sheets": N_("Judges' sheets"),
    "marks": N_("Marks"),
    "results": N_("Results"),
    "chair-report": N_("Chair's report"),
}
"""Every document, by the name the CLI, the desk route and the export use, with its title."""


def unknown_document(doc: str) -> Message:
    """The plain-words refusal for a document name that is not one."""
    shown = doc if len(doc) <= 40 and doc.isprintable() else doc[:40].encode("unicode_escape").decode() + "..."
    return _("no document {name}: one of {docs}", name=repr(shown), docs=", ".join(DOCS))


def box_key_text(data_dir: Path) -> str:
    """The box's public key as `verify-export --key` takes it, read (never made) from DATA_DIR."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # at the first print, not at start
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    path = Path(data_dir) / "box_ed25519.key"
    try:
        key = Ed25519PrivateKey.from_private_bytes(path.read_bytes())
    except (OSError, ValueError):
        return "none yet"
    return crypto.b64u(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
