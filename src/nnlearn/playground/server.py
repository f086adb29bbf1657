"""The playground's web server: Starlette on uvicorn, one training session per browser tab.

Frames travel over a WebSocket rather than server-sent events: the page talks
back on the same connection (play, pause, step, settings, frame
acknowledgements) with no extra request per click; frames are binary messages
(a 100 x 100 surface, unit maps and the weights as raw bytes, no base64); and
browsers cap open HTTP/1.1 event streams at six per host, shared by every tab,
while each tab here holds one WebSocket.

Each connection gets a :class:`Live`: a :class:`~nnlearn.playground.session.Session`
and the code that drives it. gd, sgd and Adam train on the event loop in
chunks of about 20 ms, so commands are answered between chunks; CG, L-BFGS-B
and fmincg run :func:`nnlearn.core.optimizers.minimize` in a worker thread
whose per-iteration callback makes the frames and honours pause, step and
stop. A frame is sent when the page has drawn the one before (at most
:data:`FRAMES_IN_FLIGHT` unacknowledged) and at most :data:`MAX_FPS` times a
second; training goes on in between.

Safety (:class:`Guard`): only requests whose Host header names the served
address are answered (no DNS rebinding); a WebSocket or a request other than
GET/HEAD whose Origin is another site is refused (no cross-site driving); pages
carry a Content-Security-Policy that loads nothing from elsewhere. Uploads are
bounded (:data:`nnlearn.playground.data.MAX_UPLOAD_BYTES`). Nothing is read
from or written to disk but the package's own page and the temporary file of
an exported model.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import threading
import time
from importlib import resources
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from . import data as pdata
from .script import file_name as script_file_name
from .session import ExportError, Session
from .settings import (
    DATASETS,
    FEATURES,
    FIRST_ORDER,
    MAX_HIDDEN_LAYERS,
    MAX_PARAMS,
    MAX_POINTS,
    MAX_UNITS,
    METHODS,
    regression_available,
)

__all__ = ["create_app", "Guard", "Live", "MAX_SESSIONS", "MAX_FPS", "FRAMES_IN_FLIGHT", "CHUNK_SECONDS"]

log = logging.getLogger(__name__)

MAX_SESSIONS = 32  # open tabs at once
MAX_FPS = 30  # frames a second while training, at most
FRAMES_IN_FLIGHT = 2  # frames sent and not yet drawn by the page, at most
CHUNK_SECONDS = 0.02  # first-order training between two looks at the page's commands
STATIC = resources.files(__package__) / "static"


# -- safety ---------------------------------------------------------------------------------


class Guard:
    """ASGI middleware: answer only our own Host; refuse cross-origin state changes; security headers.

    Parameters
    ----------
    app : ASGI application
    hosts : set of str, the accepted Host header values (``"127.0.0.1:8000"``, ``"localhost:8000"``)
    """

    def __init__(self, app, hosts):
        self.app = app
        self.hosts = {host.lower() for host in hosts}
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "").lower()
        if host not in self.hosts:
            log.warning("refused a request for Host %r", host)
            return await self._refuse(scope, receive, send, 421, f"This server answers for {sorted(self.hosts)} only.")
        origin = headers.get("origin")
        changes_state = scope["type"] == "websocket" or scope["method"] not in ("GET", "HEAD")
        if changes_state and origin is not None and origin.lower() not in self.origins:
            log.warning("refused a cross-origin %s from %r", scope.get("method", "WebSocket"), origin)
            return await self._refuse(scope, receive, send, 403, "Cross-origin requests are refused.")
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)

        policy = (f"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
                  f"connect-src 'self' ws://{host}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"content-security-policy", policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                ]
            await send(message)

        return await self.app(scope, receive, send_with_headers)

    async def _refuse(self, scope, receive, send, status, text):
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accept: an HTTP 403
            return
        await PlainTextResponse(text, status_code=status)(scope, receive, send)


# -- one tab ----------------------------------------------------------------------------------


class Live:
    """One tab's session and what drives it: the training task or thread, frames, commands.

    Everything but the full-batch worker runs on the event loop; the worker
    owns the session while it runs (commands that change the session stop it
    first, and start it again when it was playing).
    """

    def __init__(self, websocket, loop):
        self.websocket, self.loop = websocket, loop
        self.id = secrets.token_urlsafe(16)
        self.session = Session()
        self.outbox = asyncio.Queue()
        self.playing = False
        self.task = None  # first-order training on the loop
        self.worker = None  # full-batch training in a thread
        self.control = threading.Condition()
        self.paused = self.stopping = False
        self.step_budget = None  # the worker pauses when this reaches 0
        self.frames_sent = self.frames_drawn = 0
        self.last_frame = 0.0
        self.frame_lock = threading.Lock()

    # -- messages out ------------------------------------------------------------------------

    def post(self, message):
        """Queue a message (dict: JSON text; bytes: binary) for the page; callable from any thread."""
        if self._on_loop():
            self.outbox.put_nowait(message)
        else:
            self.loop.call_soon_threadsafe(self.outbox.put_nowait, message)

    def _on_loop(self):
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False

    async def sender(self):
        while True:
            message = await self.outbox.get()
            if isinstance(message, bytes):
                await self.websocket.send_bytes(message)
            else:
                await self.websocket.send_text(json.dumps(message, allow_nan=False))

    def frame(self, force=False):
        """Send a frame now if ``force``, or if the page is ready for one and the last is old enough."""
        with self.frame_lock:
            now = time.perf_counter()
            if not force and (self.frames_sent - self.frames_drawn >= FRAMES_IN_FLIGHT
                              or now - self.last_frame < 1.0 / MAX_FPS):
                return
            self.frames_sent += 1
            self.last_frame = now
            number = self.frames_sent
        self.post(self.session.frame(number))

    def send_state(self, messages=()):
        """Settings, data and a frame: after anything that changes more than the weights."""
        self.post({"type": "settings", "settings": self.session.settings.to_dict(), "messages": list(messages)})
        self.post(self.session.data_message())
        self.frame(force=True)

    # -- training ----------------------------------------------------------------------------

    def _set_status(self, status, reason=None):
        self.session.status = status
        if reason is not None:
            self.session.reason = reason

    def play(self):
        if self.playing or not self.session.ready:
            self.frame(force=True)
            return
        self.playing = True
        self._set_status("running", "")
        self.frame(force=True)  # before the worker starts: then it owns the session
        if self.session.settings.method in FIRST_ORDER:
            self.task = asyncio.ensure_future(self._train_first_order())
        else:
            self._start_worker(step_budget=None)

    async def _train_first_order(self):
        try:
            while self.playing:
                now = time.perf_counter()
                frame_due = self.last_frame + 1.0 / MAX_FPS  # train until the next frame is due, at most a chunk
                deadline = min(now + CHUNK_SECONDS, max(frame_due, now + 0.002))
                steps, stop = self.session.train_steps(10**9, deadline)
                if stop:
                    self.playing = False
                    self._set_status("stopped", stop)
                    self.frame(force=True)
                    return
                self.frame()
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            raise
        except Exception:  # never a traceback to the page: log it, stop, say so
            log.exception("training failed")
            self.playing = False
            self._set_status("stopped", "training failed (an error in the server; see its log)")
            self.frame(force=True)

    def _start_worker(self, step_budget):
        self.paused, self.stopping, self.step_budget = False, False, step_budget
        self.worker = threading.Thread(target=self._full_batch, name=f"playground-{self.id[:6]}", daemon=True)
        self.worker.start()

    def _full_batch(self):
        """The worker: run CG / L-BFGS-B / fmincg; each iteration may send a frame, pause or stop."""
        worker = threading.current_thread()
        def on_iteration():
            with self.control:
                if self.step_budget is not None:
                    self.step_budget -= 1
                    if self.step_budget <= 0:
                        self.paused = True
                if self.paused and not self.stopping:
                    self.session.status = "paused"
                    self.frame(force=True)
                    while self.paused and not self.stopping:
                        self.control.wait()
                    if not self.stopping:
                        self.session.status = "running"
                else:
                    self.frame()
                return self.stopping

        try:
            reason = self.session.train_full_batch(on_iteration)
        except Exception:
            log.exception("training failed")
            reason = "training failed (an error in the server; see its log)"
        self.loop.call_soon_threadsafe(self._worker_done, worker, reason)

    def _worker_done(self, worker, reason):
        if worker is not self.worker:  # halted: halt() has taken the session back already
            return
        self.worker = None
        self.playing = False
        self._set_status("stopped" if reason else "paused", reason)
        self.frame(force=True)

    async def halt(self):
        """Stop training (task or worker) and wait until the session is ours again."""
        self.playing = False
        if self.task is not None:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass
            self.task = None
        worker = self.worker
        if worker is not None:
            with self.control:
                self.stopping = True
                self.control.notify_all()
            await asyncio.to_thread(worker.join)
            self.worker = None
        if self.session.status == "running":
            self.session.status = "paused"

    async def pause(self):
        if self.worker is not None:
            with self.control:
                self.paused = True
            self.playing = False
            return  # the worker sends the paused frame at its next iteration
        await self.halt()
        self.frame(force=True)

    async def step(self):
        if not self.session.ready:
            return
        if self.session.settings.method in FIRST_ORDER:
            await self.halt()
            _, stop = self.session.train_steps(1)
            self._set_status("stopped" if stop else "paused", stop)
            self.frame(force=True)
            return
        if self.worker is not None:  # paused inside the run: let it do one more iteration
            with self.control:
                self.step_budget, self.paused = 1, False
                self.control.notify_all()
            return
        self._set_status("running", "")
        self._start_worker(step_budget=1)

    async def resume(self):
        """play for a worker paused inside its run (keeps CG's or L-BFGS-B's memory)."""
        with self.control:
            self.paused, self.step_budget = False, None
            self.control.notify_all()
        self.playing = True
        self.session.status = "running"

    # -- commands in ---------------------------------------------------------------------------

    async def handle(self, message):
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ack":
            number = message.get("number")
            if isinstance(number, int):
                with self.frame_lock:
                    self.frames_drawn = max(self.frames_drawn, min(number, self.frames_sent))
            return
        if kind == "play":
            if self.worker is not None and not self.playing:
                await self.resume()
                return
            self.play()
        elif kind == "pause":
            await self.pause()
        elif kind == "step":
            await self.step()
        elif kind == "reset":
            await self.halt()
            self.session.reset()
            self.frame(force=True)
        elif kind == "new_weights":
            await self.halt()
            self.session.new_weights_seed()
            self.send_state()
        elif kind == "configure":
            was_playing = self.playing
            await self.halt()
            before = self.session.settings
            messages = self.session.configure(message.get("settings"))
            self.send_state(messages)
            if was_playing and self.session.ready and before.changed(self.session.settings) <= {"training"}:
                self.play()
        elif kind == "set_weight":
            was_playing = self.playing
            await self.halt()
            try:
                self.session.set_weight(message.get("layer"), message.get("row"), message.get("column"),
                                        message.get("value"))
            except ValueError as exc:
                self.post({"type": "notice", "message": f"Weight not changed: {exc}."})
            self.frame(force=True)
            if was_playing:
                self.play()
        else:
            self.post({"type": "notice", "message": f"Unknown command {str(kind)[:40]!r} ignored."})

    async def load_table(self, table):
        await self.halt()
        self.session.load_table(table)
        self.send_state()


# -- the application ------------------------------------------------------------------------


def _options():
    """What the page offers, from the tables the server checks against."""
    return {
        "datasets": {name: {"label": label, "task": task, "noise": noise} for name, (label, task, noise) in DATASETS.items()},
        "features": FEATURES,
        "methods": METHODS,
        "first_order": list(FIRST_ORDER),
        "activations": ["tanh", "sigmoid", "relu"],
        "regression": regression_available(),
        "limits": {"points": MAX_POINTS, "hidden_layers": MAX_HIDDEN_LAYERS, "units": MAX_UNITS,
                   "params": MAX_PARAMS, "upload_bytes": pdata.MAX_UPLOAD_BYTES, "rows": pdata.MAX_ROWS,
                   "columns": pdata.MAX_COLUMNS},
    }


def create_app(hosts):
    """The playground's ASGI application, answering for the Host values ``hosts``.

    Parameters
    ----------
    hosts : iterable of str, e.g. ``{"127.0.0.1:8000", "localhost:8000"}``
    """
    lives = {}

    async def index(request):
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    async def websocket_endpoint(websocket: WebSocket):
        if len(lives) >= MAX_SESSIONS:
            await websocket.close(code=1013, reason=f"at most {MAX_SESSIONS} tabs at once")
            return
        await websocket.accept()
        live = Live(websocket, asyncio.get_running_loop())
        lives[live.id] = live
        sender = asyncio.ensure_future(live.sender())
        try:
            live.post({"type": "hello", "session": live.id, "options": _options()})
            while True:
                text = await websocket.receive_text()
                try:
                    message = json.loads(text)
                except ValueError:
                    live.post({"type": "notice", "message": "A message from the page was not JSON; ignored."})
                    continue
                await live.handle(message)
                if sender.done():
                    break
        except WebSocketDisconnect:
            pass
        except Exception:
            log.exception("session %s failed", live.id[:6])
        finally:
            del lives[live.id]
            await live.halt()
            sender.cancel()

    def find(request):
        return lives.get(request.path_params["sid"])

    gone = PlainTextResponse("No such session (the tab was closed or the server restarted): reload the page.",
                             status_code=404)

    async def upload(request):
        live = find(request)
        if live is None:
            return gone
        name = request.query_params.get("name", "upload.csv")[:100] or "upload.csv"
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > pdata.MAX_UPLOAD_BYTES:
            return JSONResponse({"error": f"{name} has {int(declared):,} bytes; the playground reads files of at most "
                                          f"{pdata.MAX_UPLOAD_BYTES // 2**20} MiB."}, status_code=413)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > pdata.MAX_UPLOAD_BYTES:
                return JSONResponse({"error": f"{name} is larger than {pdata.MAX_UPLOAD_BYTES // 2**20} MiB; the "
                                              "playground reads files of at most that size."}, status_code=413)
        try:
            table = pdata.parse_csv(bytes(body), name)
        except pdata.DataError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        await live.load_table(table)
        return JSONResponse({"ok": True, "reason": live.session.reason,
                             "note": live.session.dataset.note if live.session.dataset else ""})

    def download(request, make, media_type, file_name):
        """The session's export ``make(session)`` as a download, or 409 with the reason it cannot be made."""
        live = find(request)
        if live is None:
            return gone
        try:
            content = make(live.session)
        except ExportError as exc:
            return PlainTextResponse(str(exc), status_code=409)
        return Response(content, media_type=media_type,
                        headers={"content-disposition": _attachment(file_name(live.session))})

    async def export_model(request):
        return download(request, lambda session: session.export_model(), "application/octet-stream",
                        lambda session: f"playground_{session.settings.data}.npz")

    async def export_script(request):
        return download(request, lambda session: session.export_script(), "text/x-python; charset=utf-8",
                        script_file_name)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        for live in list(lives.values()):  # Ctrl-C: stop every worker before the process ends
            await live.halt()

    app = Starlette(
        routes=[
            Route("/", index),
            WebSocketRoute("/ws", websocket_endpoint),
            Route("/api/session/{sid}/csv", upload, methods=["POST"]),
            Route("/api/session/{sid}/model.npz", export_model),
            Route("/api/session/{sid}/script.py", export_script),
            Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.lives = lives
    return Guard(app, hosts)


def _attachment(name):
    return f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
