// The Vaultgate status page: polls /status.json with a monitor's or an administrator's token (a monitor's
// reads this page and /metrics, nothing else) kept in this tab's sessionStorage (never in a cookie or the
// URL) and renders alerts, readiness, transfers in progress, connections, the forwarding outbox per site and
// recent failures.
'use strict';

const REFRESH_MS = 2000;
const TOKEN_KEY = 'vaultgate.ops.token';
const previous = new Map(); // transfer id -> {bytes, at} from the last poll, for rates

function $(id) { return document.getElementById(id); }

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) { td.className = className; }
  return td;
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function since(iso, now) {
  const s = Math.max(0, Math.round((Date.parse(now) - Date.parse(iso)) / 1000));
  return s < 120 ? s + ' s' : Math.round(s / 60) + ' min';
}

function renderChecks(checks) {
  const body = $('checks').tBodies[0];
  body.replaceChildren();
  for (const check of checks) {
    const row = body.insertRow();
    cell(row, check.name);
    cell(row, check.up ? 'up' : 'down', check.up ? '' : 'error');
    cell(row, check.detail);
  }
  const up = checks.every(c => c.up);
  $('readiness').textContent = up ? 'ready' : 'not ready';
  $('readiness').className = 'badge ' + (up ? 'up' : 'down');
}

function renderTransfers(report) {
  const body = $('transfers').tBodies[0];
  body.replaceChildren();
  const seen = new Set();
  const at = Date.parse(report.now);
  for (const t of report.transfers) {
    seen.add(t.transferId);
    const last = previous.get(t.transferId);
    const started = Date.parse(t.startedAt);
    // between polls: the recent rate; on the first poll: the average since the transfer started
    const rate = last && at > last.at ? (t.bytes - last.bytes) * 1000 / (at - last.at)
      : at > started ? t.bytes * 1000 / (at - started) : 0;
    previous.set(t.transferId, { bytes: t.bytes, at: at });
    const row = body.insertRow();
    row.className = 'transfer';
    cell(row, t.direction === 'out' ? '↓ download' : '↑ upload');
    cell(row, t.tenant);
    cell(row, t.principal);
    cell(row, t.protocol);
    cell(row, t.path);
    cell(row, bytes(t.offset + t.bytes), 'num');
    cell(row, bytes(rate) + '/s', 'num');
    const bar = document.createElement('progress');
    if (t.size > 0) { // downloads: the size is known; uploads: only once they end
      bar.max = t.size;
      bar.value = Math.min(t.size, t.bytes);
    }
    bar.title = bytes(t.bytes) + (t.direction === 'out' ? ' sent' : ' received') + ' in this transfer';
    row.insertCell().appendChild(bar);
    cell(row, since(t.startedAt, report.now));
  }
  for (const id of [...previous.keys()]) { if (!seen.has(id)) { previous.delete(id); } }
  $('active').textContent = report.activeUploads;
  $('no-transfers').hidden = report.transfers.length > 0;
}

function since2(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return s < 120 ? s + ' s' : s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
}

function renderExtras(report) {
  const alerts = report.alerts || [];
  $('alerts').replaceChildren(...alerts.map(text => { const li = document.createElement('li'); li.textContent = text; return li; }));
  $('alerts-section').hidden = alerts.length === 0;
  const connections = Object.entries(report.connections || {}).map(([protocol, open]) => protocol + ' connections open: ' + open);
  $('connections').textContent = connections.join(' · ');

  const sites = $('forwarding').tBodies[0];
  sites.replaceChildren();
  for (const site of report.forwarding || []) {
    const row = sites.insertRow();
    cell(row, site.site);
    cell(row, site.pending, 'num');
    cell(row, site.inFlight, 'num');
    cell(row, site.dead, site.dead > 0 ? 'num error' : 'num');
    cell(row, since2(site.oldestSeconds), 'num');
  }
  $('no-forwarding').hidden = (report.forwarding || []).length > 0;

  const failures = $('failures').tBodies[0];
  failures.replaceChildren();
  for (const f of report.recentFailures || []) {
    const t = f.transfer;
    const row = failures.insertRow();
    cell(row, t.direction === 'out' ? '↓ download' : '↑ upload');
    cell(row, t.tenant);
    cell(row, t.principal);
    cell(row, t.protocol);
    cell(row, t.path);
    cell(row, bytes(t.offset + t.bytes), 'num');
    cell(row, since(f.failedAt, report.now) + ' ago');
  }
  $('no-failures').hidden = (report.recentFailures || []).length > 0;
}

async function refresh() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) { showLogin(''); return; }
  try {
    const response = await fetch('/status.json', { headers: { Authorization: 'Bearer ' + token } });
    if (response.status === 401 || response.status === 403) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin('That token was refused: give a monitor\'s or an administrator\'s token.');
      return;
    }
    if (response.status === 429) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin('Too many refused tokens from this address; try again in '
        + (response.headers.get('Retry-After') || 60) + ' s.');
      return;
    }
    const report = await response.json();
    $('login').hidden = true;
    $('status').hidden = false;
    $('meta').textContent = 'version ' + report.version + ' · up ' + since(report.startedAt, report.now);
    $('monitor-view').hidden = report.view !== 'monitor';
    renderChecks(report.checks);
    renderTransfers(report);
    renderExtras(report);
  } catch (e) {
    $('readiness').textContent = 'unreachable';
    $('readiness').className = 'badge down';
  }
  setTimeout(refresh, REFRESH_MS);
}

function showLogin(message) {
  $('status').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
}

document.addEventListener('DOMContentLoaded', () => {
  $('login').addEventListener('submit', event => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    refresh();
  });
  refresh();
});
