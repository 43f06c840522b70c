"""The cloud's commands: `floorcraft cloud [pair|revoke|boxes]` on the cloud, `floorcraft pair CODE` on the box."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.cli.terminal import fail as _fail
from appliance.cli.terminal import reason, tell
from appliance.db.store import StoreError
from appliance.errors import AppError
from appliance.i18n import _


def add_parsers(sub, whole, serve) -> None:
    """`cloud` (serve, the default), `cloud pair`, `cloud revoke BOX`, `cloud boxes`; and the box's `pair CODE`."""
    cloud = sub.add_parser("cloud", help=_("run the cloud receiver of change-log batches; pair, revoke, list boxes"))
    cloud.set_defaults(func=serve)
    below = cloud.add_subparsers(dest="cloud_command", metavar="{pair,revoke,boxes}")
    made = below.add_parser("pair", help=_("print a one-time pairing code and QR for a box (floorcraft pair CODE)"))
    made.add_argument("--minutes", type=whole(1, 24 * 60), default=15, help=_("how long the code is valid (1 to 1440)"))
    made.set_defaults(func=new_code)
    gone = below.add_parser("revoke", help=_("revoke a box's pairing: its batches are refused from then on"))
    gone.add_argument(
        "box", help=_("the box's key (floorcraft cloud boxes lists them); a key that starts with - goes after --")
    )
    gone.set_defaults(func=revoke)
    listed = below.add_parser("boxes", help=_("list the boxes paired with this cloud (and the revoked ones)"))
    listed.set_defaults(func=boxes)
    box = sub.add_parser("pair", help=_("pair this box with the cloud (FLOORCRAFT_CLOUD_URL) using a one-time code"))
    box.add_argument("code", help=_("the code `floorcraft cloud pair` printed on the cloud"))
    box.add_argument("--name", default="", help=_("how the cloud lists this box (default: the host name)"))
    box.set_defaults(func=pair_box)


def _store(settings):
    from appliance.cloud.receiver import now_text
    from appliance.db.cloud_backend import open_cloud

    return open_cloud(Path(settings.data_dir), settings.cloud_database_url, now_text(), 1)


def new_code(args: argparse.Namespace) -> int:
    from appliance import qr
    from appliance.cloud.receiver import new_code as make

    try:
        store = _store(args.settings)
    except StoreError as exc:
        return _fail(reason(exc))
    try:
        code, expires = make(store, args.minutes)
    finally:
        store.close()
    until = f"{expires:%Y-%m-%d %H:%M}"
    print(flush=True)
    tell(_("Pairing code (one use, valid until {until} UTC): {code}\n", until=until, code=code), flush=True)
    qr.print_terminal(code, out=sys.stdout)
    tell(_("On the box: floorcraft pair {code}\n", code=code), flush=True)
    return 0


def revoke(args: argparse.Namespace) -> int:
    from appliance.cloud.receiver import revoke as drop

    try:
        store = _store(args.settings)
    except StoreError as exc:
        return _fail(reason(exc))
    try:
        before = drop(store, args.box)
    except AppError as exc:
        return _fail(exc.message, command="cloud revoke")
    finally:
        store.close()
    if before is not None:  # nothing to do: the box stays revoked (exit 0, as a second revoke changes nothing)
        tell(_("{box} is revoked already (since {at}): nothing to do", box=args.box, at=before))
        return 0
    tell(_("revoked {box}: its batches are refused from now on and its results are no longer served", box=args.box))
    return 0


def boxes(args: argparse.Namespace) -> int:
    from appliance.cloud.receiver import list_boxes

    try:
        store = _store(args.settings)
    except StoreError as exc:
        return _fail(reason(exc))
    try:
        found = list_boxes(store, paired_only=False)
    finally:
        store.close()
    for b in found:
        state = _("revoked {at}", at=b["revoked_at"]) if b["revoked_at"] else _("paired {at}", at=b["paired_at"])
        tell(_("{box}  {state}  log #{head}  {name}", box=b["box"], state=state, head=b["head"], name=b["name"]))
    if not found:
        tell(_("no box is paired with this cloud yet (floorcraft cloud pair)"))
    return 0


def pair_box(args: argparse.Namespace) -> int:
    from appliance.cloud.pairing import PairingError, pair_with_cloud

    settings = args.settings
    if not settings.cloud_url:
        return _fail(_("set FLOORCRAFT_CLOUD_URL to the cloud's address first"), command="pair")
    if not Path(settings.data_dir).is_dir():
        return _fail(
            _("the data dir {folder} does not exist (FLOORCRAFT_DATA_DIR)", folder=settings.data_dir), command="pair"
        )
    try:
        made = pair_with_cloud(Path(settings.data_dir), settings.cloud_url, args.code, args.name)
    except PairingError as exc:
        return _fail(reason(exc), command="pair")
    tell(
        _(
            "paired with {cloud} as {box} at {at}: the box's log is sent there from now on",
            cloud=made.cloud,
            box=made.box,
            at=made.paired_at,
        )
    )
    return 0
