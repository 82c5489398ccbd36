#!/usr/bin/env node
/**
 * Builds what `npm start` runs: `tsc -p tsconfig.build.json` (src/ and plugins/ to dist/, plugin tests left
 * out) plus the files the server reads from disk next to its code (the SQL migrations, any other non-.ts file
 * under src/ and plugins/). Run by `npm ci` (prepare) and before every `npm start` (prestart); it skips the
 * build when dist/ was made from exactly the files there now (paths, sizes and mtimes), so a start costs a few
 * milliseconds unless the sources changed. `--force` always builds.
 *
 * Several starts at once (the tests spawn servers in parallel) take one lock; the new tree is built aside and
 * swapped in by rename, so a server starting meanwhile never reads half-written files.
 * Type errors do not stop the build (as under tsx); `npm run typecheck` is the gate for them.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = '.build-stamp';
const LOCK = join(ROOT, '.dist.lock');
const SOURCES = ['src', 'plugins'];
const FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.mjs'];
const force = process.argv.includes('--force');

/** Every build input under a source dir (plugin tests are no input). */
function walk(dir, out = []) {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) { if (d.name !== 'test' && d.name !== 'node_modules') walk(p, out); } else out.push(p);
  }
  return out;
}

function inputs() {
  return [...SOURCES.flatMap((s) => walk(join(ROOT, s))), ...FILES.map((f) => join(ROOT, f)).filter((f) => existsSync(f))].sort();
}

function fingerprint(files) {
  const h = createHash('sha256');
  for (const f of files) { const s = statSync(f); h.update(`${relative(ROOT, f)}\0${s.size}\0${s.mtimeMs}\n`); }
  return h.digest('hex');
}

const upToDate = (fp) => !force && existsSync(join(DIST, STAMP)) && readFileSync(join(DIST, STAMP), 'utf8') === fp;
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function lock() {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A build killed midway leaves its lock: no build takes 10 minutes.
      try { if (Date.now() - statSync(LOCK).mtimeMs > 10 * 60_000) rmSync(LOCK, { recursive: true, force: true }); } catch { /* gone */ }
      if (Date.now() > deadline) throw new Error(`build lock ${LOCK} held for 5 minutes`);
      sleep(200);
    }
  }
}

function build(fp) {
  const tmp = join(ROOT, `.dist-tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', tmp], { cwd: ROOT, encoding: 'utf8' });
  // 0: built; 1: built, with type errors; anything else: nothing usable was emitted.
  if (r.status !== 0 && r.status !== 1) {
    rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`tsc -p tsconfig.build.json failed (exit ${r.status})`);
  }
  if (r.status === 1) process.stderr.write(`capstan build: type errors (built anyway; run npm run typecheck):\n${r.stdout}`);
  // Files read from disk next to the code (migrations/*.sql, ...).
  for (const s of SOURCES) {
    for (const f of walk(join(ROOT, s))) {
      if (f.endsWith('.ts')) continue;
      const to = join(tmp, relative(ROOT, f));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(f, to);
    }
  }
  writeFileSync(join(tmp, STAMP), fp);
  const old = join(ROOT, `.dist-old-${process.pid}`);
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(tmp, DIST);
  rmSync(old, { recursive: true, force: true });
}

let fp = fingerprint(inputs());
if (!upToDate(fp)) {
  lock();
  try {
    // Another start may have built it while this one waited.
    fp = fingerprint(inputs());
    if (!upToDate(fp)) {
      const t0 = Date.now();
      build(fp);
      process.stderr.write(`capstan build: dist/ built in ${Date.now() - t0} ms\n`);
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
