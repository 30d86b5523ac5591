"""``hub audit``: check that the web app's audit log is complete and unaltered."""

import typer

from hub.commands._errors import FAILED, USAGE, fail, reported
from hub.console import console, err_console, progress

audit_app = typer.Typer(help="The keyed, hash-chained audit log of the web app.",
                        no_args_is_help=True)


@audit_app.command("verify")
def verify(
    expect_head: str = typer.Option(
        None, "--expect-head",
        help="Hash of the newest entry noted earlier (see --show-head), in addition to the "
             "heads the hub notes itself under HUB_AUDIT_ANCHOR_DIR."),
    show_head: bool = typer.Option(False, "--show-head",
                                   help="Print the newest entry's hash to note elsewhere."),
) -> None:
    """Walk the chain, check every keyed hash and the heads noted outside the database.

    Exit 1 when an entry was changed, inserted or removed (also from the end, or the table was
    emptied); exit 2 when there is no store, no audit table or no key. Warns when no head was
    noted outside the database.
    """
    import sqlalchemy as sa

    from foundation.settings import get_settings
    from hub.access import audit, audit_anchor
    from hub.access.audit_key import load_key
    from hub.store.engine import make_engine
    from schemas.access import audit_log

    with reported("cannot verify the audit log"):
        key = load_key()
        engine = make_engine(get_settings().store_url, create=False)
    try:
        with reported("cannot verify the audit log"):
            try:
                present = sa.inspect(engine).has_table(audit_log.name)
            except sa.exc.OperationalError as exc:
                fail(f"cannot open the store: {str(exc.orig).strip().splitlines()[0]}", USAGE)
        if not present:
            fail("this store has no audit log (table access_audit_log): run `hub store upgrade`",
                 USAGE)
        with progress() as bar:
            task = bar.add_task("verifying audit log", total=None)

            def counted():  # noqa: ANN202
                for entry in audit.iter_entries(engine):
                    bar.advance(task)
                    yield entry

            marks = audit_anchor.marks(engine)
            result = audit.with_warnings(engine, audit.verify_entries(counted(), key, marks),
                                         marks)
        if not result.ok:
            fail(f"Audit log BROKEN at entry {result.broken_at}: {result.problem} "
                 f"({result.entries} entries read)", FAILED)
        head = audit.last_hash(engine)
        if expect_head and expect_head != head:
            if not any(entry.hash == expect_head for entry in audit.iter_entries(engine)):
                fail("Audit log BROKEN: the noted head entry is gone (entries were removed "
                     "from the end)", FAILED)
        for warning in result.warnings:
            err_console.print(f"[yellow]warning: {warning}[/yellow]", soft_wrap=True)
    finally:
        engine.dispose()
    console.print(f"Audit log intact: {result.entries} entries, chain verified"
                  + (f" against {len(marks)} noted heads." if marks else "."))
    if show_head:
        console.print(f"head {head}")


@audit_app.command("unkeyed")
def unkeyed() -> None:
    """Count the entries written before the chain was keyed (plain SHA-256), after an upgrade.

    Set HUB_AUDIT_UNKEYED_ENTRIES to this number once; `hub audit verify` then accepts exactly
    that many unkeyed entries at the start of the chain and no others.
    """
    from foundation.settings import get_settings
    from hub.access import audit
    from hub.store.engine import make_engine

    with reported("cannot read the audit log"):
        engine = make_engine(get_settings().store_url, create=False)
        try:
            count = audit.count_unkeyed(engine)
        finally:
            engine.dispose()
    console.print(f"{count} unkeyed entries at the start of the chain; set "
                  f"HUB_AUDIT_UNKEYED_ENTRIES={count}")


@audit_app.command("init-key")
def init_key() -> None:
    """Create the audit key file (HUB_AUDIT_KEY_FILE, default HUB_HOME/secrets/audit.key, 0600).

    Run once when installing the hub without HUB_AUDIT_KEY; an existing key is never replaced.
    """
    from hub.access.audit_key import create_key_file

    with reported("cannot create the audit key"):
        path = create_key_file()
    console.print(f"audit key written to {path} (mode 0600); back it up with the store's "
                  "backups, apart from them")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
