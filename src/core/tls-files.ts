/**
 * What plugins talking HTTP(S) to a server of their own (PuppetDB, Puppetserver, ...) share: which host names are
 * loopback (where plain HTTP is acceptable), and reading the PEM files their `ca` / `cert` / `key` settings name.
 */
import { readFileSync } from 'node:fs';
import { Errors } from './errors.js';

/** True for a URL `hostname` on this machine: `localhost`, 127.0.0.0/8, `[::1]` (or `::1`). */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * Reads the files named by `files` (absent settings stay undefined).
 * @param configPath the settings' config path, e.g. `plugins.puppetdb`, for the error message
 * @throws Errors.Config naming `<configPath>.<key>`, the path and the reason (errno code) when a file cannot be read
 */
export function readTlsFiles(configPath: string, files: { ca?: string; cert?: string; key?: string }): TlsFiles {
  const read = (key: 'ca' | 'cert' | 'key') => {
    const path = files[key];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Errors.Config(`${configPath}.${key}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  };
  return { ca: read('ca'), cert: read('cert'), key: read('key') };
}
