import type { OpenApiDocument } from './document';

const escape = (text: unknown) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const json = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

type Op = {
  operationId: string;
  summary: string;
  description?: string;
  security: Record<string, string[]>[];
  parameters: ({ name?: string; in?: string; required?: boolean; schema?: unknown } & {
    $ref?: string;
  })[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description?: string; $ref?: string; content?: unknown }>;
};

function renderOperation(method: string, path: string, op: Op): string {
  const security = op.security.flatMap((s) => Object.keys(s)).join(', ') || 'none';
  const params = op.parameters
    .filter((p) => !p.$ref)
    .map(
      (p) =>
        `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${json(p.schema)}</td></tr>`,
    )
    .join('');
  const body = op.requestBody
    ? `<h4>Request body</h4>${json(op.requestBody.content['application/json']?.schema)}`
    : '';
  const answers = Object.entries(op.responses)
    .map(
      ([status, r]) =>
        `<details><summary><b>${escape(status)}</b> ${escape(r.description ?? r.$ref?.replace('#/components/responses/E', 'error ') ?? '')}</summary>${r.content ? json(r.content) : ''}</details>`,
    )
    .join('');
  return `<section class="op" id="${escape(op.operationId)}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p>${escape(op.summary)}</p>${op.description ? `<p class="d">${escape(op.description)}</p>` : ''}
<p class="s">auth: ${escape(security)}</p>
${params ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${params}</table>` : ''}
${body}<h4>Responses</h4>${answers}</section>`;
}

/**
 * The document as one self-contained page, rendered on the server: no script, no CDN (the
 * machines this runs on may have no internet), readable with curl and in any browser.
 */
export function docsPage(doc: OpenApiDocument): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Op })),
  );
  const index = ops
    .map(
      ({ path, method, op }) =>
        `<li><a href="#${escape(op.operationId)}"><span class="m ${method}">${method.toUpperCase()}</span> ${escape(path)}</a></li>`,
    )
    .join('');
  const schemes = Object.entries(doc.components.securitySchemes)
    .map(([name, s]) => `<h3>${escape(name)}</h3><p class="d">${escape(s.description)}</p>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.info.title)} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;display:flex;color:#1d2330}
nav{width:330px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f3f5f8;padding:12px;box-sizing:border-box}
nav ul{list-style:none;padding:0;margin:0}nav a{text-decoration:none;color:inherit;display:block;padding:2px 0;font-size:13px}
main{padding:16px 28px;max-width:1000px}
.m{display:inline-block;min-width:42px;text-align:center;border-radius:3px;color:#fff;font-size:11px;font-weight:bold;padding:1px 4px}
.m.get{background:#2f7d32}.m.post{background:#1f5fae}
.op{border-top:1px solid #dde2ea;padding:8px 0}.d{white-space:pre-wrap;color:#3c4455}.s{color:#6b7385;font-size:12px}
pre{background:#f7f8fa;padding:8px;overflow:auto;font-size:12px;margin:4px 0}
table{border-collapse:collapse}td,th{border:1px solid #dde2ea;padding:4px;vertical-align:top;text-align:left}
</style></head><body>
<nav><b>${escape(doc.info.title)} ${escape(doc.info.version)}</b><p><a href="/openapi.json">openapi.json</a></p><ul>${index}</ul></nav>
<main><h1>${escape(doc.info.title)} API <small>OpenAPI ${escape(doc.openapi)}</small></h1>
<p class="d">${escape(doc.info.description)}</p>
<h2>Authentication</h2>${schemes}
<h2>Operations</h2>${ops.map(({ path, method, op }) => renderOperation(method, path, op)).join('\n')}
<h2>Error body</h2>${json(doc.components.schemas.Error)}
</main></body></html>`;
}
