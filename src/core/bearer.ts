/**
 * Reading credentials from a request: the one place that parses an Authorization header, so the auth check,
 * the audit trail and anything else that looks at a bearer token agree on what was sent.
 */

/**
 * The token of an Authorization header using the Bearer scheme (any case, RFC 9110 §11.1; one or more spaces
 * before the token, RFC 9110's `1*SP`), or undefined when the header is absent or uses another scheme.
 * Not validated: a caller must not key anything on it before the auth check has accepted it.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^bearer +(\S+) *$/i.exec(header ?? '');
  return m?.[1];
}
