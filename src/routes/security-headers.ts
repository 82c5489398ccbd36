/**
 * Security headers on every answer (@fastify/helmet), chosen for a JSON API whose only HTML is Swagger UI:
 *
 * - `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'`: an answer loads nothing and is
 *   framed by no page (a JSON or problem body opened in a browser cannot run anything). Swagger UI (/docs)
 *   gets its own policy, DOCS_CSP: scripts, styles, images and fetches from this server only.
 * - `X-Frame-Options: DENY` (older browsers' frame-ancestors), `X-Content-Type-Options: nosniff`,
 *   `Referrer-Policy: no-referrer`, `Cross-Origin-Opener-Policy` and `Cross-Origin-Resource-Policy:
 *   same-origin` (CORS requests are governed by `cors.origins`, not by it), `X-DNS-Prefetch-Control: off`,
 *   `X-Download-Options`, `X-Permitted-Cross-Domain-Policies: none`, `Origin-Agent-Cluster`, and
 *   `X-XSS-Protection: 0` (the old filter is itself a hole).
 * - `Strict-Transport-Security: max-age=31536000` only on requests that came over HTTPS: the server speaks
 *   plain HTTP, so that means a TLS proxy in front that says so (`X-Forwarded-Proto: https`, believed only from
 *   a `trustProxy` proxy). Browsers ignore HSTS over HTTP anyway (RFC 6797 §8.1); no `includeSubDomains`, that
 *   is the domain owner's decision.
 */
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/** The answers' policy: nothing loads, nothing frames. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Swagger UI's policy (its HTML has no inline script or style; it fetches the document from /docs/json):
 * self-hosted scripts, styles, images (and its data: icons) and fetches, nothing else, never framed.
 */
export const DOCS_CSP = [
  "default-src 'none'", "base-uri 'none'", "connect-src 'self'", "font-src 'self' data:", "form-action 'none'",
  "frame-ancestors 'none'", "img-src 'self' data:", "object-src 'none'", "script-src 'self'", "script-src-attr 'none'", "style-src 'self'",
].join('; ');

export const HSTS = 'max-age=31536000';

export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Sent below, only over HTTPS.
    strictTransportSecurity: false,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });
}
