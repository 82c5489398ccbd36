/** src/core/tool-url.ts: a tool's base URL checked at start, and Retry-After read in both forms. */
import t from 'tap';
import { checkToolUrl, retryAfterMs } from '../../src/core/tool-url.js';

const rules = { key: 'plugins.x.url', credentialsIn: 'plugins.x.token' };

t.test('checkToolUrl: http(s), no credentials, plain HTTP on loopback only unless allowed', async (t) => {
  t.equal(checkToolUrl('https://ci.example.com/jenkins/', rules).pathname, '/jenkins/');
  t.equal(checkToolUrl('http://127.0.0.5:8080', rules).port, '8080');
  t.equal(checkToolUrl('http://[::1]:8080', rules).hostname, '[::1]');
  t.throws(() => checkToolUrl('not a url', rules), { code: 'CAPSTAN_ERR_CONFIG_INVALID', message: /plugins.x.url is not a URL/ });
  t.throws(() => checkToolUrl('ftp://ci.example.com', rules), /plugins.x.url must be http\(s\)/);
  t.throws(() => checkToolUrl('https://u:p@ci.example.com', rules), /must not carry credentials: use plugins.x.token/);
  t.throws(() => checkToolUrl('http://ci.example.com', rules), /plain HTTP is accepted on loopback only \(the token would travel unencrypted\)/);
  t.throws(() => checkToolUrl('http://ci.example.com', { ...rules, exposes: 'the password' }), /the password would travel/);
  t.equal(checkToolUrl('http://ci.example.com', { ...rules, allowPlainHttp: true }).host, 'ci.example.com');
});

t.test('retryAfterMs: delay-seconds or an HTTP-date; nothing readable is undefined', async (t) => {
  t.equal(retryAfterMs('3'), 3000);
  t.equal(retryAfterMs(' 0 '), 0);
  t.equal(retryAfterMs('Mon, 30 Nov 2026 01:00:05 GMT', Date.parse('2026-11-30T01:00:00Z')), 5000);
  t.equal(retryAfterMs('Mon, 30 Nov 2026 00:59:00 GMT', Date.parse('2026-11-30T01:00:00Z')), 0, 'a date in the past: at once');
  t.equal(retryAfterMs(null), undefined);
  t.equal(retryAfterMs(''), undefined);
  t.equal(retryAfterMs('soon'), undefined);
});
