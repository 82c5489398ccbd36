#!/usr/bin/env node
// Reads TAP (tap -R tap) on stdin, copies it to stdout, and prints the closing line CI reads:
// `N passed, N failed, N skipped`, counting leaf assertions (subtest summary lines are not counted twice).
// Usage: tap -R tap | node scripts/tap-summary.mjs <exit-code-file>
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';

const RESULT = /^(\s*)(not ok|ok)\b(.*)$/;
let passed = 0, failed = 0, skipped = 0;
let prevIndent = -1; // indent of the previous meaningful line (results, plans, bail-outs)
let inYaml = -1;     // indent of an open YAML diagnostics block, or -1

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  process.stdout.write(line + '\n');
  const indent = line.length - line.trimStart().length;
  const t = line.trim();
  if (inYaml >= 0) { if (t === '...' && indent === inYaml) inYaml = -1; continue; }
  if (t === '---') { inYaml = indent; continue; }
  if (t === '' || t.startsWith('#')) continue;
  const m = RESULT.exec(line);
  if (m) {
    const summary = prevIndent > indent; // children were printed just before: a subtest's own line
    const directive = m[3];
    if (!summary) {
      if (/#\s*(SKIP|skip)/.test(directive)) skipped++;
      else if (/#\s*(TODO|todo)/.test(directive)) skipped++;
      else if (m[2] === 'ok') passed++;
      else failed++;
    }
    prevIndent = indent;
    continue;
  }
  prevIndent = indent;
}
// tap's exit code: a failure the TAP did not show as a leaf (crash, timeout) still counts as one.
const code = process.argv[2] ? Number(readFileSync(process.argv[2], 'utf8').trim() || '1') : 0;
if (code !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed ? 1 : 0;
