"""``hub web``: serve the staff and steward web app (uvicorn) against the merged store."""

import ipaddress

import typer

from hub.console import console, err_console


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def web(
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on; keep 127.0.0.1 unless behind an "
                                  "HTTPS proxy (then set HUB_WEB_SECURE_COOKIES=true)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port."),
    demo_users: bool = typer.Option(False, "--demo-users",
                                    help="Create one demo account per role and print "
                                         "their log-ins (demo store only)."),
) -> None:
    """Start the web app: search, households, persons, review queue, quarantine."""
    import logging

    import uvicorn

    from foundation.settings import get_settings
    from hub.store.engine import open_store
    from hub.web.app import create_app
    from hub.web.config import WebConfig

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = WebConfig.from_env()
    if not _is_loopback(host) and not config.secure_cookies:
        err_console.print("[yellow]Listening beyond this machine without "
                          "HUB_WEB_SECURE_COOKIES=true: put HTTPS in front.[/yellow]")
    from hub.commands._errors import reported

    settings = get_settings()
    with reported("cannot start the web app"):
        engine = open_store(settings.store_url)
        app_ = create_app(engine, config)
    if demo_users:
        from hub.commands.users import print_demo_logins

        print_demo_logins(engine)
    console.print(f"Registration hub on http://{host}:{port}/ (store "
                  f"{engine.url.render_as_string(hide_password=True)}); Ctrl+C stops it.")
    console.print("Building the search index of the published version ...")
    import os

    # Behind an HTTPS proxy every request comes from the proxy: name it, so the client
    # address (login throttling, audit) is taken from its X-Forwarded-For header.
    proxies = os.environ.get("HUB_WEB_TRUSTED_PROXIES", "").strip()
    uvicorn.run(app_, host=host, port=port, log_level="info", server_header=False,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)


def register(app: typer.Typer) -> None:
    app.command("web")(web)
