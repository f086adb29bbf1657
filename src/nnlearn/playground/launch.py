"""Start the playground's server: bind, check the extra, open the browser, stop cleanly on Ctrl-C.

:func:`run` serves in the foreground (the command line); :func:`start` serves
in a background thread and returns a handle (tests, the benchmark).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import logging
import socket
import threading
import time
import webbrowser

__all__ = ["run", "start", "Running", "require_extra", "allowed_hosts", "host_warning", "EXTRA_MESSAGE"]

EXTRA_MESSAGE = 'nnlearn playground needs its optional dependencies: pip install "nnlearn[playground]"'
_EXTRA = ("starlette", "uvicorn", "websockets")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
# NumPy's BLAS threads while serving. The playground's products are small and its process shares the
# cores with the browser: measured here (2 cores, load average 5), 2-8-8-1 on 500 points while the page
# drew 23-29 frames a second, 1 thread made 6,100 steps/s and the default 2 threads 1,650 (OpenBLAS's
# threads spin while they wait; see nnlearn.core.threads).
BLAS_THREADS = 1
log = logging.getLogger(__name__)


def require_extra():
    """Raise ImportError (one line naming the extra) if Starlette, uvicorn or websockets is missing."""
    missing = [name for name in _EXTRA if importlib.util.find_spec(name) is None]
    if missing:
        raise ImportError(f"{EXTRA_MESSAGE} (missing: {', '.join(missing)}).")


def _is_wildcard(host):
    return host in ("0.0.0.0", "::", "")


def _with_port(host, port):
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def allowed_hosts(host, port):
    """The Host header values the server answers: the bound address and, for loopback, its other names."""
    names = {host}
    if host in LOOPBACK or _is_wildcard(host):
        names |= {"127.0.0.1", "localhost", "::1"}
    if _is_wildcard(host):
        names |= {socket.gethostname(), socket.getfqdn()}
        try:
            names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
        except OSError:
            pass
    return {_with_port(name, port) for name in names if name}


def host_warning(host):
    """A warning to show when ``host`` is not a loopback address, else ""."""
    if host in LOOPBACK:
        return ""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return ""
    except ValueError:
        pass
    return (f"warning: listening on {host}, not only on this computer: anyone who can reach this address can use the "
            "playground (and make it compute). Use the default --host 127.0.0.1 unless you mean it.")


def _bind(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"cannot listen on {_with_port(host, port)}: {exc.strerror}"
                      + ("; try another --port (or --port 0 for a free one)" if port else "")) from None
    sock.set_inheritable(True)
    return sock


def _server(host, port):
    require_extra()
    import uvicorn

    from . import data
    from .server import create_app

    sock = _bind(host, port)
    port = sock.getsockname()[1]
    app = create_app(allowed_hosts(host, port))
    config = uvicorn.Config(app, log_level="warning", ws_max_size=data.MAX_UPLOAD_BYTES + 4096,
                            timeout_graceful_shutdown=3, lifespan="on", server_header=False)
    url_host = "127.0.0.1" if _is_wildcard(host) else host
    return uvicorn.Server(config), sock, f"http://{_with_port(url_host, port)}/"


def _serve(server, sock):
    """``server.run`` on ``sock`` with NumPy's BLAS at :data:`BLAS_THREADS` threads (restored after)."""
    from ..core import threads

    with threads.numpy_blas_limited(BLAS_THREADS):
        server.run(sockets=[sock])


class Running:
    """A server running in a background thread: ``url``, ``stop()``; a context manager."""

    def __init__(self, server, thread, url):
        self.server, self.thread, self.url = server, thread, url

    def stop(self, timeout=10):
        self.server.should_exit = True
        self.thread.join(timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(host="127.0.0.1", port=0):
    """Serve the playground in a background thread (port 0: a free port); returns a :class:`Running` once it answers."""
    server, sock, url = _server(host, port)
    thread = threading.Thread(target=_serve, args=(server, sock), name="playground-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the playground's server did not start")
        time.sleep(0.02)
    return Running(server, thread, url)


def run(host="127.0.0.1", port=8000, open_browser=True, on_ready=None):
    """Serve the playground until Ctrl-C (SIGINT) or SIGTERM; then stop every session and return.

    Parameters
    ----------
    host : str, the address to listen on (127.0.0.1: this computer only)
    port : int, 0 for a free port
    open_browser : bool, open the page in the default browser once the server answers
    on_ready : callable or None, ``on_ready(url)`` once the server answers

    Raises
    ------
    ImportError
        If the ``playground`` extra is not installed (one line naming it).
    OSError
        If the address cannot be listened on (e.g. the port is taken).
    """
    server, sock, url = _server(host, port)

    def when_started():
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            if on_ready is not None:
                on_ready(url)
            if open_browser:
                webbrowser.open(url)

    threading.Thread(target=when_started, daemon=True).start()
    try:
        _serve(server, sock)
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then raises the captured SIGINT again
        pass
    finally:
        sock.close()
