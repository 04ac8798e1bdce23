// The live page: polls the run's figures, lists its series, and follows one series by server-sent
// events, drawing actual, predicted and the interval on a canvas (no library: nothing loads from
// outside the program). A token in the page's own address is passed on to every request.
"use strict";

const token = new URLSearchParams(location.search).get("token");
const withToken = path => token ? `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : path;
const getJson = async path => { const response = await fetch(withToken(path)); return response.ok ? response.json() : null; };
const maxPoints = 400;
let points = [];
let events = null;

function formatNumber(value, digits = 4) {
  return value === null || value === undefined ? "–" : Number(value).toPrecision(digits);
}

async function refreshStats() {
  const stats = await getJson("/stats");
  if (!stats) return;
  document.getElementById("deployment").textContent = stats.deployment;
  document.getElementById("ticks").textContent = stats.ticks.toLocaleString("en");
  document.getElementById("rate").textContent = Math.round(stats.ticksPerSecond).toLocaleString("en");
  document.getElementById("latency").textContent = stats.latencyP50Ms === null ? "–" : `${formatNumber(stats.latencyP50Ms, 3)} / ${formatNumber(stats.latencyP99Ms, 3)} ms`;
  document.getElementById("inflight").textContent = stats.inFlight.toLocaleString("en");
  const rejects = Object.entries(stats.rejects);
  document.getElementById("rejects").textContent = rejects.length === 0 ? "0" : rejects.map(([reason, count]) => `${reason} ${count}`).join(", ");
  document.getElementById("version").textContent = `v${stats.weightsVersion}`;
}

async function refreshSeries() {
  const ids = await getJson("/series");
  if (!ids) return;
  const select = document.getElementById("series");
  const known = new Set(Array.from(select.options).map(option => option.value));
  for (const id of ids) {
    if (known.has(id)) continue;
    const option = document.createElement("option");
    option.value = id;
    option.textContent = id;
    select.appendChild(option);
  }
}

async function refreshRetrains() {
  const retrains = await getJson("/retrains");
  if (!retrains) return;
  const body = document.querySelector("#retrains tbody");
  body.replaceChildren(...retrains.map(retrain => {
    const row = document.createElement("tr");
    const cells = [`v${retrain.fromVersion}`, retrain.promotedVersion === null ? "–" : `v${retrain.promotedVersion}`,
      `${retrain.trainWindows} / ${retrain.holdoutWindows}`, formatNumber(retrain.championLoss), formatNumber(retrain.challengerLoss),
      retrain.promoted ? "promoted" : retrain.kind.toLowerCase(), retrain.verdict];
    for (const [i, text] of cells.entries()) {
      const cell = document.createElement("td");
      cell.textContent = text;
      if (i === 5) cell.className = retrain.promoted ? "promoted" : "rejected";
      row.appendChild(cell);
    }
    return row;
  }));
}

function follow(seriesId) {
  if (events) events.close();
  points = [];
  draw();
  if (!seriesId) return;
  events = new EventSource(withToken(`/series/${encodeURIComponent(seriesId)}/events`));
  events.onmessage = message => {
    const event = JSON.parse(message.data);
    points.push(event);
    if (points.length > maxPoints) points.shift();
    show(event);
    draw();
  };
}

function show(event) {
  const forecast = document.getElementById("forecast");
  forecast.dataset.timestamp = event.timestamp;
  forecast.dataset.predicted = JSON.stringify(event.predicted);
  forecast.dataset.lower = JSON.stringify(event.lower);
  forecast.dataset.upper = JSON.stringify(event.upper);
  document.getElementById("forecast-tick").textContent = event.timestamp;
  document.getElementById("forecast-target").textContent = event.targetTime ?? "–";
  document.getElementById("forecast-values").textContent = event.predicted.map(v => formatNumber(v, 6)).join(", ");
  document.getElementById("forecast-interval").textContent = event.lower.map((low, i) => `[${formatNumber(low, 6)}, ${formatNumber(event.upper[i], 6)}]`).join(", ");
  document.getElementById("forecast-forecaster").textContent = event.forecaster;
  document.getElementById("forecast-version").textContent = `v${event.weightsVersion}`;
}

// Point i's actual is what arrived with tick i; its forecast, made after tick i, is drawn where it is due
// (one step on per horizon step, as ticks arrive evenly spaced in a series).
function draw() {
  const canvas = document.getElementById("chart");
  canvas.dataset.points = String(points.length);
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (points.length < 2) return;
  const values = points.flatMap(p => [p.actual?.[0], p.predicted[0], p.lower[0], p.upper[0]]).filter(v => v !== null && v !== undefined && Number.isFinite(v));
  const low = Math.min(...values), high = Math.max(...values);
  const pad = 24, span = high - low || 1;
  const slots = Math.max(points.length + 1, 60);
  const x = i => pad + (canvas.width - 2 * pad) * i / slots;
  const y = v => canvas.height - pad - (canvas.height - 2 * pad) * (v - low) / span;
  context.fillStyle = "rgba(232, 178, 125, 0.35)";
  context.beginPath();
  points.forEach((p, i) => context.lineTo(x(i + 1), y(p.upper[0])));
  for (let i = points.length - 1; i >= 0; i--) context.lineTo(x(i + 1), y(points[i].lower[0]));
  context.closePath();
  context.fill();
  line(context, points.map((p, i) => [x(i + 1), y(p.predicted[0])]), "#d9730d");
  line(context, points.map((p, i) => p.actual ? [x(i), y(p.actual[0])] : null).filter(p => p), "#1f5fa8");
  context.fillStyle = "#666";
  context.fillText(formatNumber(high), 2, pad - 6);
  context.fillText(formatNumber(low), 2, canvas.height - 6);
}

function line(context, coordinates, color) {
  context.strokeStyle = color;
  context.lineWidth = 1.5;
  context.beginPath();
  coordinates.forEach(([px, py], i) => i === 0 ? context.moveTo(px, py) : context.lineTo(px, py));
  context.stroke();
}

document.getElementById("series").addEventListener("change", event => follow(event.target.value));
const every = (action, ms) => { action(); setInterval(action, ms); };
every(refreshStats, 1000);
every(refreshSeries, 2000);
every(refreshRetrains, 3000);
