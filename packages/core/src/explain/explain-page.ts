import { createHash } from 'node:crypto';

/**
 * The explain page (docs/explain.md): one HTML document with its CSS and script inline — no external
 * script, font, image or CDN, so it works offline — allowed by a Content-Security-Policy that names their
 * SHA-256 hashes. The script posts the form to the same URL with `fetch` and renders the answer with
 * `textContent` only: nothing the token holds is ever parsed as HTML. Without the script (JavaScript off,
 * or blocked) the browser posts the form itself (`method="post"`, never a GET that would put the assertion
 * in the URL) and shows the JSON report.
 */

const STYLE = `
:root { color-scheme: light; --fg: #111; --muted: #444; --bg: #fff; --line: #767676; --pass: #0a5d1e; --fail: #a1001b; --skip: #4a4a4a; --focus: #0047b3; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 .5rem; }
p.lead, p.note { color: var(--muted); margin: .25rem 0 1rem; }
form { display: grid; gap: .75rem; }
label { font-weight: 600; display: block; margin-bottom: .2rem; }
textarea, input, select { font: 14px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; width: 100%; padding: .5rem; border: 1px solid var(--line); border-radius: 4px; color: var(--fg); background: #fff; }
textarea { min-height: 8rem; resize: vertical; word-break: break-all; }
.row { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
button { font: inherit; font-weight: 600; padding: .55rem 1.4rem; border: 0; border-radius: 4px; background: #0047b3; color: #fff; cursor: pointer; justify-self: start; }
button:disabled { background: #5c5c5c; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.verdict { font-size: 1.15rem; font-weight: 700; padding: .6rem .9rem; border-radius: 4px; border: 2px solid currentColor; }
.verdict[data-status="pass"] { color: var(--pass); }
.verdict[data-status="fail"], .message { color: var(--fail); }
.message { font-weight: 600; }
pre { background: #f4f4f4; border: 1px solid #d0d0d0; padding: .75rem; overflow-x: auto; font-size: 13px; margin: 0; white-space: pre-wrap; word-break: break-all; }
.decoded { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #c8c8c8; padding: .4rem .5rem; }
th { background: #f0f0f0; }
td.status { font-weight: 700; white-space: nowrap; }
tr[data-status="pass"] td.status { color: var(--pass); }
tr[data-status="fail"] td.status { color: var(--fail); }
tr[data-status="fail"] { background: #fff0f2; }
tr[data-status="not_reached"] td.status, tr[data-status="not_checked"] td.status, tr[data-status="hidden"] td.status { color: var(--skip); }
ul.facts { padding-left: 1.2rem; margin: .25rem 0; }
[hidden] { display: none !important; }
`;

const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('explain-form');
  var result = document.getElementById('result');
  var button = document.getElementById('explain-button');
  var STATUS = { pass: 'pass', fail: 'fail', not_reached: 'not reached', not_checked: 'not checked', hidden: 'hidden' };
  var NAMES = { issuer: "this server's issuer identifier", token_endpoint: "this server's token endpoint", other: 'not this server' };
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function json(value) { try { return JSON.stringify(value, null, 2); } catch (e) { return String(value); } }
  function clear() { while (result.firstChild) result.removeChild(result.firstChild); }
  function heading(text) { var h = el('h2', text, { id: 'result-heading', tabindex: '-1' }); result.appendChild(h); return h; }
  function message(title, text) {
    clear();
    var h = heading(title);
    result.appendChild(el('p', text, { 'class': 'message', role: 'alert' }));
    h.focus();
  }
  function render(report) {
    clear();
    var h = heading('Result');
    var verdict = report.verdict === 'pass'
      ? 'Accepted: every rule passes (the token endpoint would accept this assertion once).'
      : 'Refused: ' + report.error.error + ' (HTTP ' + report.error.status + ')' + (report.error.error_description ? ' \\u2014 ' + report.error.error_description : '');
    result.appendChild(el('p', verdict, { 'class': 'verdict', 'data-status': report.verdict, id: 'verdict' }));
    result.appendChild(el('p', 'Server: issuer ' + report.server.issuer + ', token endpoint ' + report.server.token_endpoint + ', clock ' + report.server.now + '.', { 'class': 'note' }));
    if (report.header || report.claims) {
      result.appendChild(el('h2', 'Decoded (not verified unless accepted)'));
      var decoded = el('div', null, { 'class': 'decoded' });
      [['Header', report.header], ['Claims', report.claims]].forEach(function (pair) {
        var box = el('section', null, { 'aria-label': pair[0] });
        box.appendChild(el('h3', pair[0]));
        box.appendChild(el('pre', json(pair[1])));
        decoded.appendChild(box);
      });
      result.appendChild(decoded);
      var facts = el('ul', null, { 'class': 'facts', id: 'facts' });
      (report.times || []).forEach(function (t) { facts.appendChild(el('li', t.claim + ': ' + t.relative + ' (' + t.at + ')')); });
      (report.audience || []).forEach(function (a) { facts.appendChild(el('li', 'aud ' + json(a.value) + ': ' + NAMES[a.names])); });
      if (report.claims && !report.audience) facts.appendChild(el('li', 'aud: absent'));
      result.appendChild(facts);
    }
    result.appendChild(el('h2', 'Rules, in the order the server checks them'));
    var table = el('table', null, { id: 'rules' });
    var head = el('tr');
    ['#', 'Rule', 'Check', 'Status', 'Claim', 'Source', 'Fix'].forEach(function (t) { head.appendChild(el('th', t, { scope: 'col' })); });
    var thead = el('thead'); thead.appendChild(head); table.appendChild(thead);
    var body = el('tbody');
    report.steps.forEach(function (s, i) {
      var row = el('tr', null, { 'data-status': s.status, 'data-step': s.id });
      row.appendChild(el('td', i + 1));
      row.appendChild(el('td', s.rule));
      row.appendChild(el('td', s.check + (s.detail ? ' \\u2014 ' + s.detail : '')));
      row.appendChild(el('td', STATUS[s.status] + (s.reason ? ' (' + s.reason + ')' : ''), { 'class': 'status' }));
      row.appendChild(el('td', s.claim || ''));
      row.appendChild(el('td', s.source));
      row.appendChild(el('td', s.status === 'fail' || s.status === 'not_checked' ? (s.fix || '') : ''));
      body.appendChild(row);
    });
    table.appendChild(body);
    result.appendChild(table);
    if (report.steps.some(function (s) { return s.status === 'hidden'; })) {
      result.appendChild(el('p', 'Checks marked hidden read the trust configuration of this server: their results are shown only for an assertion signed by a key registered for the iss (grant) or sub (client) it names.', { 'class': 'note', id: 'hidden-note' }));
    }
    h.focus();
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new URLSearchParams();
    ['assertion', 'use', 'client_id', 'scope'].forEach(function (name) { data.append(name, form.elements[name].value.trim()); });
    button.disabled = true;
    result.setAttribute('aria-busy', 'true');
    fetch(window.location.pathname, { method: 'POST', body: data, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; }, function () { return { status: response.status, body: null }; });
      })
      .then(function (answer) {
        var body = answer.body;
        if (body && Array.isArray(body.steps)) render(body);
        else message('Not explained', (body && body.error_description) || (body && body.error) || 'the server answered HTTP ' + answer.status);
      }, function () { message('Not explained', 'the server could not be reached'); })
      .then(function () { button.disabled = false; result.removeAttribute('aria-busy'); });
  });
  form.elements.assertion.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
  });
})();
`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page's Content-Security-Policy: nothing but its own inline style and script (by hash) and `fetch` to
 * this origin; no framing, no `<base>`, forms only to this origin.
 */
export const EXPLAIN_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  "img-src 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page itself (HTML5, UTF-8): the form, an empty result region, the inline style and script. */
export const EXPLAIN_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Explain an assertion</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Explain an assertion</h1>
<p class="lead">A dry run of this server's checks (RFC 7523, RFC 7521): every rule in order, passed, failed or not reached, with the fix. The checks of the trust configuration (registration, subjects, audiences, algorithms, lifetime, keys) show their results only for an assertion signed by a registered key. The assertion goes to this server only; it is not logged, its jti is not remembered and no token is issued.</p>
<form id="explain-form" method="post" novalidate>
<div>
<label for="assertion">Assertion (a compact JWT)</label>
<textarea id="assertion" name="assertion" required spellcheck="false" autocomplete="off" autocapitalize="off" aria-describedby="assertion-hint"></textarea>
<p class="note" id="assertion-hint">Paste the JWT. Ctrl+Enter explains it.</p>
</div>
<div class="row">
<div>
<label for="use">Used as</label>
<select id="use" name="use" aria-describedby="use-hint">
<option value="client">client assertion (private_key_jwt)</option>
<option value="grant">grant assertion (jwt-bearer)</option>
<option value="platform">platform token (workload issuer grant)</option>
<option value="id-jag">ID-JAG (grant; give the client_id)</option>
</select>
<p class="note" id="use-hint">DPoP proofs cannot be explained here: the engine has no dry run of a proof that leaves its jti unused.</p>
</div>
<div>
<label for="client_id">client_id (optional)</label>
<input id="client_id" name="client_id" type="text" spellcheck="false" autocomplete="off" aria-describedby="client-id-hint">
<p class="note" id="client-id-hint">Client assertion: the client_id parameter sent with it. Grant: the authenticated client presenting it.</p>
</div>
<div>
<label for="scope">scope (optional)</label>
<input id="scope" name="scope" type="text" spellcheck="false" autocomplete="off" aria-describedby="scope-hint">
<p class="note" id="scope-hint">Grant only: the scope the request would ask for.</p>
</div>
</div>
<button type="submit" id="explain-button">Explain</button>
</form>
<section id="result" aria-live="polite" aria-label="Result"></section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
