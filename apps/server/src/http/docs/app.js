/* global document, window */
// Renders /api/openapi.json as a browsable, try-it-out reference. Same-origin and dependency-free so it works
// offline and under the server's Content-Security-Policy (no inline script, no eval, no innerHTML of data).
'use strict';

const el = (tag, attrs, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
};

const tokenInput = document.getElementById('token');
tokenInput.value = sessionStorage.getItem('seatrush-token') || '';
tokenInput.addEventListener('input', () => sessionStorage.setItem('seatrush-token', tokenInput.value.trim()));

/** A plausible value for a JSON Schema, to pre-fill request bodies. */
function example(schema, depth) {
  if (!schema || depth > 6) return null;
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (schema.examples && schema.examples.length) return schema.examples[0];
  if (schema.enum && schema.enum.length) return schema.enum[0];
  const alt = schema.anyOf || schema.oneOf || schema.allOf;
  if (alt && alt.length) return example(alt[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out = {};
      const required = new Set(schema.required || []);
      for (const [k, v] of Object.entries(schema.properties || {}))
        if (required.has(k) || depth < 1) out[k] = example(v, depth + 1);
      return out;
    }
    case 'array':
      return schema.minItems === 0 && depth > 2 ? [] : [example(schema.items, depth + 1)];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'string':
      if (schema.format === 'date-time') return new Date(Date.now() + 86400000).toISOString();
      if (schema.format === 'email') return 'someone@example.com';
      return '';
    default:
      return null;
  }
}

function paramTable(params) {
  const rows = params.map((p) =>
    el(
      'tr',
      {},
      el('td', { class: 'path', text: p.name }),
      el('td', { text: p.in }),
      el('td', { text: p.required ? 'required' : 'optional' }),
      el('td', { class: 'path', text: JSON.stringify(p.schema) }),
    ),
  );
  return el(
    'table',
    {},
    el(
      'tr',
      {},
      el('th', { text: 'name' }),
      el('th', { text: 'in' }),
      el('th', { text: '' }),
      el('th', { text: 'schema' }),
    ),
    ...rows,
  );
}

function tryIt(path, method, op) {
  const params = op.parameters || [];
  const inputs = new Map();
  const form = el('div', {});
  for (const p of params) {
    const input = el('input', { placeholder: p.in === 'path' ? 'required' : 'optional', size: 30 });
    inputs.set(p, input);
    form.append(el('label', { text: `${p.in} ${p.name}` }), input);
  }
  let body = null;
  const schema = op.requestBody && op.requestBody.content['application/json'].schema;
  if (schema) {
    body = el('textarea', { rows: 10 });
    body.value = JSON.stringify(example(schema, 0), null, 2);
    form.append(el('label', { text: 'JSON body' }), body);
  }
  const send = el('button', { type: 'button', text: 'Send' });
  const status = el('div', {});
  const out = el('pre', { class: 'hidden' });
  send.addEventListener('click', async () => {
    let url = path;
    const query = new URLSearchParams();
    for (const [p, input] of inputs) {
      const v = input.value.trim();
      if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(v));
      else if (v) query.set(p.name, v);
    }
    if ([...query].length) url += `?${query}`;
    const headers = {};
    const token = tokenInput.value.trim();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body) headers['content-type'] = 'application/json';
    status.textContent = 'Sending …';
    try {
      const res = await fetch(url, {
        method: method.toUpperCase(),
        headers,
        body: body ? body.value : undefined,
        credentials: 'same-origin',
      });
      const text = await res.text();
      status.className = res.ok ? 'status-ok' : 'status-err';
      status.textContent = `${res.status} ${res.statusText}  ${method.toUpperCase()} ${url}`;
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: show as is
      }
      out.textContent = shown.length > 200000 ? `${shown.slice(0, 200000)}\n… (truncated)` : shown;
      out.classList.remove('hidden');
    } catch (e) {
      status.className = 'status-err';
      status.textContent = `Request failed: ${e.message}`;
    }
  });
  form.append(el('p', {}, send), status, out);
  return el('details', {}, el('summary', { text: 'Try it' }), form);
}

function operation(path, method, op) {
  const body = el('div', { class: 'body' }, el('p', { text: op.description || '' }));
  if (op.parameters && op.parameters.length)
    body.append(el('h4', { text: 'Parameters' }), paramTable(op.parameters));
  if (op.requestBody) {
    const schema = op.requestBody.content['application/json'].schema;
    body.append(
      el(
        'details',
        {},
        el('summary', { text: 'Request body schema' }),
        el('pre', { text: JSON.stringify(schema, null, 2) }),
      ),
    );
  }
  for (const [code, r] of Object.entries(op.responses || {})) {
    const schema = r.content && r.content['application/json'] && r.content['application/json'].schema;
    const line = el('summary', { text: `${code} — ${r.description}` });
    body.append(
      schema
        ? el('details', {}, line, el('pre', { text: JSON.stringify(schema, null, 2) }))
        : el('div', { text: `${code} — ${r.description}` }),
    );
  }
  body.append(tryIt(path, method, op));
  const details = el(
    'details',
    {
      class: 'op',
      'data-search': `${method} ${path} ${op.summary || ''} ${(op.tags || []).join(' ')}`.toLowerCase(),
    },
    el(
      'summary',
      {},
      el('span', { class: `method ${method}`, text: method }),
      el('span', { class: 'path', text: path }),
      el('span', { class: 'summary', text: op.summary || '' }),
      el('span', { class: 'access', text: op['x-access'] || '' }),
    ),
    body,
  );
  return details;
}

async function main() {
  const res = await fetch('/api/openapi.json');
  const spec = await res.json();
  document.getElementById('title').textContent = `${spec.info.title} (v${spec.info.version})`;
  document.getElementById('description').textContent = spec.info.description || '';
  const byTag = new Map();
  for (const [path, item] of Object.entries(spec.paths))
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(path, method, op));
    }
  const root = document.getElementById('ops');
  const sections = [];
  for (const [tag, ops] of byTag) {
    const section = el('section', {}, el('h2', { text: tag }), ...ops);
    sections.push(section);
    root.append(section);
  }
  document.getElementById('filter').addEventListener('input', (e) => {
    const q = e.target.value.trim().toLowerCase();
    for (const section of sections) {
      let visible = 0;
      for (const op of section.querySelectorAll('details.op')) {
        const show = !q || op.dataset.search.includes(q);
        op.classList.toggle('hidden', !show);
        if (show) visible++;
      }
      section.classList.toggle('hidden', visible === 0);
    }
  });
}

main().catch((e) => {
  document.getElementById('description').textContent = `Could not load /api/openapi.json: ${e.message}`;
  window.console.error(e);
});
