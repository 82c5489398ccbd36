import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh private directory under the OS temp dir. */
export function tempDir(prefix = 'capstan-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
