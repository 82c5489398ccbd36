/** Reads a recorded output under test/packages/fixtures/<manager>/ as lines (sources: SOURCES.md there). */
import { readFileSync } from 'node:fs';

export function lines(manager: string, file: string): string[] {
  const text = readFileSync(new URL(`./fixtures/${manager}/${file}`, import.meta.url), 'utf8');
  return text.replace(/\n$/, '').split('\n');
}
