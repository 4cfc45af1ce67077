/**
 * The page's script, as text: plain ES2017 for any browser, no library. It keeps the admin token
 * in sessionStorage (gone with the tab), sends it as a bearer token to GET /v1/admin/dashboard
 * every second, and draws what comes back with textContent and SVG elements only (never
 * innerHTML with data), so a SKU name cannot inject markup.
 */
export const DASHBOARD_SCRIPT = String.raw`(function () {
  'use strict';
  var KEY = 'flashsale.adminToken';
  var SVG = 'http://www.w3.org/2000/svg';
  var POINTS = 60;
  var $ = function (id) { return document.getElementById(id); };
  var series = { orders: [], soldOut: [], pending: [], lag: [] };
  var last = null;
  var timer = null;

  function text(id, value) { $(id).textContent = String(value); }
  function el(tag, attrs, parent) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function push(list, value) { list.push(value); if (list.length > POINTS) list.shift(); }
  function round(n) { return Math.round(n * 10) / 10; }

  function sparkline(id, values, color) {
    var box = $(id);
    while (box.firstChild) box.removeChild(box.firstChild);
    var w = 240, h = 48;
    var svg = el('svg', { width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, role: 'img' }, box);
    el('rect', { x: 0, y: 0, width: w, height: h, fill: '#f4f6f9' }, svg);
    if (values.length < 2) return;
    var max = Math.max.apply(null, values.concat([1]));
    var step = w / (POINTS - 1);
    var start = w - step * (values.length - 1);
    var points = values.map(function (v, i) {
      return round(start + i * step) + ',' + round(h - 2 - (v / max) * (h - 6));
    });
    el('polyline', { points: points.join(' '), fill: 'none', stroke: color, 'stroke-width': 1.5 }, svg);
    var top = el('text', { x: 4, y: 11, 'font-size': 10, fill: '#6b7385' }, svg);
    top.textContent = 'max ' + round(max);
  }

  function bar(stocked, available, reserved, sold) {
    var w = 160, h = 12, total = Math.max(stocked, 1);
    var svg = el('svg', { width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, role: 'img' });
    var x = 0;
    [[sold, '#8a6fd1'], [reserved, '#e0a030'], [available, '#3c9a4e']].forEach(function (part) {
      var width = (Math.max(part[0], 0) / total) * w;
      el('rect', { x: round(x), y: 0, width: round(width), height: h, fill: part[1] }, svg);
      x += width;
    });
    return svg;
  }

  function cell(row, value, cls) {
    var td = document.createElement('td');
    if (value instanceof Node) td.appendChild(value); else td.textContent = String(value);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function table(id, rows, columns) {
    var body = $(id);
    while (body.firstChild) body.removeChild(body.firstChild);
    rows.forEach(function (r) {
      var tr = document.createElement('tr');
      columns(r).forEach(function (c) { cell(tr, c); });
      body.appendChild(tr);
    });
  }

  function render(s) {
    var t = Date.parse(s.at);
    var accepted = s.outcomes.accepted || 0;
    var soldOut = s.outcomes.sold_out || 0;
    var maxLag = s.projections.reduce(function (m, p) { return Math.max(m, p.lagMs); }, 0);
    if (last && t > last.t) {
      var dt = (t - last.t) / 1000;
      push(series.orders, Math.max(0, (accepted - last.accepted) / dt));
      push(series.soldOut, Math.max(0, (soldOut - last.soldOut) / dt));
    }
    last = { t: t, accepted: accepted, soldOut: soldOut };
    push(series.pending, s.pendingReservations);
    push(series.lag, maxLag);

    var rate = series.orders.length ? series.orders[series.orders.length - 1] : 0;
    text('orders-per-second', round(rate));
    text('accepted', accepted);
    text('sold-out', soldOut);
    text('limit', s.outcomes.limit_exceeded || 0);
    text('replays', s.outcomes.idempotent_replay || 0);
    text('pending', s.pendingReservations);
    text('max-lag', maxLag + ' ms');
    var all = accepted + soldOut;
    text('accepted-share', all ? Math.round((accepted / all) * 100) + ' % accepted' : '');
    sparkline('chart-orders', series.orders, '#1f5fae');
    sparkline('chart-sold-out', series.soldOut, '#c0392b');
    sparkline('chart-pending', series.pending, '#e0a030');
    sparkline('chart-lag', series.lag, '#8a6fd1');

    var body = $('skus');
    while (body.firstChild) body.removeChild(body.firstChild);
    s.skus.forEach(function (k) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-sku', k.skuId);
      cell(tr, k.skuId);
      if (k.available === null) {
        cell(tr, 'not in Redis: cannot be bought', 'missing');
        tr.lastChild.setAttribute('colspan', '6');
      } else {
        cell(tr, k.name);
        cell(tr, k.available, 'num available');
        cell(tr, k.reserved, 'num');
        cell(tr, k.sold, 'num');
        cell(tr, k.stocked, 'num');
        cell(tr, bar(k.stocked, k.available, k.reserved, k.sold));
      }
      body.appendChild(tr);
    });
    table('projections', s.projections, function (p) {
      return [p.name, p.status, p.lagMs + ' ms', p.deadLetters];
    });
    text('skus-cut', s.skusCut ? 'the first ' + s.skus.length + ' by id; more are not shown or audited' : '');
    text('audit-at', s.audit.at ? 'audited ' + s.audit.at : 'no audit yet');
    text('discrepancy-count', s.audit.discrepancies.length);
    table('discrepancies', s.audit.discrepancies.slice(0, 50), function (d) {
      var rest = {};
      Object.keys(d).forEach(function (k) { if (k !== 'skuId') rest[k] = d[k]; });
      return [d.skuId, JSON.stringify(rest)];
    });
    text('updated', s.at);
  }

  function showLogin(message) {
    clearTimeout(timer);
    $('login').hidden = false;
    $('board').hidden = true;
    text('login-error', message || '');
  }

  function poll() {
    var token = sessionStorage.getItem(KEY);
    if (!token) return showLogin('');
    fetch('/v1/admin/dashboard', { headers: { authorization: 'Bearer ' + token } })
      .then(function (res) {
        if (res.status === 401 || res.status === 403) {
          sessionStorage.removeItem(KEY);
          return res.json().then(function (b) { showLogin(b.error.message); });
        }
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json().then(function (summary) {
          render(summary);
          text('state', 'live');
          timer = setTimeout(poll, 1000);
        });
      })
      .catch(function (e) {
        text('state', 'cannot reach the service: ' + e.message);
        timer = setTimeout(poll, 2000);
      });
  }

  $('login').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = $('token').value.trim();
    if (!value) return;
    sessionStorage.setItem(KEY, value);
    $('token').value = '';
    $('login').hidden = true;
    $('board').hidden = false;
    poll();
  });
  $('logout').addEventListener('click', function () {
    sessionStorage.removeItem(KEY);
    showLogin('');
  });
  if (sessionStorage.getItem(KEY)) { $('login').hidden = true; $('board').hidden = false; poll(); }
})();`;
