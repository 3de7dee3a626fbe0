"""Admin commands for the operator: `python -m liab reset-password EMAIL`, `set-plan EMAIL pro|free`,
`import-legacy PATH [--dry-run]`, `backup PATH`, `restore PATH [--force]` and `purge [--days N] [--dry-run]`.

Each prepares the data dir and migrates the database first, like the app does at start.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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
        result = args.run(args)
    except LiabError as exc:
        return _fail(exc.message)
    finally:
        db.reset_engine()
    text, code = result if isinstance(result, tuple) else (result, 0)
    print(text)
    return code


def reset_password(args: argparse.Namespace) -> str:
    with db.session_scope() as session:
        return auth.reset_link(session=session, email=args.email)


def set_plan(args: argparse.Namespace) -> str:
    with db.session_scope(write=True) as session:
        user = auth.set_plan(session=session, email=args.email, plan=args.plan)
    return f'{user.email} is now on the {user.plan} plan.'


def import_legacy(args: argparse.Namespace) -> tuple[str, int]:
    from liab.services import legacy

    report = legacy.import_legacy(args.path, dry_run=args.dry_run)
    return '\n'.join(report.lines()), report.exit_code


def backup(args: argparse.Namespace) -> str:
    from liab.services import backup as backups

    return '\n'.join(backups.create_backup(args.path).lines())


def restore(args: argparse.Namespace) -> str:
    from liab.services import backup as backups

    return '\n'.join(backups.restore_backup(args.path, force=args.force).lines())


def purge(args: argparse.Namespace) -> str:
    from liab.services import library

    days = get_settings().anonymous_purge_days if args.days is None else args.days
    if days <= 0:
        return 'Nothing purged: LIAB_ANONYMOUS_PURGE_DAYS is 0 (keep anonymous projects for ever).'
    doomed = library.purge_anonymous(days, dry_run=args.dry_run)
    verb = 'Would delete' if args.dry_run else 'Deleted'
    return f'{verb} {len(doomed)} anonymous working project(s) untouched for {days:g} days, with their media.'


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
    old = commands.add_parser('import-legacy', help="import an old deployment's users, projects and media")
    old.add_argument('path', type=Path, help='the old deployment folder, holding data/ and media/')
    old.add_argument('--dry-run', action='store_true', help='change nothing; print what the import would do')
    old.set_defaults(run=import_legacy)
    save = commands.add_parser('backup', help='copy the database and media into a new folder (the app may run)')
    save.add_argument('path', type=Path, help='a new folder for the backup')
    save.set_defaults(run=backup)
    back = commands.add_parser('restore', help='replace the database and media with a backup (stop the app first)')
    back.add_argument('path', type=Path, help='a folder made by the backup command')
    back.add_argument('--force', action='store_true', help='restore even though the app seems to be running')
    back.set_defaults(run=restore)
    sweep = commands.add_parser('purge', help='delete anonymous working projects untouched for a while (the app '
                                'does this every 6 hours too)')
    sweep.add_argument('--days', type=float, help='untouched this many days (default: LIAB_ANONYMOUS_PURGE_DAYS)')
    sweep.add_argument('--dry-run', action='store_true', help='change nothing; print how many would go')
    sweep.set_defaults(run=purge)
    return parser


def _fail(message: str) -> int:
    print(f'Error: {message}', file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
