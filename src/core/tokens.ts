/**
 * API tokens: the secret format, its hash, the built-in roles and the first admin token.
 *
 * A secret is `cap_` + 32 random bytes (256 bits) in base64url. Only its SHA-256 is stored: for a uniformly
 * random 256-bit secret a fast hash is enough (there is nothing to guess a dictionary from), and the store
 * (backups included) never holds a usable credential.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiTokenRow, TokenRepository } from '../store/types.js';
import { sha256Hex } from './hash.js';
import type { RoleBook } from './roles.js';
import type { Principal } from './types.js';

export const TOKEN_PREFIX = 'cap_';

/** The file the first admin token is written to, in the data dir. */
export const ADMIN_TOKEN_FILE = 'admin-token';

export function newSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** What the store keeps of a secret: its SHA-256 (hex). */
export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

/** The principal of a stored token: its roles (as the server's roles define them now) and its scope. */
export function tokenPrincipal(row: ApiTokenRow, roles: RoleBook): Principal {
  return { ...roles.principal(row.name, row.roles, row.scope), tokenId: row.id };
}

export type TokenCheck = { ok: true; row: ApiTokenRow } | { ok: false; reason: string };

/**
 * Finds the stored token of a presented secret. The lookup is by the secret's hash (an attacker who cannot
 * invert SHA-256 learns nothing from its timing); the hashes are then compared in constant time anyway.
 */
export function checkSecret(tokens: TokenRepository, secret: string, now = new Date()): TokenCheck | undefined {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
  const hash = hashSecret(secret);
  const row = tokens.byHash(hash);
  if (!row || !timingSafeEqual(Buffer.from(row.secretHash, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
  return checkSecretRow(row, now);
}

/** Whether a stored token is usable now: not revoked, not expired. */
export function checkSecretRow(row: ApiTokenRow, now = new Date()): TokenCheck {
  if (row.revokedAt) return { ok: false, reason: 'The bearer token was revoked.' };
  if (row.expiresAt && Date.parse(row.expiresAt) <= now.getTime()) return { ok: false, reason: 'The bearer token has expired.' };
  return { ok: true, row };
}

/** Creates a token; its secret is in the answer and nowhere else. */
export function createToken(tokens: TokenRepository, input: { name: string; owner: string; roles: string[]; scope?: string[]; expiresAt?: string }): { row: ApiTokenRow; secret: string } {
  const secret = newSecret();
  const row = tokens.create({
    id: randomUUID(), name: input.name, owner: input.owner, roles: [...new Set(input.roles)], scope: input.scope ? [...input.scope] : null,
    secretHash: hashSecret(secret), createdAt: new Date().toISOString(), expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
  });
  return { row, secret };
}

/**
 * The first start of a server with auth on and no token configured: creates an admin token and writes its
 * secret to `<dataDir>/admin-token` (mode 0600). Only when the store has never held a token, so a revoked or
 * deleted bootstrap token is never recreated behind the operator's back. The file is written before the row
 * is kept: if it cannot be written, no token exists that nobody knows.
 */
export function bootstrapAdminToken(tokens: TokenRepository, dataDir: string): { secret: string; file: string } | undefined {
  if (tokens.count() > 0) return undefined;
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  let secret = '';
  tokens.transaction(() => {
    secret = createToken(tokens, { name: 'admin', owner: 'bootstrap', roles: ['admin'] }).secret;
    // A stale file (from a data dir whose store was removed) is replaced, never reused: its token is gone.
    rmSync(file, { force: true });
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, `${secret}\n`);
    } finally {
      closeSync(fd);
    }
  });
  return { secret, file };
}
