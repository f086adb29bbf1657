// nnlearn playground: the page. Plain JS and canvas; training runs on the server (nnlearn's core).
// One WebSocket per tab: JSON commands out; JSON messages and binary frames in (see frames.py).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const CLASS_COLORS = ["#f59322", "#0877bd", "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const NUMBER_KEYS = ["noise", "points", "test", "seed", "lr", "batch", "momentum", "alpha", "max_iter", "target", "patience", "init"];
  const LIST_KEYS = ["features", "hidden", "act"];
  const MAX_LINKS = 6000;

  const state = {
    socket: null, session: null, options: null, settings: null, data: null,
    frame: null, pending: null, drawnNumber: 0,
    view: { showTest: true, discretize: false },
    stats: { framesDrawn: 0, fps: 0, times: [], clicked: null, latencies: [] },
    links: [], units: [], running: false,
  };
  window.playground = state;  // for the browser tests and the curious

  // -- URL: every setting (both seeds included) and the view options --------------------------------

  function queryToSettings(search) {
    const params = new URLSearchParams(search);
    const settings = {};
    for (const [key, value] of params) {
      if (key === "view") continue;
      if (NUMBER_KEYS.includes(key)) settings[key] = value === "" ? null : Number(value);
      else if (key === "hidden") settings[key] = value === "" ? [] : value.split(",").map(Number);
      else if (LIST_KEYS.includes(key)) settings[key] = value === "" ? [] : value.split(",");
      else settings[key] = value;
    }
    const view = params.get("view");
    if (view !== null) {
      state.view.showTest = !view.includes("notest");
      state.view.discretize = view.includes("discrete");
    }
    return settings;
  }

  function settingsToQuery(settings) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(settings)) params.set(key, Array.isArray(value) ? value.join(",") : String(value));
    const view = [state.view.showTest ? "" : "notest", state.view.discretize ? "discrete" : ""].filter(Boolean).join(",");
    if (view) params.set("view", view);
    return "?" + params.toString().replace(/%2C/g, ",");
  }

  function updateUrl() {
    if (state.settings) history.replaceState(null, "", settingsToQuery(state.settings));
  }

  // -- the connection ---------------------------------------------------------------------------------

  function send(message) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
  }

  function configure(values) { send({ type: "configure", settings: values }); }

  function connect() {
    const socket = new WebSocket(`ws://${location.host}/ws`);
    socket.binaryType = "arraybuffer";
    state.socket = socket;
    socket.onmessage = (event) => {
      if (typeof event.data === "string") onMessage(JSON.parse(event.data));
      else onFrame(event.data);
    };
    socket.onclose = (event) => {
      setStatus(`Disconnected from the playground's server${event.reason ? ": " + event.reason : ""}. Reload the page to start again.`, "stopped");
      $("play").disabled = $("step").disabled = true;
    };
  }

  function onMessage(message) {
    if (message.type === "hello") {
      state.session = message.session;
      state.options = message.options;
      buildControls();
      configure(queryToSettings(location.search));
    } else if (message.type === "settings") {
      state.settings = message.settings;
      showSettings();
      updateUrl();
      clearMessages("settings");
      for (const text of message.messages) addMessage(text, "settings");
    } else if (message.type === "data") {
      state.data = message;
      $("data-note").textContent = message.note || "";
      buildLayerControls();
      if (message.reason && !message.ready) addMessage(message.reason, "data");
      else clearMessages("data");
    } else if (message.type === "notice") {
      addMessage(message.message, "notice");
    }
  }

  // -- frames -------------------------------------------------------------------------------------

  function decodeFrame(buffer) {
    const view = new DataView(buffer);
    const n = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
    const start = Math.ceil((4 + n) / 8) * 8;
    const frame = { header };
    if (header.ready) {
      const size = header.surface.size;
      frame.theta = new Float64Array(buffer, start + header.theta_offset, header.n_params);
      frame.curve = new Float64Array(buffer, start + header.curve_offset, 3 * header.curve_length);
      const surfaceBytes = header.surface.kind === "classes" ? 2 * size * size : size * size;
      frame.surface = new Uint8Array(buffer, start + header.surface_offset, surfaceBytes);
      const side = header.unit_side;
      frame.units = new Uint8Array(buffer, start + header.units_offset, header.unit_ranges.length * side * side);
    }
    return frame;
  }

  function onFrame(buffer) {
    state.pending = decodeFrame(buffer);
    requestAnimationFrame(drawPending);
  }

  function drawPending() {
    const frame = state.pending;
    if (!frame) return;
    state.pending = null;
    state.frame = frame;
    draw(frame);
    const now = performance.now();
    const times = state.stats.times;
    times.push(now);
    while (times.length && now - times[0] > 1000) times.shift();
    state.stats.fps = times.length;
    state.stats.framesDrawn += 1;
    state.drawnNumber = frame.header.number;
    send({ type: "ack", number: frame.header.number });
  }

  // -- controls -----------------------------------------------------------------------------------

  function option(select, value, label) {
    const element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    select.appendChild(element);
  }

  function buildControls() {
    const o = state.options;
    const dataSelect = $("data");
    dataSelect.innerHTML = "";
    for (const [name, info] of Object.entries(o.datasets)) {
      if (name === "csv") continue;
      const disabled = info.task === "regression" && !o.regression;
      option(dataSelect, name, info.label + (disabled ? " (needs nnlearn's regression output)" : ""));
      if (disabled) dataSelect.lastChild.disabled = true;
    }
    option(dataSelect, "csv", o.datasets.csv.label);
    const methodSelect = $("method");
    methodSelect.innerHTML = "";
    for (const [name, label] of Object.entries(o.methods)) option(methodSelect, name, label);
    const features = $("features");
    features.innerHTML = "";
    for (const [name, label] of Object.entries(o.features)) {
      const wrap = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = name;
      box.id = "feature-" + name;
      box.addEventListener("change", () => {
        const chosen = Object.keys(o.features).filter((key) => $("feature-" + key).checked);
        if (!chosen.length) { box.checked = true; addMessage("The network needs at least one input feature.", "notice"); return; }
        configure({ features: chosen });
      });
      wrap.appendChild(box);
      wrap.appendChild(document.createTextNode(" " + label));
      features.appendChild(wrap);
    }
  }

  function showSettings() {
    const s = state.settings;
    for (const element of document.querySelectorAll("[data-key]")) {
      const value = s[element.dataset.key];
      if (document.activeElement !== element || element.tagName === "SELECT") element.value = value;
    }
    for (const name of Object.keys(state.options.features)) $("feature-" + name).checked = s.features.includes(name);
    const firstOrder = state.options.first_order.includes(s.method);
    document.querySelectorAll(".first-order").forEach((e) => e.classList.toggle("hidden", !firstOrder));
    document.querySelectorAll(".minibatch").forEach((e) => e.classList.toggle("hidden", !["sgd", "adam"].includes(s.method)));
    document.querySelectorAll(".momentum").forEach((e) => e.classList.toggle("hidden", s.method !== "sgd"));
    for (const id of ["noise", "points", "regenerate"]) $(id).disabled = s.data === "csv";
    $("layers-label").textContent = `${s.hidden.length} hidden layer${s.hidden.length === 1 ? "" : "s"}`;
    $("show-test").checked = state.view.showTest;
    $("discretize").checked = state.view.discretize;
  }

  function wireInputs() {
    for (const element of document.querySelectorAll("[data-key]")) {
      element.addEventListener("change", () => {
        const key = element.dataset.key;
        const value = NUMBER_KEYS.includes(key) ? (element.value === "" ? null : Number(element.value)) : element.value;
        if (key === "data" && value === "csv" && !(state.data && state.data.task && state.settings.data === "csv")) {
          $("csv").click();
        }
        configure({ [key]: value });
      });
    }
    $("play").addEventListener("click", () => {
      state.stats.clicked = performance.now();  // play/pause latency: until the page shows the new status
      send({ type: state.running ? "pause" : "play" });
    });
    $("step").addEventListener("click", () => send({ type: "step" }));
    $("reset").addEventListener("click", () => send({ type: "reset" }));
    $("regenerate").addEventListener("click", () => configure({ seed: (state.settings.seed + 1) % 2147483648 }));
    $("new-weights").addEventListener("click", () => send({ type: "new_weights" }));
    $("add-layer").addEventListener("click", () => {
      const s = state.settings;
      if (s.hidden.length >= state.options.limits.hidden_layers) {
        addMessage(`At most ${state.options.limits.hidden_layers} hidden layers keep the playground responsive.`, "notice");
        return;
      }
      const units = s.hidden.length ? s.hidden[s.hidden.length - 1] : 4;
      configure({ hidden: s.hidden.concat([units]), act: s.act.concat([s.act.length ? s.act[s.act.length - 1] : "tanh"]) });
    });
    $("remove-layer").addEventListener("click", () => {
      const s = state.settings;
      if (s.hidden.length) configure({ hidden: s.hidden.slice(0, -1), act: s.act.slice(0, -1) });
    });
    $("show-test").addEventListener("change", (e) => { state.view.showTest = e.target.checked; updateUrl(); redraw(); });
    $("discretize").addEventListener("change", (e) => { state.view.discretize = e.target.checked; updateUrl(); redraw(); });
    $("csv").addEventListener("change", upload);
    $("export-model").addEventListener("click", () => exportFile("model.npz"));
    $("export-script").addEventListener("click", () => exportFile("script.py"));
    $("copy-link").addEventListener("click", copyLink);
    document.addEventListener("keydown", (e) => {
      if (e.code === "Space" && !["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(document.activeElement.tagName)) {
        e.preventDefault();
        $("play").click();
      }
    });
    wireNetwork();
  }

  function buildLayerControls() {
    const wrap = $("layer-controls");
    wrap.innerHTML = "";
    const s = state.settings;
    if (!s || !state.data || !state.data.layer_sizes) return;
    const columns = columnXs(state.data.layer_sizes.length);
    s.hidden.forEach((units, l) => {
      const box = document.createElement("div");
      box.className = "layer-control";
      box.style.left = (100 * columns[l + 1] / $("network").width) + "%";
      const minus = document.createElement("button");
      minus.textContent = "−";
      minus.title = "One unit fewer";
      minus.addEventListener("click", () => { if (units > 1) setUnits(l, units - 1); });
      const plus = document.createElement("button");
      plus.textContent = "+";
      plus.title = "One unit more";
      plus.addEventListener("click", () => {
        if (units >= state.options.limits.units) {
          addMessage(`At most ${state.options.limits.units} units per layer keep the playground responsive.`, "notice");
          return;
        }
        setUnits(l, units + 1);
      });
      const count = document.createElement("span");
      count.textContent = ` ${units} `;
      count.className = "units";
      const select = document.createElement("select");
      select.className = "activation";
      select.title = `Activation of hidden layer ${l + 1}`;
      for (const name of state.options.activations) option(select, name, name);
      select.value = s.act[l];
      select.addEventListener("change", () => {
        const act = s.act.slice();
        act[l] = select.value;
        configure({ act });
      });
      box.appendChild(minus);
      box.appendChild(count);
      box.appendChild(plus);
      box.appendChild(document.createElement("br"));
      box.appendChild(select);
      wrap.appendChild(box);
    });
  }

  function setUnits(l, units) {
    const hidden = state.settings.hidden.slice();
    hidden[l] = units;
    configure({ hidden });
  }

  async function upload() {
    const file = $("csv").files[0];
    $("csv-message").textContent = "";
    if (!file) return;
    const limit = state.options.limits.upload_bytes;
    if (file.size > limit) {
      $("csv-message").textContent = `${file.name} has ${file.size.toLocaleString()} bytes; the playground reads files of at most ${limit / 1048576} MiB.`;
      $("csv").value = "";
      return;
    }
    try {
      const response = await fetch(`/api/session/${state.session}/csv?name=${encodeURIComponent(file.name)}`,
        { method: "POST", body: file, headers: { "Content-Type": "text/csv" } });
      const answer = await response.json().catch(() => ({ error: `The server answered ${response.status}.` }));
      if (!response.ok || answer.error) $("csv-message").textContent = answer.error || `The server answered ${response.status}.`;
      else addMessage(`Loaded ${file.name}.`, "data", "info");
    } catch (error) {
      $("csv-message").textContent = `Upload failed: ${error}`;
    }
    $("csv").value = "";
  }

  async function exportFile(what) {
    if (state.running) {
      send({ type: "pause" });
      await waitFor(() => !state.running, 3000);
    }
    const response = await fetch(`/api/session/${state.session}/${what}`);
    if (!response.ok) {
      addMessage(await response.text(), "notice");
      return;
    }
    const disposition = response.headers.get("content-disposition") || "";
    const match = disposition.match(/filename="([^"]+)"/);
    const blob = await response.blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = match ? match[1] : what;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  function waitFor(condition, timeout) {
    return new Promise((resolve) => {
      const start = performance.now();
      (function check() {
        if (condition() || performance.now() - start > timeout) resolve();
        else setTimeout(check, 20);
      })();
    });
  }

  async function copyLink() {
    const input = $("link");
    input.hidden = false;
    input.value = location.href;
    input.select();
    try { await navigator.clipboard.writeText(location.href); addMessage("Link copied: it restores every setting and both seeds.", "notice", "info"); }
    catch (error) { addMessage("Copy the link above (it restores every setting and both seeds).", "notice", "info"); }
  }

  // -- messages and status --------------------------------------------------------------------------

  function addMessage(text, group, kind) {
    const item = document.createElement("li");
    item.textContent = text;
    item.dataset.group = group;
    if (kind) item.className = kind;
    const list = $("messages");
    list.appendChild(item);
    while (list.children.length > 6) list.removeChild(list.firstChild);
  }

  function clearMessages(group) {
    for (const item of Array.from($("messages").children)) if (item.dataset.group === group) item.remove();
  }

  function setStatus(text, kind) {
    const status = $("status");
    status.textContent = text;
    status.className = "status " + (kind || "");
  }

  // -- drawing ----------------------------------------------------------------------------------------

  function hexRgb(hex) {
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const ORANGE = hexRgb("#f59322"), BLUE = hexRgb("#0877bd"), WHITE = [255, 255, 255];
  const CLASS_RGB = CLASS_COLORS.map(hexRgb);

  function mix(a, b, t) { return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]; }

  // A byte 0..255 on the diverging scale orange (0) - white (127.5) - blue (255).
  const DIVERGING = Array.from({ length: 256 }, (_, v) => {
    const t = v / 255;
    return t < 0.5 ? mix(ORANGE, WHITE, t * 2) : mix(WHITE, BLUE, (t - 0.5) * 2);
  });

  // The surface: the same scale, lighter, so the points stand out.
  const SURFACE = DIVERGING.map((c) => mix(WHITE, c, 0.75));

  function redraw() { if (state.frame) draw(state.frame); }

  function draw(frame) {
    const h = frame.header;
    if (state.stats.clicked !== null && (h.status === "running") !== state.running) {
      state.stats.latencies.push(performance.now() - state.stats.clicked);
      state.stats.clicked = null;
    }
    state.running = h.status === "running";
    $("play").textContent = state.running ? "❚❚ Pause" : "▶ Play";
    const label = { running: "Training…", paused: "Paused", ready: "Ready: press Play", stopped: "Stopped" }[h.status] || h.status;
    setStatus(h.reason ? `${label}: ${h.reason}` : label, h.status === "stopped" ? "stopped" : "");
    if (!h.ready) {
      clearCanvas($("surface"));
      clearCanvas($("network"));
      clearCanvas($("curve"));
      return;
    }
    $("iteration").textContent = h.iteration.toLocaleString("en-US").padStart(7, "0");
    $("epoch").textContent = h.epoch < 1000 ? h.epoch.toFixed(h.epoch < 10 ? 2 : 1) : Math.round(h.epoch).toLocaleString("en-US");
    $("speed").textContent = h.status === "running" && h.steps_per_second ? `${Math.round(h.steps_per_second).toLocaleString("en-US")} it/s · ${state.stats.fps} fps` : "";
    $("test-loss").textContent = format(h.test_loss);
    $("train-loss").textContent = format(h.train_loss);
    const m = h.metrics;
    $("metric-name").textContent = m.name === "accuracy" ? "Accuracy (train / test)" : "R² (train / test)";
    const show = (x) => x === null || x === undefined ? "–" : m.name === "accuracy" ? (100 * x).toFixed(1) + "%" : x.toFixed(3);
    $("metric").textContent = `${show(m.train)} / ${show(m.test)}`;
    drawSurface(frame);
    drawNetwork(frame);
    drawCurve(frame);
    drawConfusion(m);
  }

  function format(x) { return x === null || x === undefined ? "–" : x < 0.001 ? x.toExponential(2) : x.toFixed(4); }

  function clearCanvas(canvas) { canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height); }

  function surfaceColor(frame, i, size) {
    const kind = frame.header.surface.kind;
    const v = frame.surface[i];
    if (kind === "classes") {
      const k = v, p = frame.surface[size * size + i] / 255;
      const K = state.data.classes.length;
      const strength = state.view.discretize ? 0.55 : 0.7 * Math.max(0, (p - 1 / K) / (1 - 1 / K));
      return mix(WHITE, CLASS_RGB[k % CLASS_RGB.length], strength);
    }
    if (state.view.discretize) {
      if (kind === "binary") return v >= 128 ? mix(WHITE, BLUE, 0.55) : mix(WHITE, ORANGE, 0.55);
      return SURFACE[Math.round(Math.round(v / 255 * 8) / 8 * 255)];
    }
    return SURFACE[v];
  }

  function drawSurface(frame) {
    const canvas = $("surface"), ctx = canvas.getContext("2d");
    const size = frame.header.surface.size;
    const image = new ImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      const c = surfaceColor(frame, i, size);
      image.data[4 * i] = c[0]; image.data[4 * i + 1] = c[1]; image.data[4 * i + 2] = c[2]; image.data[4 * i + 3] = 255;
    }
    const off = document.createElement("canvas");
    off.width = off.height = size;
    off.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
    drawPoints(ctx, canvas);
    drawAxes(ctx, canvas);
  }

  function toCanvas(box, canvas, x1, x2) {
    return [(x1 - box[0]) / (box[1] - box[0]) * canvas.width, (box[3] - x2) / (box[3] - box[2]) * canvas.height];
  }

  function pointColor(y) {
    const d = state.data;
    if (d.task === "regression") {
      const [lo, hi] = d.target_range;
      return DIVERGING[Math.max(0, Math.min(255, Math.round((y - lo) / (hi - lo) * 255)))];
    }
    if (d.classes.length === 2) return y === 1 ? BLUE : ORANGE;
    return CLASS_RGB[y % CLASS_RGB.length];
  }

  function drawPoints(ctx, canvas) {
    const d = state.data;
    const radius = d.train.x.length + d.test.x.length > 2000 ? 2 : 3;
    const layer = (points, stroke) => {
      for (let i = 0; i < points.x.length; i++) {
        const [x, y] = toCanvas(d.box, canvas, points.x[i][0], points.x[i][1]);
        const c = pointColor(points.y[i]);
        ctx.beginPath();
        ctx.arc(x, y, radius, 0, 2 * Math.PI);
        ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
        ctx.fill();
        ctx.lineWidth = stroke === "#000" ? 1.2 : 0.8;
        ctx.strokeStyle = stroke;
        ctx.stroke();
      }
    };
    layer(d.train, "#fff");
    if (state.view.showTest) layer(d.test, "#000");
  }

  function drawAxes(ctx, canvas) {
    const box = state.data.box;
    ctx.fillStyle = "rgba(0,0,0,0.55)";
    ctx.font = "10px system-ui, sans-serif";
    ctx.fillText(`→ ${state.data.columns[0]}: ${box[0].toFixed(2)} … ${box[1].toFixed(2)}`, 4, canvas.height - 4);
    ctx.fillText(`↑ ${state.data.columns[1]}: ${box[2].toFixed(2)} … ${box[3].toFixed(2)}`, 4, 12);
  }

  function columnXs(n) {
    const width = $("network").width, margin = 75;
    if (n === 1) return [width / 2];
    return Array.from({ length: n }, (_, l) => margin + l * (width - 2 * margin) / (n - 1));
  }

  function tileSize(maxUnits, height) {
    return Math.max(4, Math.min(40, Math.floor((height - 20) / maxUnits) - 3));
  }

  function drawNetwork(frame) {
    const canvas = $("network"), ctx = canvas.getContext("2d");
    const h = frame.header, sizes = h.layer_sizes;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const xs = columnXs(sizes.length);
    const tile = tileSize(Math.max(...sizes), canvas.height);
    const gap = Math.min(10, Math.max(2, Math.floor((canvas.height - 20) / Math.max(...sizes)) - tile));
    const ys = sizes.map((s) => {
      const total = s * tile + (s - 1) * gap;
      const top = (canvas.height - total) / 2;
      return Array.from({ length: s }, (_, j) => top + j * (tile + gap));
    });
    // links, weights first so the tiles cover their ends
    state.links = [];
    let offset = 0;
    const nLinks = sizes.slice(1).reduce((sum, s, l) => sum + s * sizes[l], 0);
    for (let l = 0; l + 1 < sizes.length; l++) {
      const rows = sizes[l + 1], cols = sizes[l] + 1;
      for (let j = 0; j < rows; j++) {
        for (let k = 1; k < cols; k++) {
          const w = frame.theta[offset + j * cols + k];
          const x0 = xs[l] + tile / 2, y0 = ys[l][k - 1] + tile / 2, x1 = xs[l + 1] - tile / 2, y1 = ys[l + 1][j] + tile / 2;
          state.links.push({ layer: l, row: j, column: k, index: offset + j * cols + k, x0, y0, x1, y1 });
          if (nLinks <= MAX_LINKS) {
            ctx.beginPath();
            ctx.moveTo(x0, y0);
            ctx.bezierCurveTo((x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1);
            const c = w >= 0 ? BLUE : ORANGE;
            ctx.strokeStyle = `rgba(${c[0]},${c[1]},${c[2]},${Math.min(0.9, 0.25 + Math.abs(w) / 3)})`;
            ctx.lineWidth = Math.min(6, 0.4 + Math.abs(w) * 1.2);
            ctx.stroke();
          }
        }
      }
      offset += rows * cols;
    }
    // unit maps: the inputs, then each hidden layer; the outputs as small surfaces
    state.units = [];
    const side = h.unit_side;
    let map = 0;
    const off = document.createElement("canvas");
    off.width = off.height = side;
    const offCtx = off.getContext("2d");
    for (let l = 0; l < sizes.length; l++) {
      for (let j = 0; j < sizes[l]; j++) {
        const x = xs[l] - tile / 2, y = ys[l][j];
        if (l < sizes.length - 1) {
          const image = new ImageData(side, side);
          const base = map * side * side;
          for (let i = 0; i < side * side; i++) {
            const c = DIVERGING[frame.units[base + i]];
            image.data[4 * i] = c[0]; image.data[4 * i + 1] = c[1]; image.data[4 * i + 2] = c[2]; image.data[4 * i + 3] = 255;
          }
          offCtx.putImageData(image, 0, 0);
          ctx.imageSmoothingEnabled = true;
          ctx.drawImage(off, x, y, tile, tile);
          map += 1;
        } else {
          ctx.drawImage($("surface"), x, y, tile, tile);
          if (sizes[l] > 1) {
            const c = CLASS_RGB[j % CLASS_RGB.length];
            ctx.fillStyle = `rgba(${c[0]},${c[1]},${c[2]},0.85)`;
            ctx.fillRect(x, y + tile - Math.max(3, tile / 6), tile, Math.max(3, tile / 6));
          }
        }
        ctx.strokeStyle = "#999";
        ctx.lineWidth = 1;
        ctx.strokeRect(x + 0.5, y + 0.5, tile - 1, tile - 1);
        state.units.push({ layer: l, unit: j, x, y, size: tile });
      }
    }
    // labels
    ctx.fillStyle = "#555";
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "right";
    const inputs = state.data.inputs || [];
    if (tile >= 10) inputs.forEach((name, j) => ctx.fillText(name.length > 11 ? name.slice(0, 10) + "…" : name, xs[0] - tile / 2 - 4, ys[0][j] + tile / 2 + 4));
    ctx.textAlign = "center";
    ctx.fillText("inputs", xs[0], canvas.height - 2);
    ctx.fillText(state.data.output === "softmax" ? "softmax" : state.data.output === "identity" ? "identity" : "sigmoid", xs[xs.length - 1], canvas.height - 2);
    ctx.textAlign = "left";
    $("network-note").textContent = nLinks > MAX_LINKS
      ? `${nLinks.toLocaleString()} weights: too many links to draw; hover a unit for its bias.`
      : "Links: blue positive, orange negative weights; the wider, the larger. Hover a link or a unit for its value, click to edit it.";
  }

  function drawCurve(frame) {
    const canvas = $("curve"), ctx = canvas.getContext("2d");
    const n = frame.header.curve_length, c = frame.curve;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (n < 1) return;
    const its = c.subarray(0, n), train = c.subarray(n, 2 * n), test = c.subarray(2 * n, 3 * n);
    let top = 0;
    for (let i = 0; i < n; i++) { top = Math.max(top, train[i]); if (!Number.isNaN(test[i])) top = Math.max(top, test[i]); }
    top = top > 0 ? top * 1.05 : 1;
    const last = Math.max(1, its[n - 1]);
    const pad = 16, W = canvas.width, H = canvas.height - pad;
    const line = (values, color, width) => {
      ctx.beginPath();
      let started = false;
      for (let i = 0; i < n; i++) {
        if (Number.isNaN(values[i])) continue;
        const x = its[i] / last * (W - 2) + 1, y = H - values[i] / top * (H - 4);
        if (!started) { ctx.moveTo(x, y); started = true; } else ctx.lineTo(x, y);
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.stroke();
    };
    ctx.strokeStyle = "#ddd";
    ctx.strokeRect(0.5, 0.5, W - 1, H);
    line(train, "#999", 1.5);
    line(test, "#111", 1.5);
    ctx.fillStyle = "#555";
    ctx.font = "10px system-ui, sans-serif";
    ctx.fillText(`loss (max ${format(top / 1.05)}): test ━ black, train ━ grey; iterations 0 … ${Math.round(last).toLocaleString("en-US")}`, 2, canvas.height - 3);
  }

  function drawConfusion(m) {
    const table = $("confusion");
    table.innerHTML = "";
    if (!m.confusion) return;
    const classes = state.data.classes;
    const caption = table.createCaption();
    caption.textContent = `Confusion matrix (${m.confusion_split} split): rows true, columns predicted`;
    const head = table.insertRow();
    head.appendChild(document.createElement("th"));
    classes.forEach((name) => { const th = document.createElement("th"); th.textContent = name; head.appendChild(th); });
    const total = m.confusion.flat().reduce((a, b) => a + b, 0) || 1;
    m.confusion.forEach((row, i) => {
      const tr = table.insertRow();
      const th = document.createElement("th");
      th.textContent = classes[i];
      tr.appendChild(th);
      row.forEach((count, j) => {
        const td = tr.insertCell();
        td.textContent = count;
        const share = count / total;
        const c = i === j ? BLUE : ORANGE;
        td.style.background = `rgba(${c[0]},${c[1]},${c[2]},${Math.min(0.6, share * 2)})`;
      });
    });
  }

  // -- hover and edit the weights ---------------------------------------------------------------------

  function canvasPoint(event) {
    const canvas = $("network"), rect = canvas.getBoundingClientRect();
    return [(event.clientX - rect.left) * canvas.width / rect.width, (event.clientY - rect.top) * canvas.height / rect.height];
  }

  function bezierPoint(link, t) {
    const mx = (link.x0 + link.x1) / 2, u = 1 - t;
    const x = u * u * u * link.x0 + 3 * u * u * t * mx + 3 * u * t * t * mx + t * t * t * link.x1;
    const y = u * u * u * link.y0 + 3 * u * u * t * link.y0 + 3 * u * t * t * link.y1 + t * t * t * link.y1;
    return [x, y];
  }

  function hit(event) {
    const [px, py] = canvasPoint(event);
    for (const unit of state.units) {
      if (px >= unit.x && px <= unit.x + unit.size && py >= unit.y && py <= unit.y + unit.size) {
        if (unit.layer === 0) return { kind: "input", unit };
        return { kind: "bias", unit };
      }
    }
    let best = null, bestDistance = 5;
    for (const link of state.links) {
      if (px < Math.min(link.x0, link.x1) - 5 || px > Math.max(link.x0, link.x1) + 5) continue;
      if (py < Math.min(link.y0, link.y1) - 5 || py > Math.max(link.y0, link.y1) + 5) continue;
      // nearest point on the curve: the curve is monotone in x, so solve for x then measure
      let lo = 0, hi = 1;
      for (let i = 0; i < 20; i++) { const mid = (lo + hi) / 2; if (bezierPoint(link, mid)[0] < px) lo = mid; else hi = mid; }
      const [, y] = bezierPoint(link, lo);
      const distance = Math.abs(y - py);
      if (distance < bestDistance) { best = link; bestDistance = distance; }
    }
    return best ? { kind: "weight", link: best } : null;
  }

  function thetaIndex(layer, row, column) {
    const sizes = state.frame.header.layer_sizes;
    let offset = 0;
    for (let l = 0; l < layer; l++) offset += sizes[l + 1] * (sizes[l] + 1);
    return offset + row * (sizes[layer] + 1) + column;
  }

  function describe(target) {
    const theta = state.frame.theta, inputs = state.data.inputs || [];
    if (target.kind === "weight") {
      const { layer, row, column } = target.link;
      const from = layer === 0 ? inputs[column - 1] : `unit ${column} of hidden layer ${layer}`;
      const to = layer + 2 === state.frame.header.layer_sizes.length ? `output ${row + 1}` : `unit ${row + 1} of hidden layer ${layer + 1}`;
      return { text: `Θ(${layer + 1})[${row + 1}, ${column}] = ${theta[thetaIndex(layer, row, column)].toPrecision(4)}  (${from} → ${to})`, layer, row, column };
    }
    if (target.kind === "bias") {
      const { layer, unit } = target.unit;
      const name = layer === state.frame.header.layer_sizes.length - 1 ? `output ${unit + 1}` : `unit ${unit + 1} of hidden layer ${layer}`;
      return { text: `bias of ${name}: Θ(${layer})[${unit + 1}, 0] = ${theta[thetaIndex(layer - 1, unit, 0)].toPrecision(4)}`, layer: layer - 1, row: unit, column: 0 };
    }
    return { text: `input: ${inputs[target.unit.unit]}` };
  }

  function wireNetwork() {
    const canvas = $("network"), tooltip = $("tooltip"), editor = $("editor");
    canvas.addEventListener("mousemove", (event) => {
      if (!state.frame || !state.frame.header.ready) return;
      const target = hit(event);
      if (!target) { tooltip.hidden = true; return; }
      const wrap = $("network-wrap").getBoundingClientRect();
      tooltip.textContent = describe(target).text;
      tooltip.style.left = (event.clientX - wrap.left + 12) + "px";
      tooltip.style.top = (event.clientY - wrap.top + 12) + "px";
      tooltip.hidden = false;
    });
    canvas.addEventListener("mouseleave", () => { tooltip.hidden = true; });
    canvas.addEventListener("click", (event) => {
      if (!state.frame || !state.frame.header.ready) return;
      const target = hit(event);
      if (!target || target.kind === "input") return;
      const info = describe(target);
      const wrap = $("network-wrap").getBoundingClientRect();
      editor.dataset.layer = info.layer;
      editor.dataset.row = info.row;
      editor.dataset.column = info.column;
      $("editor-label").textContent = info.text.split("=")[0] + "=";
      $("editor-value").value = state.frame.theta[thetaIndex(info.layer, info.row, info.column)].toPrecision(6);
      editor.style.left = Math.max(0, Math.min(event.clientX - wrap.left, wrap.width - 300)) + "px";
      editor.style.top = (event.clientY - wrap.top + 10) + "px";
      editor.hidden = false;
      tooltip.hidden = true;
      $("editor-value").focus();
      $("editor-value").select();
    });
    editor.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = Number($("editor-value").value);
      if ($("editor-value").value === "" || !Number.isFinite(value)) { addMessage("A weight must be a finite number.", "notice"); return; }
      send({ type: "set_weight", layer: Number(editor.dataset.layer), row: Number(editor.dataset.row), column: Number(editor.dataset.column), value });
      editor.hidden = true;
    });
    editor.addEventListener("keydown", (event) => { if (event.key === "Escape") editor.hidden = true; });
  }

  // -- start ----------------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    wireInputs();
    connect();
  });
})();
