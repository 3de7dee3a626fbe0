"""Admin commands for the operator: `python -m liab reset-password EMAIL`, `python -m liab set-plan EMAIL pro|free`.

Each prepares the data dir and migrates the database first, like the app does at start.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from liab import db
from liab.config import get_settings, prepare_data_dir
from liab.errors import LiabError, StartupError
from liab.services import auth


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = get_settings()
        prepare_data_dir(settings)
        db.init_db(settings)
    except ValidationError as exc:
        problems = '; '.join(f'{"/".join(map(str, e["loc"])) or "setting"}: {e["msg"]}' for e in exc.errors())
        return _fail(f'bad setting ({problems})')
    except StartupError as exc:
        return _fail(str(exc))
    try:
        print(args.run(args))
    except LiabError as exc:
        return _fail(exc.message)
    finally:
        db.reset_engine()
    return 0


def reset_password(args: argparse.Namespace) -> str:
    with db.session_scope() as session:
        return auth.reset_link(session=session, email=args.email)


def set_plan(args: argparse.Namespace) -> str:
    with db.session_scope(write=True) as session:
        user = auth.set_plan(session=session, email=args.email, plan=args.plan)
    return f'{user.email} is now on the {user.plan} plan.'


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='python -m liab', description='Label-in-a-Box admin commands.')
    commands = parser.add_subparsers(dest='command', required=True)
    reset = commands.add_parser('reset-password', help='print a one-time link (valid 1 h) to set a new password')
    reset.add_argument('email')
    reset.set_defaults(run=reset_password)
    plan = commands.add_parser('set-plan', help='put an account on the pro or the free plan')
    plan.add_argument('email')
    plan.add_argument('plan', metavar='pro|free')  # checked by the service, so a bad plan is one line, exit 1
    plan.set_defaults(run=set_plan)
    return parser


def _fail(message: str) -> int:
    print(f'Error: {message}', file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
