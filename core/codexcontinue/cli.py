"""The `codexcontinue` command: serve, api, ui, worker, packs, config, keys, models, and packs' commands.

Heavy imports (FastAPI, Streamlit, the packs themselves) happen inside the commands that need
them, so `--help` and `packs list` answer fast and work when a pack is broken.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .cli_support import registry_or_exit as _registry
from .cli_support import settings_or_exit as _settings
from .invocation import command, with_runnable_commands
from .ml.models_cli import models_app
from .settings import ENV_PREFIX, CoreSettings, SettingsError

app = typer.Typer(
    name="codexcontinue",
    help="CodexContinue: domain packs for private, local AI.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
packs_app = typer.Typer(help="Installed packs: list them, inspect one.", no_args_is_help=True)
config_app = typer.Typer(help="Settings as this process sees them (secrets masked).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: create, list, revoke.", no_args_is_help=True)
app.add_typer(packs_app, name="packs")
app.add_typer(config_app, name="config")
app.add_typer(keys_app, name="keys")
audit_app = typer.Typer(help="The audit trail: who did what, when, with what outcome.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(models_app, name="models")

out = Console()
err = Console(stderr=True)

HostOption = Annotated[Optional[str], typer.Option("--host", help="Address to listen on.")]
PortOption = Annotated[Optional[int], typer.Option("--port", help="Port to listen on.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.callback()
def options(
    plugins_dir: Annotated[
        Optional[Path], typer.Option("--plugins-dir", help="Folder of single-file local plugins.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on any bad pack instead of quarantining it.")] = False,
) -> None:
    """Options shared by every command; they are passed on to child processes as settings."""
    if plugins_dir is not None:
        os.environ[f"{ENV_PREFIX}PLUGINS_DIR"] = str(plugins_dir.resolve())
    if strict:
        os.environ[f"{ENV_PREFIX}STRICT"] = "true"


# running -----------------------------------------------------------------------------------


@app.command()
def serve(
    host: HostOption = None,
    api_port: Annotated[Optional[int], typer.Option("--api-port", help="Port of the API.")] = None,
    ui_port: Annotated[Optional[int], typer.Option("--ui-port", help="Port of the UI.")] = None,
) -> None:
    """Run the API, the UI and an in-process worker together: the one-machine way to start."""
    settings = _settings(api_host=host, ui_host=host, api_port=api_port, ui_port=ui_port)
    _refuse_busy_ports(
        ("API", settings.api_host, settings.api_port, "serve --api-port"),
        ("UI", settings.ui_host, settings.ui_port, "serve --ui-port"),
    )
    token = asyncio.run(_first_admin_key(settings))
    env = {**os.environ, f"{ENV_PREFIX}API_URL": settings.backend_url}
    # SIGTERM becomes SystemExit so that the `finally` below stops the UI. Without this the UI
    # outlives `kill <serve>`: uvicorn re-raises the signal it caught once it has shut down.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The UI's own banner and INFO lines would bury the box printed below; its warnings still show.
    ui = subprocess.Popen(
        _streamlit_command(settings, log_level="warning"), env=env, stdout=subprocess.DEVNULL
    )
    try:
        import uvicorn

        server = uvicorn.Server(uvicorn.Config(**_api_options(settings, in_process_worker=True)))
        startup = _StartupWatch(server, ui, settings, token)
        threading.Thread(target=startup.announce_when_up, daemon=True, name="serve-announcer").start()
        server.run()
        if startup.ui_failed or not server.started:
            raise typer.Exit(1)
    finally:
        ui.terminate()
        try:
            ui.wait(timeout=10)
        except subprocess.TimeoutExpired:
            ui.kill()


UI_START_TIMEOUT_S = 120.0
BOX_WIDTH = 100  # the box's least width: the admin key and the addresses each fit on one line


class _StartupWatch:
    """Waits until the API and the UI both answer, then prints where they are and the admin key."""

    def __init__(self, server: Any, ui: subprocess.Popen, settings: CoreSettings, token: str | None) -> None:
        self.server, self.ui, self.settings, self.token = server, ui, settings, token
        self.ui_failed = False

    def announce_when_up(self) -> None:
        """Print the box once both parts are up, or stop `serve` when the UI died on the way."""
        import urllib.error
        import urllib.request

        health = f"{_ui_address(self.settings)}/_stcore/health"
        deadline = time.monotonic() + UI_START_TIMEOUT_S
        while not self.server.started:
            if self.server.should_exit:
                return
            time.sleep(0.1)
        while time.monotonic() < deadline:
            if self.ui.poll() is not None:
                err.print(f"[red]The UI stopped while starting (exit code {self.ui.returncode}); "
                          "the lines above say why. Stopping the API.[/red]")  # fmt: skip
                self.ui_failed = True
                self.server.should_exit = True
                return
            try:
                with urllib.request.urlopen(health, timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        else:
            err.print(f"[yellow]The UI has not answered at {health} after {UI_START_TIMEOUT_S:g} s.[/yellow]")
        # Never narrower than the key: a key split over two lines cannot be copied in one go.
        Console(width=max(out.width, BOX_WIDTH)).print(_started_box(self.settings, self.token))
        sys.stdout.flush()


def _started_box(settings: CoreSettings, token: str | None) -> Any:
    """The last thing `serve` prints: where the UI and the API are, and how to sign in."""
    from rich.panel import Panel
    from rich.text import Text

    lines = Text()
    lines.append("Open the UI:  ", style="bold")
    lines.append(f"{_ui_address(settings)}\n")
    lines.append("API:          ", style="bold")
    lines.append(f"{settings.backend_url}  (docs at {settings.backend_url}/docs)\n\n")
    if token:
        lines.append("Admin API key (shown once, sign in with it):\n", style="bold")
        lines.append(f"{token}\n", style="bold green")
        lines.append("Keep it somewhere safe: only its hash is stored.\n")
    else:
        lines.append("Sign in with an API key you created before; to make another:\n")
        lines.append(f"{command('keys create --name me --scope admin')}\n")
    lines.append("\nStop with Ctrl+C.")
    return Panel(lines, title="CodexContinue is running", expand=False, border_style="green")


def _ui_address(settings: CoreSettings) -> str:
    return f"http://{_display_host(settings.ui_host)}:{settings.ui_port}"


def _refuse_busy_ports(*servers: tuple[str, str, int, str]) -> None:
    """Exit 1, naming the port and the option that changes it, when a server could not listen.

    Each entry is (what, host, port, the command line that picks another port, without the port).
    """
    from .ports import port_is_free

    ports = [port for _, _, port, _ in servers]
    if len(set(ports)) < len(ports):
        err.print(f"[red]The API and the UI cannot share port {ports[0]}: give each its own "
                  f"(`{command('serve --api-port 8000 --ui-port 8501')}`).[/red]")  # fmt: skip
        raise typer.Exit(1)
    for what, host, port, change in servers:
        if not port_is_free(host, port):
            err.print(
                f"[red]Port {port} on {host}, where the {what} would listen, is already in use (another "
                f"program, or a CodexContinue that is still running). Stop that program, or pick another port: "
                f"`{command(f'{change} {port + 1}')}`.[/red]",
                soft_wrap=True,
            )
            raise typer.Exit(1)


async def _first_admin_key(settings: CoreSettings) -> str | None:
    """On a first start (no usable key yet) create one admin key and return its token."""
    from .keys import KeyRing
    from .store import open_store

    store = open_store(settings)
    try:
        keyring = KeyRing(store)
        if any(key.usable for key in await keyring.list()):
            return None
        token, _ = await keyring.create("admin (first start)", ["admin"])
        return token
    finally:
        await store.close()


@app.command()
def api(host: HostOption = None, port: PortOption = None, reload: bool = typer.Option(False, help="Reload on code changes (development).")) -> None:
    """Run the backend API (FastAPI under uvicorn)."""
    import uvicorn

    settings = _settings(api_host=host, api_port=port)
    _refuse_busy_ports(("API", settings.api_host, settings.api_port, "api --port"))
    uvicorn.run(**_api_options(settings), reload=reload)


def _api_options(settings: CoreSettings, *, in_process_worker: bool = False) -> dict[str, Any]:
    """uvicorn's options for the API app; logging goes through `configure_logging` first."""
    from .logs import configure_logging

    configure_logging(settings.log_level, settings.log_json)
    if in_process_worker:
        os.environ[f"{ENV_PREFIX}IN_PROCESS_WORKER"] = "true"
    return {
        "app": "codexcontinue.api.app:create_app",
        "factory": True,
        "host": settings.api_host,
        "port": settings.api_port,
        "log_config": None,
    }


@app.command()
def ui(host: HostOption = None, port: PortOption = None) -> None:
    """Run the Streamlit UI shell."""
    settings = _settings(ui_host=host, ui_port=port)
    _refuse_busy_ports(("UI", settings.ui_host, settings.ui_port, "ui --port"))
    command = _streamlit_command(settings)
    sys.stdout.flush()
    # This process becomes Streamlit, so a stop signal (`docker stop`, `kill`) reaches it directly
    # and no orphan is left behind.
    os.execv(command[0], command)


def _streamlit_command(settings: CoreSettings, log_level: str = "info") -> list[str]:
    """The Streamlit command line of the UI. Its uploaders state the API's body limit, in whole MB."""
    server = Path(__file__).parent / "ui" / "server.py"
    upload_mb = max(1, settings.max_body_bytes // (1024 * 1024))
    return [
        sys.executable, "-m", "streamlit", "run", str(server),
        "--server.address", settings.ui_host, "--server.port", str(settings.ui_port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal", "--server.maxUploadSize", str(upload_mb),
        "--logger.level", log_level,
    ]  # fmt: skip


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::") else host


@app.command()
def worker(host: HostOption = None, port: PortOption = None) -> None:
    """Run the ML worker: queued jobs and the packs' model lifecycle, with a health endpoint."""
    from .logs import configure_logging
    from .ml.worker import run_worker

    settings = _settings()
    configure_logging(settings.log_level, settings.log_json)
    run_worker(settings, host=host or settings.api_host, port=port or settings.worker_port)


class Probe(str, Enum):
    """What `codexcontinue healthcheck` can probe on this machine."""

    api = "api"
    ui = "ui"
    worker = "worker"


@app.command()
def healthcheck(target: Annotated[Probe, typer.Argument(help="Which process to probe.")]) -> None:
    """Probe the local api, ui or worker (what the containers' HEALTHCHECK runs); exit 1 if unhealthy."""
    import urllib.error
    import urllib.request

    settings = _settings()
    url = {
        Probe.api: f"http://127.0.0.1:{settings.api_port}/healthz",
        Probe.ui: f"http://127.0.0.1:{settings.ui_port}/_stcore/health",
        Probe.worker: f"http://127.0.0.1:{settings.worker_port}/healthz",
    }[target]
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            print(f"{target.value}: {response.status}")
    except (urllib.error.URLError, OSError) as error:
        err.print(f"{target.value} at {url} is not healthy: {error}")
        raise typer.Exit(1) from None


# packs ---------------------------------------------------------------------------------------


def _list_rows(settings: CoreSettings) -> list[Any]:
    from .packs.status import list_packs

    try:
        return list_packs(settings)
    except SettingsError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None


@packs_app.command("list")
def packs_list(as_json: JsonOption = False) -> None:
    """List installed packs from their metadata, without importing any of them."""
    rows = [row.as_dict() for row in _list_rows(_settings())]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("pack", "version", "state", "origin", "plugin API", "error")
    for row in rows:
        error = with_runnable_commands(row["error"] or "")
        table.add_row(row["name"], row["version"], row["state"], row["origin"], row["api_range"] or "", error)
    out.print(table)


@packs_app.command("info")
def packs_info(name: str, as_json: JsonOption = False) -> None:
    """Load the enabled packs and show one pack's state, error, routes, pages and models."""
    from .api.app import create_app

    settings = _settings()
    registry = _registry(settings)
    create_app(settings, registry=registry)
    status = registry.statuses.get(name)
    if status is None:
        err.print(f"[red]No pack named {name!r} is installed; see `{command('packs list')}`.[/red]")
        raise typer.Exit(1)
    row = status.as_dict()
    if as_json:
        print(json.dumps(row, indent=2))
        return
    for field, value in row.items():
        shown = "\n".join(value) if isinstance(value, list) else with_runnable_commands(str(value or ""))
        out.print(f"[bold]{field}[/bold]: {shown}")


@packs_app.command("announce")
def packs_announce(
    names: Annotated[list[str], typer.Argument(help="Packs to announce as enabled.")],
    ttl: Annotated[float, typer.Option(help="Seconds an announcement outlives this process.")] = 30.0,
) -> None:
    """Announce packs as enabled in Redis until stopped (what a compose profile's service runs)."""
    from .enablement import announce

    settings = _settings()
    installed = {row.name for row in _list_rows(settings)}
    unknown = sorted(set(names) - installed)
    if unknown:
        err.print(f"[red]Not installed: {', '.join(unknown)}; installed: {', '.join(sorted(installed))}[/red]")
        raise typer.Exit(2)
    err.print(f"Announcing {', '.join(names)} as enabled (refreshed every {ttl / 3:g} s)")
    announce(settings, names, ttl=ttl)


@packs_app.command("announced")
def packs_announced(
    require: Annotated[Optional[list[str]], typer.Option("--require", help="Exit 1 unless this pack is announced.")] = None,
) -> None:
    """Print the packs announced in Redis; with --require, a health check for compose."""
    from .enablement import announced_packs

    names = announced_packs(_settings())
    print(" ".join(names))
    if require and not set(require) <= set(names):
        raise typer.Exit(1)


@packs_app.command("doctor")
def packs_doctor(as_json: JsonOption = False) -> None:
    """Say what is wrong with each installed pack and how to fix it; exit 1 when anything is."""
    from .doctor import diagnose

    findings = diagnose(_settings())
    if as_json:
        print(json.dumps([finding.__dict__ for finding in findings], indent=2))
    elif not findings:
        out.print("No problems found: every enabled pack loads and its models exist in Ollama.")
    else:
        table = Table("pack", "problem", "fix")
        for finding in findings:
            table.add_row(finding.pack, with_runnable_commands(finding.problem), with_runnable_commands(finding.fix))
        out.print(table)
    if findings:
        raise typer.Exit(1)


@app.command("new-pack")
def new_pack(
    name: Annotated[str, typer.Argument(help="Pack name: lowercase letters, digits and dashes.")],
    directory: Annotated[Optional[Path], typer.Option("--dir", help="Target folder (default: ./codexcontinue-NAME).")] = None,
    title: Annotated[Optional[str], typer.Option(help="Title shown in the UI.")] = None,
    description: Annotated[Optional[str], typer.Option(help="One sentence saying what the pack does.")] = None,
    base_model: Annotated[Optional[str], typer.Option("--base-model", help="Ollama base model of its assistant.")] = None,
) -> None:
    """Create a new domain pack from the core's template: hooks, route, page, model, settings, tests."""
    from .scaffold import ScaffoldError, render_pack

    target = directory or Path(f"codexcontinue-{name}")
    try:
        render_pack(name, target, title=title, description=description, base_model=base_model)
    except ScaffoldError as error:
        err.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from None
    out.print(escape(f"Created pack '{name}' in {target}. Next: cd {target} && pip install -e '.[test]' && pytest"))


# config --------------------------------------------------------------------------------------


@config_app.command("show")
def config_show(as_json: JsonOption = False) -> None:
    """Show the core's and each active pack's settings; secrets appear as '**********'."""
    from .settings import masked

    settings = _settings()
    registry = _registry(settings)
    shown = {"core": masked(settings)}
    for name, pack in sorted(registry.packs.items()):
        if pack.settings is not None:
            shown[name] = masked(pack.settings)
    if as_json:
        print(json.dumps(shown, indent=2, default=str))
        return
    for section, values in shown.items():
        out.print(f"[bold]{section}[/bold]")
        for field, value in values.items():
            out.print(f"  {field} = {value}")


# keys ----------------------------------------------------------------------------------------


def _with_keyring(action: Any) -> Any:
    from .keys import KeyRing
    from .store import open_store

    async def run() -> Any:
        store = open_store(_settings())
        try:
            return await action(KeyRing(store))
        finally:
            await store.close()

    return asyncio.run(run())


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    scope: Annotated[list[str], typer.Option("--scope", help="'admin', '<pack>:read' or '<pack>:write'; repeat for several.")],
    expires_days: Annotated[Optional[float], typer.Option("--expires-days", help="Days until the key stops working.")] = None,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="The person or team the key belongs to; keys of one owner share its objects. Default: the key alone."),
    ] = None,
) -> None:
    """Create an API key and print it once; only its hash is stored."""
    from .keys import KeyRequestError

    expires_in = expires_days * 86400 if expires_days else None
    try:
        token, key = _with_keyring(lambda ring: ring.create(name, scope, expires_in, owner))
    except KeyRequestError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    err.print(
        f"Created key {key.prefix} '{key.name}' for owner {key.owner} with scopes {', '.join(key.scopes)}. It is shown once:"
    )
    print(token)


@keys_app.command("list")
def keys_list(as_json: JsonOption = False) -> None:
    """List keys by prefix, name and scopes (never the secret)."""
    keys = _with_keyring(lambda ring: ring.list())
    if as_json:
        print(json.dumps([key.__dict__ for key in keys], indent=2))
        return
    table = Table("prefix", "name", "owner", "scopes", "expires", "state")
    for key in keys:
        expires = time.strftime("%Y-%m-%d %H:%M", time.localtime(key.expires_at)) if key.expires_at else "never"
        state = "revoked" if key.revoked else "expired" if not key.usable else "active"
        table.add_row(key.prefix, key.name, key.owner, " ".join(key.scopes), expires, state)
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(prefix: str) -> None:
    """Revoke a key by its prefix; it stops working at once."""
    from .keys import KeyRequestError

    try:
        key = _with_keyring(lambda ring: ring.revoke(prefix))
    except KeyRequestError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    out.print(f"Revoked key {key.prefix} '{key.name}'.")


# audit ---------------------------------------------------------------------------------------


def _with_audit(action: Any) -> Any:
    from .audit import AuditTrail
    from .store import open_store

    async def run() -> Any:
        settings = _settings()
        store = open_store(settings)
        try:
            return await action(AuditTrail(settings, store))
        finally:
            await store.close()

    return asyncio.run(run())


@audit_app.command("tail")
def audit_tail(count: Annotated[int, typer.Option("-n", "--count", help="How many records.")] = 20) -> None:
    """Print the newest audit records as JSON lines, oldest first."""
    for record in _with_audit(lambda trail: trail.tail(count)):
        print(json.dumps(record.__dict__))


@audit_app.command("export")
def audit_export(
    since: Annotated[Optional[str], typer.Option(help="ISO date or time to start from, e.g. 2026-11-01.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Write every audit record since a date as JSON lines."""
    from datetime import datetime

    try:
        start = datetime.fromisoformat(since).timestamp() if since else 0.0
    except ValueError:
        err.print(f"[red]--since {since!r} is not an ISO date such as 2026-11-01 or 2026-11-01T09:30[/red]")
        raise typer.Exit(2) from None

    async def export(trail: Any) -> int:
        sink = output.open("w", encoding="utf-8") if output else sys.stdout
        written = 0
        try:
            async for record in trail.export(start):
                sink.write(json.dumps(record.__dict__) + "\n")
                written += 1
        finally:
            if output:
                sink.close()
        return written

    written = _with_audit(export)
    err.print(f"Exported {written} audit record(s){f' to {output}' if output else ''}.")


# packs' own commands -------------------------------------------------------------------------


def _add_pack_commands() -> None:
    """Mount each active pack's `register_commands` as `codexcontinue <pack> ...`."""
    registry = _registry(_settings())
    for name in registry.active():
        group = typer.Typer(help=registry.packs[name].info.title, no_args_is_help=True)
        registry.call(name, "register_commands", cli=group)
        if group.registered_commands or group.registered_groups:
            app.add_typer(group, name=name)


def main() -> None:
    """Entry point of the `codexcontinue` script."""
    core_commands = {"serve", "api", "ui", "worker", "healthcheck", "new-pack", "packs", "config", "keys", "audit", "models"}
    words = [word for word in sys.argv[1:] if not word.startswith("-")]
    try:
        if words and words[0] not in core_commands:
            _add_pack_commands()
        app()
    except SettingsError as error:
        err.print(f"[red]{error}[/red]")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
