"""The playground without a browser: settings, data, CSV files, steppable training, sessions, frames,
exports, and the server's doors (Host, Origin, uploads, WebSocket) through Starlette's TestClient.

Oracles: nnlearn.core.optimizers.minimize for the steppable gd/sgd/adam, the
kernel's forward pass for frames and exported models, the exported script run
here for the session's weights (bit for bit), formulas written out for features.
"""

import contextlib
import io
import json
import math
import os
import runpy
import signal
import subprocess
import sys

import numpy as np
import pytest

import nnlearn
from nnlearn.core import kernel, optimizers, params
from nnlearn.playground import data as pdata
from nnlearn.playground import frames
from nnlearn.playground.session import ExportError, Session
from nnlearn.playground.settings import DATASETS, MAX_PARAMS, Settings, regression_available
from nnlearn.playground.training import Curve, FirstOrder

needs_regression = pytest.mark.skipif(not regression_available(), reason="the core has no identity output yet")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def small(**values):
    """A quick session: few points."""
    settings = Settings().update({"points": 120, **values})
    assert settings.messages == ()
    return Session(settings)


# -- settings ---------------------------------------------------------------------------------------


def test_settings_defaults_and_round_trip():
    s = Settings()
    assert (s.data, s.hidden, s.act, s.method) == ("spirals", (8, 8), ("tanh", "tanh"), "adam")
    assert Settings().update(s.to_dict()) == s
    assert json.loads(json.dumps(s.to_dict())) == s.to_dict()


def test_settings_refuse_bad_values_in_the_one_message_shape_and_keep_the_old_ones():
    s = Settings().update({"points": 9, "lr": -1, "method": "newton", "hidden": [8, 0], "act": ["tanh", "swish"],
                           "features": [], "bogus": 1, "noise": "high"})
    assert s == Settings()
    text = "\n".join(s.messages)
    assert "The 'points' parameter of the playground must be an int in the range [10, 5000]. Got 9 instead." in text
    assert "The 'lr' parameter of the playground must be a float in the range (0.0, 100.0]. Got -1 instead." in text
    assert "The 'method' parameter of the playground must be a str among" in text
    assert "The 'hidden' parameter of the playground must be a list of at most 10 ints in the range [1, 128]" in text
    assert "The 'act' parameter" in text and "The 'features' parameter" in text
    assert "Unknown setting 'bogus' ignored" in text
    assert "The 'noise' parameter of the playground must be a float in the range [0.0, 5.0]. Got 'high' instead." in text
    assert Settings().update([1, 2]).messages[0].startswith("The settings must be a JSON object")


def test_settings_one_activation_per_layer_and_what_changed():
    s = Settings().update({"hidden": [4, 4, 4]})
    assert s.act == ("tanh", "tanh", "tanh")
    assert s.update({"hidden": [4]}).act == ("tanh",)
    assert Settings().changed(s) == {"network"}
    assert Settings().changed(Settings().update({"lr": 0.1})) == {"training"}
    assert Settings().changed(Settings().update({"seed": 3})) == {"data"}
    assert Settings().update({"data": "circles"}).noise == DATASETS["circles"][2]  # each set's own noise


# -- data ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n, (_, task, _) in DATASETS.items() if task == "classification"])
def test_every_planar_set_builds_with_its_classes(name):
    ds = pdata.make_dataset(Settings().update({"data": name, "points": 300}))
    K = {"spirals3": 3, "circles3": 3, "gaussians4": 4}.get(name, 2)
    assert ds.task == "classification" and ds.n_classes == K
    assert set(np.unique(ds.y)) == set(range(K))
    assert len(ds.train) + len(ds.test) == len(ds.X) and len(ds.test) == round(0.2 * len(ds.X))
    assert ds.box[0] < ds.X[:, 0].min() and ds.box[1] > ds.X[:, 0].max()


def test_the_data_seed_makes_the_same_data_and_split():
    a = pdata.make_dataset(Settings().update({"seed": 5}))
    b = pdata.make_dataset(Settings().update({"seed": 5}))
    c = pdata.make_dataset(Settings().update({"seed": 6}))
    assert np.array_equal(a.X, b.X) and np.array_equal(a.test, b.test)
    assert not np.array_equal(a.X, c.X) and not np.array_equal(a.test, c.test)
    train, test = pdata.split(10, 90, 0)
    assert len(train) == 1 and len(test) == 9  # at least one training row


def test_features_are_the_formulas(rng):
    X = rng.standard_normal((5, 3))
    F = pdata.features(X, ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"])
    x1, x2 = X[:, 0], X[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2), X[:, 2]])
    np.testing.assert_array_equal(F, expected)
    assert pdata.feature_names(["x1x2", "sinx2"], ("a", "b", "c")) == ["x₁x₂", "sin x₂", "c"]


def test_grid_runs_row_by_row_from_the_top():
    G = pdata.grid((0.0, 1.0, 10.0, 20.0), 3, 2)
    np.testing.assert_array_equal(G[:3], [[0, 20], [0.5, 20], [1, 20]])
    np.testing.assert_array_equal(G[-1], [1, 10])


CSV = b"sepal,petal,species\n1.0,2.0,a\n1.5,2.5,b\n3,1,a\n0.5,4,c\n2,2,b\n"


def test_csv_with_a_header_and_string_labels():
    table = pdata.parse_csv(CSV, "iris.csv")
    assert table.columns == ("sepal", "petal") and table.label_column == "species"
    assert table.task == "classification" and table.X.shape == (5, 2)
    ds = pdata.make_dataset(Settings().update({"data": "csv", "test": 0}), table)
    assert ds.classes == ("a", "b", "c") and ds.y.tolist() == [0, 1, 0, 2, 1]
    np.testing.assert_allclose(ds.scaler(ds.X).mean(axis=0), 0, atol=1e-12)


def test_csv_without_header_semicolons_label_column_by_name_and_more_features():
    table = pdata.parse_csv(b"1;2;0;7\n2;3;1;8\n3;1;0;9\n4;4;1;1\n", "plain.csv")
    assert table.columns == ("x1", "x2", "x3") and table.label_column == "label"
    table = pdata.parse_csv(b"label,u,v,w\n0,1,2,3\n1,2,3,4\n0,3,1,5\n1,4,4,6\n", "first.csv")
    assert table.label_column == "label" and table.columns == ("u", "v", "w")
    ds = pdata.make_dataset(Settings().update({"data": "csv", "test": 0}), table)
    assert "the other 1 columns are inputs too" in ds.note


def test_csv_with_real_targets_is_regression():
    text = "a,b,t\n" + "".join(f"{i},{i % 3},{i * 0.37:.3f}\n" for i in range(30))
    table = pdata.parse_csv(text.encode(), "r.csv")
    assert table.task == "regression" and table.labels.dtype == np.float64
    if not regression_available():
        with pytest.raises(pdata.DataError, match="regression target.*no identity output"):
            pdata.make_dataset(Settings().update({"data": "csv"}), table)


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"a,b\n1,2\n3,4\n5,6\n7,8\n", "has 2 columns .*needs at least 2 numeric feature columns and a label column"),
    (b"a,b,c\n1,2,0\n3,4\n5,6,1\n7,8,0\n", r"line 3: 2 fields, but the header has 3"),
    (b"a,b,c\n1,2,0\n3,x,1\n5,6,1\n7,8,0\n", r"line 3: the column 'b' holds 'x', not a finite number"),
    (b"a,b,c\n1,2,0\n3,nan,1\n5,6,1\n7,8,0\n", r"line 3: the column 'b' holds 'nan', not a finite number"),
    (b"a,b,c\n1,,0\n3,4,1\n5,6,1\n7,8,0\n", r"line 2: the column 'b' is empty"),
    (b"a,b,c\n1,2,\n3,4,1\n5,6,1\n7,8,0\n", r"line 2: the label column 'c' is empty"),
    (b"a,b,c\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n", "holds one class only"),
    (b"a,b,c\n1,2,0\n", "has 1 data row; the playground needs at least 4"),
    (b"\xff\xfe,1,2\n", "is not UTF-8 text"),
    (b"a,b,c\n1,2,\x000\n", "NUL bytes"),
    (b"a,b,c\n1,2,\"0\n", "line"),
])
def test_malformed_csv_files_get_a_message_naming_line_and_column(content, message):
    with pytest.raises(pdata.DataError, match=message):
        pdata.parse_csv(content, "bad.csv")


def test_csv_bounds(monkeypatch):
    many_rows = b"a,b,c\n" + b"1,2,0\n" * (pdata.MAX_ROWS + 1)
    with pytest.raises(pdata.DataError, match="more than 10,000 data rows"):
        pdata.parse_csv(many_rows, "big.csv")
    wide = (",".join(f"c{j}" for j in range(30)) + "\n" + ",".join("1" for _ in range(30)) + "\n").encode()
    with pytest.raises(pdata.DataError, match="has 30 columns; the playground reads at most 21"):
        pdata.parse_csv(wide, "wide.csv")
    with pytest.raises(pdata.DataError, match="bytes; the playground reads files of at most 2 MiB"):
        pdata.parse_csv(b"1" * (pdata.MAX_UPLOAD_BYTES + 1), "huge.csv")
    classes = b"a,b,c\n" + b"".join(f"{i},{i},{i}\n".encode() for i in range(12))
    assert pdata.parse_csv(classes, "many.csv").task == "regression"  # 12 distinct integers: a target
    labels = b"a,b,c\n" + b"".join(f"{i},{i},k{i}\n".encode() for i in range(12))
    with pytest.raises(pdata.DataError, match="holds 12 classes; the playground shows at most 10"):
        pdata.parse_csv(labels, "names.csv")


# -- steppable training against the core's optimizers ---------------------------------------------


def _objective(session):
    return lambda theta, rows=None: session.objective(theta, rows)


@pytest.mark.parametrize("method, batch, momentum", [("gd", 500, 0.0), ("adam", 10**4, 0.0), ("sgd", 10**4, 0.9),
                                                     ("adam", 32, 0.0), ("sgd", 25, 0.5)])
def test_first_order_steps_match_core_minimize(method, batch, momentum):
    session = small(method=method, batch=min(batch, 5000), momentum=momentum, lr=0.05, alpha=0.3)
    m = session.m
    steps_per_pass = -(-m // min(batch, m)) if method != "gd" else 1
    passes = 4
    stepper = FirstOrder(method, m, 123)
    theta = session.theta
    for _ in range(passes * steps_per_pass):
        rows = stepper.rows(min(batch, m) if method != "gd" else m)
        _, grad = session.objective(theta, rows)
        theta = stepper.update(theta, grad, 0.05, momentum)
    result = optimizers.minimize(_objective(session), session.theta, method, max_iter=passes, n_samples=m,
                                 learning_rate=0.05, batch_size=min(batch, m) if method != "gd" else None,
                                 momentum=momentum, random_state=123)
    np.testing.assert_array_equal(theta, result.theta)


def test_curve_keeps_its_shape_in_bounded_memory():
    curve = Curve(capacity=8)
    for i in range(100):
        if curve.due(i):
            curve.add(i, 1.0 / (i + 1), math.nan)
    assert len(curve) < 8 and curve.stride == 16
    assert all(i % curve.stride == 0 for i in curve.iterations)
    assert curve.array().shape == (3, len(curve))


# -- sessions ------------------------------------------------------------------------------------------


def test_training_lowers_the_losses_and_is_reproducible():
    a, b = small(), small()
    J0 = a.losses()
    steps, stop = a.train_steps(400)
    assert steps == 400 and stop == "" and a.iteration == 400
    assert a.losses()[0] < 0.5 * J0[0] and a.losses()[1] < J0[1]
    for _ in range(4):
        b.train_steps(100)  # the same run in chunks gives the same bits
    np.testing.assert_array_equal(a.theta, b.theta)
    a.reset()
    np.testing.assert_array_equal(a.theta, a.initial_theta)
    assert a.iteration == 0 and len(a.curve) == 1


def test_sessions_are_independent():
    a, b = small(), small()
    a.train_steps(50)
    assert b.iteration == 0 and not np.array_equal(a.theta, b.theta)
    a.configure({"hidden": [3]})
    assert b.spec.layer_sizes == (2, 8, 8, 1) and a.spec.layer_sizes == (2, 3, 1)


def test_stop_conditions():
    session = small(max_iter=37)
    steps, stop = session.train_steps(1000)
    assert (steps, stop, session.iteration) == (37, "reached max_iter=37", 37)
    assert session.train_steps(10) == (0, "reached max_iter=37")
    session = small(target=0.6)
    _, stop = session.train_steps(10**5)
    assert stop.startswith("reached the target test loss 0.6") and session.curve.test[-1] <= 0.6
    session = small(patience=50, lr=0.5)
    _, stop = session.train_steps(10**5)
    assert stop.startswith("early stopping: the test loss has not improved for 50 iterations")
    assert session.iteration - session.best[1] == 50


def test_divergence_keeps_the_last_finite_weights():
    session = small(method="gd", lr=100.0, alpha=1.0)
    session.set_weight(0, 0, 1, 1e300)
    steps, stop = session.train_steps(1000)
    assert stop.startswith("diverged at iteration") and "Lower the learning rate" in stop
    assert np.all(np.isfinite(session.theta)) and session.stepper is None


def test_full_batch_methods_stop_when_asked_and_at_stop_conditions():
    for method in ("CG", "L-BFGS-B", "fmincg"):
        session = small(method=method)
        stop = session.train_full_batch(lambda: session.iteration >= 5)
        assert stop == "" and session.iteration == 5
        session.configure({"max_iter": 8})
        assert session.train_full_batch() == "reached max_iter=8" and session.iteration == 8
    assert [s.steps for s in session.segments] == [5, 3]


def test_set_weight_and_its_errors():
    session = small()
    session.set_weight(1, 2, 0, 1.5)
    assert params.unpack(session.theta, session.spec.layer_sizes)[1][2, 0] == 1.5
    assert session.segments[-1].kind == "edit"
    with pytest.raises(ValueError, match=r"no weight at layer 3, row 0, column 0 in a network of weight shapes"):
        session.set_weight(3, 0, 0, 1.0)
    with pytest.raises(ValueError, match="a weight must be a finite number; got nan"):
        session.set_weight(0, 0, 0, float("nan"))
    with pytest.raises(ValueError, match="no weight at layer 0, row 0.5"):
        session.set_weight(0, 0.5, 0, 1.0)


def test_networks_too_large_and_missing_files_are_messages_not_errors():
    session = Session(Settings().update({"hidden": [128] * 5, "features": list(pdata.FEATURES)}))
    assert not session.ready and session.status == "stopped"
    assert f"the playground trains at most {MAX_PARAMS:,}" in session.reason
    session = Session(Settings().update({"data": "csv"}))
    assert not session.ready and "upload it again" in session.reason
    header, _ = frames.decode(session.frame())
    assert header["ready"] is False and "upload it again" in header["reason"]
    assert session.data_message()["ready"] is False
    with pytest.raises(ExportError, match="no trained network"):
        session.export_model()


@pytest.mark.parametrize("values", [
    {"data": "spirals3", "hidden": [6, 5], "act": ["relu", "tanh"], "method": "sgd", "batch": 40, "alpha": 0.1},
    {"data": "xor", "features": ["x1", "x2", "x1x2", "sinx1"], "hidden": [], "method": "gd", "lr": 0.5},
    {"data": "moons", "hidden": [5], "act": ["sigmoid"], "method": "L-BFGS-B", "alpha": 0.01, "test": 0},
])
def test_the_exported_script_reproduces_the_run_bit_for_bit(values, tmp_path):
    session = small(**values)
    if session.settings.method in ("CG", "L-BFGS-B", "fmincg"):
        session.train_full_batch(lambda: session.iteration >= 12)
        session.set_weight(0, 0, 1, 0.25)
        session.configure({"method": "adam", "lr": 0.01})
    session.train_steps(60)
    session.configure({"lr": 0.02})
    session.train_steps(30)
    session.set_weight(0, 0, 0, -0.5)
    session.train_steps(25)
    session.configure({"method": "fmincg"})
    session.train_full_batch(lambda: session.iteration >= 130)
    path = tmp_path / "run.py"
    path.write_text(session.export_script())
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        namespace = runpy.run_path(str(path), run_name="__main__")
    np.testing.assert_array_equal(namespace["theta"], session.theta)
    train_loss, test_loss = session.losses()
    assert f"train loss {train_loss:.6f}" in out.getvalue()


def test_the_exported_script_reads_the_uploaded_file(tmp_path, monkeypatch):
    text = "a,b,kind\n" + "".join(f"{math.cos(i)},{math.sin(i * 1.3)},{'yes' if i % 3 else 'no'}\n" for i in range(60))
    (tmp_path / "mine.csv").write_text(text)
    session = Session(Settings().update({"hidden": [4]}), None)
    session.load_table(pdata.parse_csv(text.encode(), "mine.csv"))
    session.train_steps(40)
    monkeypatch.chdir(tmp_path)
    with contextlib.redirect_stdout(io.StringIO()):
        namespace = runpy.run_path(str(_write(tmp_path / "run.py", session.export_script())), run_name="__main__")
    np.testing.assert_array_equal(namespace["theta"], session.theta)


def _write(path, text):
    path.write_text(text)
    return path


def test_the_exported_model_predicts_what_the_page_shows(tmp_path):
    session = small(data="spirals3", hidden=[7])
    session.train_steps(200)
    header, payload = frames.decode(session.frame())
    path = tmp_path / "model.npz"
    path.write_bytes(session.export_model())
    net, theta = nnlearn.load_model(path)
    np.testing.assert_array_equal(theta, session.theta)
    assert (net.layer_sizes, net.activation, net.output) == ((2, 7, 3), "tanh", "softmax")
    ds = session.dataset
    F = pdata.features(pdata.grid(ds.box, frames.SURFACE_SIZE, 2), session.settings.features)
    H = net.predict_proba(theta, F)
    G2 = frames.SURFACE_SIZE**2
    surface = np.frombuffer(payload[header["surface_offset"]:header["surface_offset"] + 2 * G2], dtype=np.uint8)
    np.testing.assert_array_equal(surface[:G2], np.argmax(H, axis=1))
    np.testing.assert_array_equal(surface[G2:], frames.quantize(H.max(axis=1), 0, 1))
    accuracy = np.mean(net.predict(theta, session.F_test) == ds.y[ds.test])
    assert header["metrics"]["test"] == accuracy


def test_models_with_per_layer_activations_export_and_predict_the_same(tmp_path):
    session = small(hidden=[4, 4], act=["tanh", "relu"])
    path = tmp_path / "m.npz"
    path.write_bytes(session.export_model())
    net, theta = nnlearn.load_model(path)
    assert net.activation == ("tanh", "relu")
    np.testing.assert_array_equal(theta, session.theta)
    np.testing.assert_array_equal(net.predict_proba(theta, session.F_test),
                                  kernel.forward(session.theta, session.F_test, session.spec))


@needs_regression
def test_regression_runs_and_exports(tmp_path):
    session = small(data="bumps", hidden=[8, 8])
    session.train_steps(300)
    header, _ = frames.decode(session.frame())
    assert header["surface"]["kind"] == "regression" and header["metrics"]["name"] == "R²"
    with contextlib.redirect_stdout(io.StringIO()):
        namespace = runpy.run_path(str(_write(tmp_path / "r.py", session.export_script())), run_name="__main__")
    np.testing.assert_array_equal(namespace["theta"], session.theta)


# -- frames ---------------------------------------------------------------------------------------------


def test_frame_layout_and_contents():
    session = small(hidden=[3, 2], act=["sigmoid", "relu"], features=["x1", "x2", "x1x2"])
    session.train_steps(20)
    frame = session.frame(7)
    header, payload = frames.decode(frame)
    assert header["number"] == 7 and header["iteration"] == 20 and header["layer_sizes"] == [3, 3, 2, 1]
    theta = np.frombuffer(payload[header["theta_offset"]:header["theta_offset"] + 8 * header["n_params"]], "<f8")
    np.testing.assert_array_equal(theta, session.theta)
    n = header["curve_length"]
    curve = np.frombuffer(payload[header["curve_offset"]:header["curve_offset"] + 24 * n], "<f8").reshape(3, n)
    np.testing.assert_array_equal(curve, session.curve.array())
    side = header["unit_side"]
    assert len(header["unit_ranges"]) == 3 + 3 + 2
    assert header["unit_ranges"][3] == [0.0, 1.0]  # sigmoid units
    assert len(payload) >= header["units_offset"] + 8 * side * side
    assert header["surface"] == {"kind": "binary", "size": 100}
    assert header["metrics"]["confusion_split"] == "test"


def test_layer_activations_match_the_textbook(rng):
    spec = kernel.Spec((2, 4, 3, 2), ("relu", "sigmoid"), "softmax")
    theta = params.init_weights(spec.layer_sizes, "glorot", random_state=1)
    F = rng.standard_normal((6, 2))
    A1, A2 = frames.layer_activations(theta, F, spec)
    T = params.unpack(theta, spec.layer_sizes)
    np.testing.assert_allclose(A1, np.maximum(0, np.c_[np.ones(6), F] @ T[0].T), rtol=1e-14)
    np.testing.assert_allclose(A2, 1 / (1 + np.exp(-(np.c_[np.ones(6), A1] @ T[1].T))), rtol=1e-14)
    np.testing.assert_allclose(kernel.forward(theta, F, spec),
                               nnlearn.core.losses.softmax(np.c_[np.ones(6), A2] @ T[2].T), rtol=1e-12)


# -- the server through Starlette's TestClient --------------------------------------------------------

testclient = pytest.importorskip("starlette.testclient", reason="the playground extra is not installed")


@pytest.fixture
def client():
    from nnlearn.playground.server import create_app

    with testclient.TestClient(create_app({"testserver"})) as c:
        yield c


def _receive_until(ws, predicate, limit=400):
    for _ in range(limit):
        message = ws.receive()
        if message.get("bytes") is not None:
            item = ("frame", frames.decode(message["bytes"])[0])
        else:
            item = ("json", json.loads(message["text"]))
        if predicate(*item):
            return item[1]
    raise AssertionError("no such message")


def _ack(ws, header):
    ws.send_text(json.dumps({"type": "ack", "number": header["number"]}))


def test_page_and_static_files_with_security_headers(client):
    page = client.get("/")
    assert page.status_code == 200 and "playground.js" in page.text
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert client.get("/static/playground.js").status_code == 200
    assert "http" not in client.get("/static/playground.css").text  # nothing fetched from elsewhere


def test_foreign_host_and_cross_origin_requests_are_refused(client):
    assert client.get("/", headers={"host": "evil.example"}).status_code == 421
    assert client.get("/", headers={"host": "testserver:1234"}).status_code == 421
    answer = client.post("/api/session/x/csv", content=CSV, headers={"origin": "http://evil.example"})
    assert answer.status_code == 403
    assert client.post("/api/session/x/csv", content=CSV, headers={"origin": "http://testserver"}).status_code == 404
    with pytest.raises(Exception):
        with client.websocket_connect("/ws", headers={"origin": "http://evil.example"}):
            pass
    with pytest.raises(Exception):
        with client.websocket_connect("/ws", headers={"host": "evil.example"}):
            pass


def test_a_tab_configures_plays_pauses_uploads_and_exports(client, tmp_path):
    with client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        hello = _receive_until(ws, lambda kind, m: kind == "json" and m["type"] == "hello")
        sid = hello["session"]
        assert hello["options"]["limits"]["units"] == 128
        ws.send_text(json.dumps({"type": "configure", "settings": {"points": 200, "hidden": [6], "bogus": 1}}))
        settings = _receive_until(ws, lambda kind, m: kind == "json" and m["type"] == "settings")
        assert settings["settings"]["hidden"] == [6] and "Unknown setting 'bogus'" in settings["messages"][0]
        frame = _receive_until(ws, lambda kind, m: kind == "frame")
        assert frame["iteration"] == 0 and frame["status"] == "ready"
        ws.send_text(json.dumps({"type": "play"}))
        while True:
            frame = _receive_until(ws, lambda kind, m: kind == "frame")
            _ack(ws, frame)
            if frame["iteration"] > 200:
                break
        ws.send_text(json.dumps({"type": "pause"}))
        frame = _receive_until(ws, lambda kind, m: kind == "frame" and m["status"] == "paused")
        paused_at = frame["iteration"]
        ws.send_text(json.dumps({"type": "step"}))
        frame = _receive_until(ws, lambda kind, m: kind == "frame" and m["iteration"] == paused_at + 1)

        answer = client.get(f"/api/session/{sid}/model.npz")
        assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
        (tmp_path / "m.npz").write_bytes(answer.content)
        net, theta = nnlearn.load_model(tmp_path / "m.npz")
        assert net.layer_sizes == (2, 6, 1) and theta.size == frame["n_params"]
        script = client.get(f"/api/session/{sid}/script.py")
        assert script.status_code == 200 and "RUN = [" in script.text

        bad = client.post(f"/api/session/{sid}/csv?name=bad.csv", content=b"a,b,c\n1,2,0\n3,x,1\n5,6,1\n7,8,0\n")
        assert bad.status_code == 400 and "bad.csv, line 3: the column 'b' holds 'x'" in bad.json()["error"]
        good = client.post(f"/api/session/{sid}/csv?name=iris.csv", content=CSV)
        assert good.status_code == 200 and good.json()["ok"]
        data = _receive_until(ws, lambda kind, m: kind == "json" and m["type"] == "data")
        assert data["classes"] == ["a", "b", "c"] and data["settings"]["data"] == "csv"
        big = client.post(f"/api/session/{sid}/csv?name=big.csv", content=b"1" * (pdata.MAX_UPLOAD_BYTES + 10))
        assert big.status_code == 413 and "at most 2 MiB" in big.json()["error"]

        ws.send_text(json.dumps({"type": "set_weight", "layer": 9, "row": 0, "column": 0, "value": 1}))
        notice = _receive_until(ws, lambda kind, m: kind == "json" and m["type"] == "notice")
        assert notice["message"].startswith("Weight not changed: no weight at layer 9")
        ws.send_text("not json")
        notice = _receive_until(ws, lambda kind, m: kind == "json" and m["type"] == "notice")
        assert "not JSON" in notice["message"]


def test_full_batch_training_pauses_steps_and_resumes_in_its_thread(client):
    with client.websocket_connect("/ws") as ws:
        _receive_until(ws, lambda kind, m: kind == "json" and m["type"] == "hello")
        ws.send_text(json.dumps({"type": "configure", "settings": {"method": "CG", "points": 200}}))
        _receive_until(ws, lambda kind, m: kind == "frame")
        ws.send_text(json.dumps({"type": "step"}))
        frame = _receive_until(ws, lambda kind, m: kind == "frame" and m["status"] == "paused")
        assert frame["iteration"] == 1
        ws.send_text(json.dumps({"type": "step"}))
        frame = _receive_until(ws, lambda kind, m: kind == "frame" and m["status"] == "paused" and m["iteration"] == 2)
        ws.send_text(json.dumps({"type": "play"}))
        while True:
            frame = _receive_until(ws, lambda kind, m: kind == "frame")
            _ack(ws, frame)
            if frame["iteration"] >= 20 or frame["status"] == "stopped":
                break
        ws.send_text(json.dumps({"type": "reset"}))
        frame = _receive_until(ws, lambda kind, m: kind == "frame" and m["iteration"] == 0)
        assert frame["status"] == "ready"


def test_the_extra_is_named_when_missing(monkeypatch):
    import importlib.util

    from nnlearn.playground import launch

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a))
    with pytest.raises(ImportError, match=r'pip install "nnlearn\[playground\]" \(missing: uvicorn\)'):
        launch.require_extra()


def test_allowed_hosts_and_the_warning():
    from nnlearn.playground.launch import allowed_hosts, host_warning

    assert allowed_hosts("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert allowed_hosts("192.0.2.7", 80) == {"192.0.2.7:80"}
    assert host_warning("127.0.0.1") == "" and host_warning("localhost") == ""
    assert host_warning("0.0.0.0").startswith("warning: listening on 0.0.0.0")


def test_the_command_serves_and_stops_cleanly_on_ctrl_c():
    env = dict(os.environ)
    process = subprocess.Popen([sys.executable, "-m", "nnlearn.playground", "--port", "0", "--no-browser"],
                               stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stderr.readline()
        assert line.startswith("nnlearn playground at http://127.0.0.1:"), line
        url = line.split()[3]
        import urllib.request

        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        assert "nnlearn playground stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()


def test_nnlearn_playground_is_a_command(capsys):
    from nnlearn import cli

    assert cli.main(["playground", "--port", "70000", "--no-browser"]) == 2
    assert capsys.readouterr().err == ("nnlearn: error: The '--port' option of nnlearn playground must be an int in the "
                                       "range [0, 65535]. Got 70000 instead.\n")
