"""Signed checkpoints of the change log's head, anchored outside the database.

The box signs `{seq, hash, at}` of the chain's head with its Ed25519 key (the key that signs exports) and
appends it as one JSON line to `checkpoints.jsonl` in the data dir (append, fsync). A deleted tail of the
change log then shows: a checkpoint names a seq the database no longer has, or a row with another hash.
Exports carry the file; `floorcraft verify` and `verify-export` check every line's signature and that the
log still holds each checkpointed row.

Cost: the writer thread only notes the new head after each commit; a thread of its own appends at most one
line every INTERVAL seconds (at once, but at most once every MIN_GAP seconds, when a round is computed or a
result becomes official), and one more at close. No sheet waits for a checkpoint's fsync.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from appliance.db import changelog
from appliance.db.store import StoreError
from appliance.i18n import _
from appliance.trust import crypto

if TYPE_CHECKING:  # `cryptography` (~6 MB) loads at the first signature or check, not with the server
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FILE = "checkpoints.jsonl"
KEY_FILE = "box_ed25519.key"  # made by export.box_key
PRINT_FILE = "box_ed25519.key.sha256"  # the SHA-256 of the key file the checkpoints are signed with (hashlib only)
INTERVAL = 5.0  # seconds: an ordinary commit is checkpointed within this time
MIN_GAP = 1.0  # seconds between two checkpoints at least
URGENT = ("round.computed", "round.recomputed", "round.decided", "result.official")


def signed_text(seq: int, hash_: str, at: str) -> bytes:
    return json.dumps({"at": at, "hash": hash_, "seq": seq}, sort_keys=True, separators=(",", ":")).encode()


def make_line(key: Ed25519PrivateKey, seq: int, hash_: str, at: str) -> bytes:
    signature = crypto.b64u(key.sign(signed_text(seq, hash_, at)))
    return json.dumps({"seq": seq, "hash": hash_, "at": at, "sig": signature}, separators=(",", ":")).encode() + b"\n"


def give_to_folder_owner(fd: int, folder: Path) -> None:
    """A file root makes in the data dir (the USB export runs as root) belongs to the box's user, who owns the dir."""
    if os.geteuid() == 0:
        owner = os.stat(folder)
        os.fchown(fd, owner.st_uid, owner.st_gid)


def append(path: Path, line: bytes) -> None:
    """Append one line durably (O_APPEND: whole lines, also with two writers; fsync the file, and the folder
    when the file is new)."""
    new = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        if new:
            give_to_folder_owner(fd, path.parent)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    if new:
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def public_key(data_dir: Path) -> Ed25519PublicKey | None:
    """The box's public key from its key file (None when there is none; never makes one)."""
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        return None
    return _private_key(path.read_bytes()).public_key()


def read(path: Path) -> list[dict | str]:
    """The file's checkpoints in order; a line that is not a checkpoint comes back as its problem (a str)."""
    entries: list[dict | str] = []
    for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            entry = json.loads(text)
            if not (
                isinstance(entry.get("seq"), int) and all(isinstance(entry.get(k), str) for k in ("hash", "at", "sig"))
            ):
                raise ValueError("fields missing")
        except (ValueError, AttributeError):
            entries.append(_("{file} line {number} is not a checkpoint", file=path.name, number=number))
            continue
        entry["line"] = number
        entries.append(entry)
    return entries


def check(
    entries: list[dict | str], key: Ed25519PublicKey | None, hash_at: Callable[[int], str | None], head: int
) -> list[str]:
    """Every problem: a bad line, a bad signature, a checkpointed row the log lacks (a deleted tail) or holds
    with another hash (rewritten). `hash_at(seq)` is the log's hash at seq (None: no such row)."""
    from cryptography.exceptions import InvalidSignature

    problems: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            problems.append(entry)
            continue
        where = _("checkpoint at line {line} (seq {seq}, {at})", line=entry["line"], seq=entry["seq"], at=entry["at"])
        if key is not None:
            try:
                key.verify(crypto.unb64u(entry["sig"]), signed_text(entry["seq"], entry["hash"], entry["at"]))
            except (InvalidSignature, ValueError):
                problems.append(_("{where}: its signature does not match the box key (forged or altered)", where=where))
                continue
        found = hash_at(entry["seq"])
        if found is None and entry["seq"] > head:
            problems.append(
                _(
                    "the change log's TAIL IS MISSING: {where} saw seq {seq}, but the log ends at seq {head}: "
                    "rows {first} to {seq} were deleted",
                    where=where,
                    seq=entry["seq"],
                    head=head,
                    first=head + 1,
                )
            )
        elif found is None:
            problems.append(_("{where}: the log has no row {seq} (removed)", where=where, seq=entry["seq"]))
        elif found != entry["hash"]:
            problems.append(
                _(
                    "{where}: the log's row {seq} has another hash (rewritten after the fact)",
                    where=where,
                    seq=entry["seq"],
                )
            )
    return problems


def signed_by(entries: list[dict | str], key: Ed25519PublicKey, data_dir: Path) -> bool:
    """Whether the box key is the one the checkpoints were signed with: its file's fingerprint is the one kept (if
    one is) and at least one checkpoint's signature matches it (True when there is none to check)."""
    from cryptography.exceptions import InvalidSignature

    if not key_matches(data_dir, (Path(data_dir) / KEY_FILE).read_bytes()):
        return False
    good = [e for e in entries if isinstance(e, dict)]
    for entry in good:
        try:
            key.verify(crypto.unb64u(entry["sig"]), signed_text(entry["seq"], entry["hash"], entry["at"]))
            return True
        except (InvalidSignature, ValueError):
            continue
    return not good


def newest(entries: list[dict | str]) -> dict | None:
    good = [e for e in entries if isinstance(e, dict)]
    return max(good, key=lambda e: e["seq"]) if good else None


def _last_seq(path: Path) -> int | None:
    """The seq of the file's last line (read from its end only)."""
    if not path.exists():
        return None
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 4096))
        lines = f.read().splitlines()
    try:
        return int(json.loads(lines[-1])["seq"]) if lines else None
    except (ValueError, KeyError, TypeError):
        return None


class Checkpointer:
    """Appends signed checkpoints of the newest committed head, off the writer's path."""

    def __init__(
        self, path: Path, key: Callable[[], Ed25519PrivateKey], clock: Callable[[], str], head: tuple[int, str]
    ):
        self.path, self.clock = Path(path), clock
        self._load_key = key
        self._key: Ed25519PrivateKey | None = None  # loaded at the first checkpoint this run writes
        self._head = head
        self._written = _last_seq(self.path)
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="checkpoints", daemon=True)
        self._thread.start()

    def committed(self, rows: list[sqlite3.Row]) -> None:
        """On the writer thread after a commit: note the head (no I/O); a computed round wakes the thread."""
        if rows:
            self._head = (rows[-1]["seq"], rows[-1]["hash"])
            if any(r["kind"] in URGENT for r in rows):
                self._wake.set()

    def _run(self) -> None:
        while not self._stopped.is_set():
            self._wake.wait(INTERVAL)
            self._wake.clear()
            if self._stopped.is_set():
                return
            self.write()
            self._stopped.wait(MIN_GAP)

    def write(self) -> bool:
        """Append a checkpoint of the head unless it is checkpointed already; True if one was written."""
        with self._lock:
            seq, hash_ = self._head
            if seq == 0 or seq == self._written:
                return False
            if self._key is None:
                self._key = self._load_key()
            append(self.path, make_line(self._key, seq, hash_, self.clock()))
            self._written = seq
            return True

    def close(self, conn: sqlite3.Connection) -> None:
        """At shutdown: stop the thread and checkpoint the final head."""
        self._stopped.set()
        self._wake.set()
        self._thread.join(timeout=10)
        self._head = changelog.head(conn)
        self.write()


def attach(store, data_dir: Path) -> Checkpointer:
    """Give the store a checkpointer (once): after each commit, and at close."""
    if store.checkpointer is not None:
        return store.checkpointer
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    # the head as it is now is checkpointed at the first commit or at close (read on the writer's connection)
    made = Checkpointer(data_dir / FILE, key_at_first_use(data_dir), store.clock, (0, changelog.GENESIS))
    store.checkpointer = made
    store.on_commit(made.committed)
    store.on_close(made.close)
    return made


def key_at_first_use(data_dir: Path) -> Callable[[], Ed25519PrivateKey]:
    """The box key: a box without one makes it now; an existing key file is read now (a missing permission or a
    damaged file stops the start, as ever) and becomes a key at the first signature, so an idle box that has not
    written since it started has not loaded `cryptography`. A key file whose SHA-256 is not the one kept in
    PRINT_FILE (another box's key) stops the start too; with none kept yet (a box from before it) it is kept now."""
    from appliance.box.export import box_key

    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        if _signed_before(data_dir):
            raise _key_missing(path)
        made = box_key(data_dir)
        remember(data_dir, path.read_bytes())
        return lambda: made
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(
            _("cannot read the box key {path}: {reason}; nothing was done", path=str(path), reason=reason)
        ) from None
    if len(raw) != 32:
        raise StoreError(
            _(
                "{path} is not the box key (an Ed25519 key is 32 bytes; this file has {size}): nothing was done. "
                "Put the key back from a backup of the data folder (a new key cannot vouch for the checkpoints "
                "already signed)",
                path=str(path),
                size=len(raw),
            )
        )
    if not key_matches(data_dir, raw):
        raise _not_this_box(path)
    remember(data_dir, raw)  # a box from before the fingerprint: recorded now
    return lambda: _private_key(raw)


def _not_this_box(path: Path) -> StoreError:
    return StoreError(
        _(
            "{path} is not this box's key: the checkpoints in {checkpoints} were signed with another one (a key "
            "copied from another box?): nothing was done. Put this box's key back from a backup of the data "
            "folder; or, to go on with this key, move {checkpoints} and {fingerprint} aside (the checkpoints "
            "signed so far can then be checked only with the old key)",
            path=str(path),
            checkpoints=FILE,
            fingerprint=PRINT_FILE,
        )
    )


def _signed_before(data_dir: Path) -> bool:
    """Whether a key has signed here before: checkpoints written, or its fingerprint kept."""
    paths = (Path(data_dir) / FILE, Path(data_dir) / PRINT_FILE)
    return any(path.exists() and path.stat().st_size > 0 for path in paths)


def _key_missing(path: Path) -> StoreError:
    return StoreError(
        _(
            "{path} is missing, but the checkpoints in {checkpoints} were signed with it: nothing was done (a new "
            "key would make them uncheckable). Put this box's key back from a backup of the data folder; or, to "
            "go on with a new key, move {checkpoints} and {fingerprint} aside",
            path=str(path),
            checkpoints=FILE,
            fingerprint=PRINT_FILE,
        )
    )


def fingerprint(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def key_matches(data_dir: Path, raw: bytes) -> bool:
    """False when the fingerprint kept beside the checkpoints names another key (True when none is kept yet)."""
    try:
        kept = (Path(data_dir) / PRINT_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return True  # none yet (a box from before it), or unreadable: the signatures still tell
    return not kept or kept == fingerprint(raw)  # empty: a start cut short before it was written


def remember(data_dir: Path, raw: bytes) -> None:
    """Keep the key file's fingerprint beside the checkpoints (once)."""
    path = Path(data_dir) / PRINT_FILE
    if not path.exists() or path.stat().st_size == 0:
        append(path, fingerprint(raw).encode() + b"\n")


def _private_key(raw: bytes) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(raw)


def for_export(
    data_dir: Path, key: Ed25519PrivateKey, head: tuple[int, str], at: str, hash_at: Callable[[int], str | None]
) -> bytes:
    """The checkpoints an export carries: the box checkpoints the exported head first; a line past the head
    is left out only if the log holds its row (a server wrote it after the export read the head), so a
    deleted tail still shows in the export."""
    path = Path(data_dir) / FILE
    if head[0] and _last_seq(path) != head[0]:
        append(path, make_line(key, head[0], head[1], at))
    if not path.exists():
        return b""
    kept = [
        line
        for line in path.read_bytes().splitlines(keepends=True)
        if (seq := _seq_of(line)) is None or seq <= head[0] or hash_at(seq) is None
    ]
    return b"".join(kept)


def _seq_of(line: bytes) -> int | None:
    try:
        return int(json.loads(line)["seq"])
    except (ValueError, KeyError, TypeError):
        return None


def check_export(folder: Path, key_text: str, log_name: str) -> list[str]:
    """An export's checkpoints against the key in its (signed) manifest and its exported change log."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(crypto.unb64u(key_text))
    except ValueError:
        return [_("the manifest's box key is not an Ed25519 key: the checkpoints cannot be checked")]
    hashes: dict[int, str] = {}
    with open(Path(folder) / log_name, "rb") as lines:
        for line in lines:
            try:
                row = json.loads(line)
                hashes[int(row["seq"])] = row["hash"]
            except (ValueError, KeyError, TypeError):
                continue  # the chain check names a bad line
    entries = read(Path(folder) / FILE)
    return check(entries, key, hashes.get, max(hashes, default=0))
