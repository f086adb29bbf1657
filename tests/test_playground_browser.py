"""The playground in a real browser: Debian's headless Chromium driven by Playwright.

The server runs in a thread on a free port (nnlearn.playground.start). Each
test opens the page as a learner would, and checks what the page shows
against nnlearn in Python. Screenshots go to a temporary directory, or to
$NNLEARN_SCREENSHOTS (the README's come from ``NNLEARN_SCREENSHOTS=docs/playground``).
Skips cleanly without chromium, playwright or the playground extra.
"""

import http.client
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

import nnlearn
from nnlearn.playground import data as pdata
from nnlearn.playground import frames

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytest.importorskip("uvicorn", reason="the playground extra is not installed")
pytest.importorskip("starlette", reason="the playground extra is not installed")

from nnlearn.playground import start  # noqa: E402


@pytest.fixture(scope="module")
def server():
    with start() as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield browser
        browser.close()


def screenshot(page, path):
    """A screenshot, made small (an adaptive 256-colour palette) when Pillow is there."""
    page.screenshot(path=path)
    try:
        from PIL import Image
    except ImportError:
        return
    Image.open(path).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


@pytest.fixture
def shots(tmp_path):
    target = os.environ.get("NNLEARN_SCREENSHOTS")
    path = Path(target) if target else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


class Tab:
    """One browser tab on the playground, with the errors and requests it saw."""

    def __init__(self, browser, url):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors, self.requests, self.expected = [], [], []
        self.page.on("pageerror", lambda err: self.errors.append(f"pageerror: {err}"))
        self.page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.open(url)

    def open(self, url):
        self.page.goto(url)
        self.wait("!!(window.playground.frame && window.playground.frame.header.ready)")

    def js(self, expression):
        return self.page.evaluate(expression)

    def wait(self, expression, timeout=30):
        """Poll a JS expression until it is truthy (the page's CSP forbids Playwright's eval-based waits)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    def header(self):
        return self.js("window.playground.frame.header")

    def surface(self):
        return bytes(self.js("Array.from(window.playground.frame.surface)"))

    def theta(self):
        return np.array(self.js("Array.from(window.playground.frame.theta)"))

    def settle(self):
        """Wait until the page has drawn the frame of its latest settings."""
        time.sleep(0.3)
        self.wait("window.playground.pending === null && window.playground.frame.header.status !== 'running'")

    def close(self):
        assert [e for e in self.errors if not any(x in e for x in self.expected)] == []
        for url in self.requests:  # nothing from elsewhere
            assert url.startswith(self.origin) or url.startswith(("data:", "blob:")), url
        self.context.close()

    @property
    def origin(self):
        parts = urlsplit(self.page.url)
        return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def tab(browser, server):
    tab = Tab(browser, server.url)
    yield tab
    tab.close()


def test_spiral_trains_until_the_test_loss_is_low_and_the_surface_changes(tab, shots):
    page = tab.page
    page.select_option("#data", "spirals")
    tab.settle()
    before = tab.surface()
    start_loss = tab.header()["test_loss"]
    page.click("#play")
    tab.wait("window.playground.frame.header.status === 'running'")
    tab.wait("window.playground.frame.header.test_loss < 0.25")
    fps = tab.js("window.playground.stats.fps")
    page.click("#play")  # pause
    tab.wait("window.playground.frame.header.status === 'paused'")
    header = tab.header()
    assert header["test_loss"] < 0.25 < start_loss
    assert header["metrics"]["test"] > 0.9
    assert tab.surface() != before
    assert page.inner_text("#play").endswith("Play")
    assert fps >= 1
    screenshot(page, shots / "spiral.png")


def test_pause_answers_quickly_while_training(tab):
    page = tab.page
    page.click("#play")
    tab.wait("window.playground.frame.header.iteration > 100")
    start = time.perf_counter()
    page.click("#play")
    tab.wait("window.playground.frame.header.status === 'paused'", timeout=5)
    assert time.perf_counter() - start < 2  # the README reports the measured figure


def test_csv_upload_and_a_malformed_one(tab, shots, tmp_path):
    page = tab.page
    tab.expected.append("the server responded with a status of 400")  # Chrome logs the refused upload
    bad = tmp_path / "broken.csv"
    bad.write_text("a,b,label\n1,2,x\n3,oops,y\n5,6,x\n7,8,y\n")
    page.set_input_files("#csv", str(bad))
    tab.wait("document.getElementById('csv-message').textContent.length > 0")
    assert "broken.csv, line 3: the column 'b' holds 'oops', not a finite number" in page.inner_text("#csv-message")
    assert tab.header()["layer_sizes"][0] == 2  # the data did not change

    rng = np.random.default_rng(3)
    rows = ["width,height,depth,kind"]
    for k, name in enumerate(["ant", "bee", "cat"]):
        centre = np.array([np.cos(2 * k), np.sin(2 * k), 0.0]) * 3
        for x in centre + rng.standard_normal((60, 3)):
            rows.append(f"{x[0]:.4f},{x[1]:.4f},{x[2]:.4f},{name}")
    good = tmp_path / "insects.csv"
    good.write_text("\n".join(rows) + "\n")
    page.set_input_files("#csv", str(good))
    tab.wait("window.playground.data && window.playground.data.classes.length === 3")
    tab.settle()
    note = page.inner_text("#data-note")
    assert "insects.csv: 180 rows, 3 feature columns, label column 'kind' (3 classes)" in note
    assert "The plot shows 'width' and 'height'" in note
    assert page.inner_text("#csv-message") == ""
    assert tab.header()["layer_sizes"] == [3, 8, 8, 3]  # x1, x2 and depth in; softmax over 3 classes out
    assert "data=csv" in page.url
    page.click("#play")
    tab.wait("window.playground.frame.header.metrics.test > 0.9")
    page.click("#play")
    tab.settle()
    assert len(page.query_selector_all("#confusion tr")) == 4
    screenshot(page, shots / "csv.png")


def test_layers_and_activations_change_and_a_reload_restores_everything(tab, shots):
    page = tab.page
    page.select_option("#data", "spirals3")
    tab.settle()
    page.click("#add-layer")
    tab.wait("window.playground.settings.hidden.length === 3")
    page.select_option(".layer-control:nth-child(1) select", "relu")
    tab.wait("window.playground.settings.act[0] === 'relu'")
    page.click(".layer-control:nth-child(2) button:has-text('+')")
    tab.wait("window.playground.settings.hidden[1] === 9")
    page.check("#feature-x1x2")
    page.fill("#seed", "7")
    page.press("#seed", "Enter")
    page.fill("#init", "4")
    page.press("#init", "Enter")
    page.uncheck("#show-test")
    tab.wait("window.playground.settings.init === 4 && window.playground.settings.seed === 7")
    tab.settle()
    header = tab.header()
    assert header["layer_sizes"] == [3, 8, 9, 8, 3]
    url = page.url
    for part in ("data=spirals3", "hidden=8,9,8", "act=relu,tanh,tanh", "features=x1,x2,x1x2", "seed=7", "init=4",
                 "view=notest"):
        assert part in url, (part, url)
    settings = tab.js("window.playground.settings")
    points = tab.js("window.playground.data.train.x")
    theta = tab.theta()
    screenshot(page, shots / "layers.png")

    tab.open(url)  # reload the link
    tab.settle()
    assert tab.js("window.playground.settings") == settings
    assert tab.js("window.playground.data.train.x") == points
    np.testing.assert_array_equal(tab.theta(), theta)  # the same initial weights: the weights seed is in the link
    assert page.is_checked("#show-test") is False
    assert page.input_value(".layer-control:nth-child(1) select") == "relu"


def test_exported_model_predicts_what_the_page_shows(tab, tmp_path):
    page = tab.page
    page.select_option("#data", "moons")
    page.check("#feature-sinx1")
    tab.wait("window.playground.settings.features.length === 3")
    page.click("#play")
    tab.wait("window.playground.frame.header.iteration > 300")
    with page.expect_download() as download:
        page.click("#export-model")  # pauses first, then downloads the paused weights
    path = tmp_path / "model.npz"
    download.value.save_as(path)
    tab.settle()
    header, data = tab.header(), tab.js("window.playground.data")
    net, theta = nnlearn.load_model(path)
    np.testing.assert_array_equal(theta, tab.theta())
    F = pdata.features(pdata.grid(data["box"], frames.SURFACE_SIZE, 2), ["x1", "x2", "sinx1"])
    predicted = frames.quantize(net.predict_proba(theta, F)[:, 0], 0.0, 1.0)
    assert predicted.tobytes() == tab.surface()  # every pixel of the surface the page shows
    test_points = np.array(data["test"]["x"])
    accuracy = np.mean(net.predict(theta, pdata.features(test_points, ["x1", "x2", "sinx1"])) == data["test"]["y"])
    assert accuracy == pytest.approx(header["metrics"]["test"])

    with page.expect_download() as download:
        page.click("#export-script")
    assert "RUN = [" in Path(download.value.path()).read_text()


def test_per_layer_activations_export_as_a_model_file(tab, tmp_path):
    page = tab.page
    page.select_option(".layer-control:nth-child(2) select", "sigmoid")
    tab.wait("window.playground.settings.act[1] === 'sigmoid'")
    with page.expect_download() as download:
        page.click("#export-model")
    path = tmp_path / "mixed.npz"
    download.value.save_as(path)
    net, theta = nnlearn.load_model(path)
    assert len(set(net.activation)) == 2 and net.activation[1] == "sigmoid"
    np.testing.assert_array_equal(theta, tab.theta())


def test_two_tabs_train_independently(browser, server):
    a, b = Tab(browser, server.url), Tab(browser, server.url)
    try:
        b.page.select_option("#data", "moons")
        b.settle()
        b_theta = b.theta()
        a.page.click("#play")
        a.wait("window.playground.frame.header.iteration > 500")
        assert b.header()["iteration"] == 0
        np.testing.assert_array_equal(b.theta(), b_theta)
        b.page.click("#play")
        b.wait("window.playground.frame.header.iteration > 200")
        a.page.click("#play")
        a.settle()
        a_iteration = a.header()["iteration"]
        b.wait(f"window.playground.frame.header.iteration > {b.header()['iteration'] + 100}")
        assert a.header()["iteration"] == a_iteration  # a stays paused while b trains
        assert a.js("window.playground.settings.data") == "spirals"
        assert b.js("window.playground.settings.data") == "moons"
        b.page.click("#play")
    finally:
        a.close()
        b.close()


def test_weights_show_their_value_on_hover_and_can_be_edited(tab):
    page = tab.page
    box = page.query_selector("#network").bounding_box()
    link = tab.js("(() => { const l = window.playground.links[0]; return [l.x0, l.y0, l.x1, l.y1]; })()")
    width = tab.js("document.getElementById('network').width")
    scale = box["width"] / width
    x, y = box["x"] + (link[0] + 0.5 * (link[2] - link[0])) * scale, box["y"] + (0.5 * (link[1] + link[3])) * scale
    page.mouse.move(x, y)
    tab.wait("!document.getElementById('tooltip').hidden")
    assert "Θ(1)[" in page.inner_text("#tooltip")
    page.mouse.click(x, y)
    page.fill("#editor-value", "2.5")
    page.press("#editor-value", "Enter")
    tab.wait("Array.from(window.playground.frame.theta).includes(2.5)")


def test_the_server_refuses_a_foreign_host_and_a_cross_origin_post(server):
    parts = urlsplit(server.url)

    def request(method, path, headers, body=None):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        result = answer.status, answer.read().decode()
        connection.close()
        return result

    status, text = request("GET", "/", {"Host": "evil.example"})
    assert status == 421 and "answers for" in text
    status, _ = request("GET", "/", {"Host": f"evil.example:{parts.port}"})
    assert status == 421
    status, _ = request("POST", "/api/session/x/csv", {"Host": parts.netloc, "Origin": "http://evil.example"}, b"a,b,c")
    assert status == 403
    status, _ = request("GET", "/", {"Host": parts.netloc})
    assert status == 200


def test_a_page_elsewhere_cannot_drive_the_playground(browser, server):
    """A page of another origin (another port) tries a WebSocket and a POST: both refused."""
    other = start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(other.url)  # same machine, another origin
        target = urlsplit(server.url).netloc
        result = page.evaluate(f"""async () => {{
            const ws = await new Promise((resolve) => {{
                const s = new WebSocket("ws://{target}/ws");
                s.onopen = () => resolve("open"); s.onerror = () => resolve("refused");
            }});
            let post;
            try {{ const r = await fetch("http://{target}/api/session/x/csv", {{method: "POST", body: "a,b,c", mode: "no-cors"}}); post = r.type; }}
            catch (e) {{ post = "blocked: " + e; }}
            return [ws, post];
        }}""")
        assert result[0] == "refused"
        # The page's CSP (connect-src 'self') already stops the POST; the server would refuse it anyway (test above).
        assert result[1].startswith("blocked")
        context.close()
    finally:
        other.stop()
