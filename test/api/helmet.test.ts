/**
 * Issue 16 item 5: security headers (@fastify/helmet). API answers (success and problem alike) carry a
 * policy that loads and frames nothing; Swagger UI at /docs keeps working under its own self-only policy
 * (every script and stylesheet its page names is served from this server and allowed by the policy);
 * HSTS only over HTTPS as a trusted proxy reports it.
 */
import t from 'tap';
import { API_CSP, DOCS_CSP, HSTS } from '../../src/routes/security-headers.js';
import { buildTestApp } from '../helper.js';

const COMMON = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-xss-protection': '0',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
};

/** A CSP header as directive -> sources. */
function policy(header: unknown): Map<string, string[]> {
  return new Map(String(header).split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/);
    return [name, sources];
  }));
}

t.test('API answers: success, problem, 404 and auth refusal all carry the headers', async (t) => {
  const app = await buildTestApp(t, { token: 'helmet-admin-token-0123456789' });
  const answers = {
    'GET /api/v1/plugins': await app.inject({ url: '/api/v1/plugins', headers: { authorization: 'Bearer helmet-admin-token-0123456789' } }),
    '401': await app.inject({ url: '/api/v1/plugins' }),
    '404': await app.inject({ url: '/api/v1/nope', headers: { authorization: 'Bearer helmet-admin-token-0123456789' } }),
    'GET /health/live': await app.inject({ url: '/health/live' }),
    'GET /openapi.json': await app.inject({ url: '/docs/json' }),
  };
  for (const [what, res] of Object.entries(answers)) {
    t.match(res.headers, COMMON, `${what}: common headers`);
    if (what !== 'GET /openapi.json') t.same(policy(res.headers['content-security-policy']), policy(API_CSP), `${what}: default-src 'none'; frame-ancestors 'none'`);
    t.notOk(res.headers['strict-transport-security'], `${what}: no HSTS over plain HTTP`);
    t.notOk(res.headers['x-powered-by']);
  }
  t.equal(answers['GET /api/v1/plugins'].statusCode, 200);
  t.equal(answers['401'].statusCode, 401);
});

t.test('Swagger UI at /docs loads: its page, scripts, styles and the document, each allowed by its policy', async (t) => {
  const app = await buildTestApp(t);
  const page = await app.inject({ url: '/docs/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  const csp = policy(page.headers['content-security-policy']);
  t.same(csp, policy(DOCS_CSP), "Swagger UI's own policy");
  t.same(csp.get('frame-ancestors'), ["'none'"], 'never framed');
  t.same(csp.get('script-src'), ["'self'"], 'scripts from this server only');
  t.notOk([...csp.values()].flat().some((s) => /unsafe|https:|\*/.test(s)), 'no unsafe-inline/eval, no wildcard or any-https source');
  t.notOk(csp.has('upgrade-insecure-requests'), 'plain-HTTP servers keep working');
  t.match(page.headers, COMMON);

  // The page has no inline script or style (script-src 'self' would block it): everything is a file of /docs.
  t.notMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>\s*\S/, 'no inline script');
  t.notMatch(page.body, /<style|\sstyle=/, 'no inline style');
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  t.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), 'scripts and styles named');
  for (const a of assets) {
    const url = new URL(a, 'http://localhost/docs/');
    t.equal(url.origin, 'http://localhost', `${a}: same origin ('self')`);
    const res = await app.inject({ url: url.pathname });
    t.equal(res.statusCode, 200, `${a}: served`);
    if (a.endsWith('.js')) t.match(res.headers['content-type'], /javascript/, `${a}: a script (nosniff)`);
    if (a.endsWith('.css')) t.match(res.headers['content-type'], /^text\/css/, `${a}: a stylesheet (nosniff)`);
  }
  const init = await app.inject({ url: '/docs/static/swagger-initializer.js' });
  t.match(init.body, /validatorUrl/, 'the initializer is served');
  t.notMatch(init.body, /validator\.swagger\.io/, 'no third-party validator badge');
  const doc = await app.inject({ url: '/docs/json' });
  t.equal(doc.statusCode, 200, "the document the UI fetches (connect-src 'self')");
});

t.test('HSTS only on requests that came over HTTPS through a trusted proxy', async (t) => {
  const trusted = await buildTestApp(t, { trustProxy: ['127.0.0.1'] });
  const viaTls = await trusted.inject({ url: '/health/live', headers: { 'x-forwarded-proto': 'https' } });
  t.equal(viaTls.headers['strict-transport-security'], HSTS, 'HTTPS at the proxy: HSTS');
  const plain = await trusted.inject({ url: '/health/live', headers: { 'x-forwarded-proto': 'http' } });
  t.notOk(plain.headers['strict-transport-security'], 'HTTP at the proxy: none');
  const untrusted = await buildTestApp(t);
  const forged = await untrusted.inject({ url: '/health/live', headers: { 'x-forwarded-proto': 'https' } });
  t.notOk(forged.headers['strict-transport-security'], 'the header from an untrusted peer is ignored');
});
