"""The ``dynverify`` command line.

Exit codes: 0 every claim holds (or the command succeeded), 1 a claim is refuted or errored,
2 bad input (one line on stderr naming it, nothing on stdout, no file half-written).
"""

from __future__ import annotations

import argparse
import sys

from theory.parse import ExpressionError

__all__ = ["UsageError", "main"]


class UsageError(Exception):
    """Bad input from the command line: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage + message; we want one line and exit 2
        raise UsageError(message)


def _cmd_derive(args) -> int:
    from proofs_check.derivation import derive_report, render

    report = derive_report(args.loss, args.params, args.step, args.constants)
    print(render(report, args.format))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dynverify", description="Check claims about training dynamics.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("derive", help="derive the GD map of a loss, its fixed points and stability")
    p.add_argument("--loss", required=True, help='loss expression, e.g. "(a*b-1)**2/2"')
    p.add_argument("--params", required=True, help='trained variables, e.g. "a b"')
    p.add_argument("--step", default="mu", help="step-size symbol (default: mu)")
    p.add_argument("--constants", default=None, help="other symbols the loss uses")
    p.add_argument("--format", choices=["text", "latex", "json"], default="text")
    p.set_defaults(func=_cmd_derive)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``dynverify`` console script; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except (UsageError, ExpressionError) as exc:
        print(f"dynverify: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
