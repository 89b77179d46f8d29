"""The `recyclic` command."""

from __future__ import annotations

import typer

from recyclic.cli import admin, audio, db, demo, export, imports, journal, sync
from recyclic.cli.backup import backup
from recyclic.cli.bot import bot
from recyclic.cli.classify import classify
from recyclic.cli.doctor import doctor
from recyclic.cli.serve import serve
from recyclic.cli.worker import worker

app = typer.Typer(
    name="recyclic",
    help="Recyclic — logiciel de gestion de ressourcerie.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve")(serve)
app.command("classify")(classify)
app.command("backup")(backup)
app.command("worker")(worker)
app.command("bot")(bot)
app.command("doctor")(doctor)
app.add_typer(db.app, name="db")
app.add_typer(admin.app, name="admin")
app.add_typer(demo.app, name="demo")
app.add_typer(journal.app, name="journal")
app.add_typer(audio.app, name="audio")
app.add_typer(export.app, name="export")
app.add_typer(sync.app, name="sync")
app.add_typer(imports.app, name="import")
