import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT } from './script';

const STYLE = `[hidden]{display:none!important}
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#fff}
header{display:flex;gap:16px;align-items:center;padding:10px 20px;background:#1d2330;color:#fff}
header h1{font-size:16px;margin:0}header .grow{flex:1}header button{font:inherit}
main{padding:16px 20px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}
.tile{border:1px solid #dde2ea;border-radius:6px;padding:10px 12px;min-width:250px}
.tile .label{color:#6b7385;font-size:12px}.tile .value{font-size:26px;font-weight:600}
.tile .sub{color:#6b7385;font-size:12px;min-height:16px}
table{border-collapse:collapse;margin:6px 0 18px}td,th{border-bottom:1px solid #e6e9ef;padding:4px 10px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.missing{color:#c0392b}
#login{max-width:520px;margin:60px auto;display:flex;flex-direction:column;gap:8px}
#login textarea{font:12px monospace;height:90px}#login-error{color:#c0392b}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
.k-sold{background:#8a6fd1}.k-reserved{background:#e0a030}.k-available{background:#3c9a4e}`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The operator page: static, so it holds no data and needs no authentication itself; its script
 * asks for an admin token and polls GET /v1/admin/dashboard with it. Everything is inline (no
 * CDN), and the Content-Security-Policy allows exactly this script and style, by hash.
 */
export function dashboardPage(): { html: string; contentSecurityPolicy: string } {
  const tile = (id: string, label: string, chart: string) =>
    `<div class="tile"><div class="label">${label}</div><div class="value" id="${id}">-</div><div class="sub" id="${id}-sub"></div><div id="${chart}"></div></div>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>flashsale: operator</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head><body>
<header><h1>flashsale operator</h1><span class="grow" id="state">signed out</span><span id="updated"></span><button id="logout" type="button">forget token</button></header>
<form id="login">
<label for="token">Admin bearer token (kept in this tab's sessionStorage only)</label>
<textarea id="token" autocomplete="off" spellcheck="false"></textarea>
<button type="submit">Show the dashboard</button><div id="login-error"></div>
</form>
<main id="board" hidden>
<div class="tiles">
${tile('orders-per-second', 'orders per second (accepted)', 'chart-orders')}
<div class="tile"><div class="label">accepted / sold out / over limit / replays</div><div class="value"><span id="accepted">-</span> / <span id="sold-out">-</span> / <span id="limit">-</span> / <span id="replays">-</span></div><div class="sub" id="accepted-share"></div><div id="chart-sold-out"></div></div>
${tile('pending', 'pending reservations', 'chart-pending')}
${tile('max-lag', 'projection lag (max)', 'chart-lag')}
</div>
<h2>Stock per SKU <small id="skus-cut"></small></h2>
<div class="legend"><span class="k-sold"></span>sold<span class="k-reserved"></span>reserved<span class="k-available"></span>available</div>
<table><thead><tr><th>SKU</th><th>name</th><th>available</th><th>reserved</th><th>sold</th><th>stocked</th><th></th></tr></thead><tbody id="skus"></tbody></table>
<h2>Projections</h2>
<table><thead><tr><th>name</th><th>status</th><th>lag</th><th>dead letters</th></tr></thead><tbody id="projections"></tbody></table>
<h2>Audit discrepancies (<span id="discrepancy-count">0</span>) <small id="audit-at"></small></h2>
<table><thead><tr><th>SKU</th><th>discrepancy</th></tr></thead><tbody id="discrepancies"></tbody></table>
<p><small>Outcomes and rates count this process since it started; stock and pending reservations are global.</small></p>
</main>
<script>${DASHBOARD_SCRIPT}</script>
</body></html>`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(DASHBOARD_SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}
