"""The `floorcraft` command line: parses arguments and calls one function per command (no logic here)."""

from __future__ import annotations

import argparse
import json
import sys

from appliance import calculator
from appliance.scoring import MarksError


def _skate(args: argparse.Namespace) -> int:
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else open(args.file, "rb").read()
    except OSError as exc:
        print(f"floorcraft skate: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        sheet = calculator.parse_sheet(data)
        result = calculator.compute(sheet)
    except MarksError as exc:
        print(f"floorcraft skate: {exc}", file=sys.stderr)
        return 2
    for warning in getattr(result, "warnings", ()):
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        json.dump(calculator.to_json(result), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(calculator.to_report(sheet, result))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="floorcraft", description="DanceSport competition scoring appliance")
    commands = parser.add_subparsers(dest="command", required=True)
    skate = commands.add_parser("skate", help="compute one round from a JSON sheet of marks (Skating System)")
    skate.add_argument("file", help="the sheet (JSON), or - for standard input")
    skate.add_argument("--json", action="store_true", help="print the machine-readable result")
    skate.set_defaults(func=_skate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
