/**
 * Startup benchmark (issue 14): spawns `npm start` (the README's command) with a temp data dir, times spawn ->
 * "Server listening", then reads the RSS of the server process (pid from its log line) and of the whole
 * process group (npm, sh, any launcher, the server) 1 s after it listens; 3 rounds, min / median / max.
 * Usage: npx tsx scripts/bench/startup.ts [rounds]
 */
import { execSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/helper.js';

const ROOT = join(import.meta.dirname, '..', '..');
const rounds = Number(process.argv[2] ?? 3);
const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const groupRssKiB = (pgid: number) => execSync(`ps -o rss= -g ${pgid}`, { encoding: 'utf8' }).split('\n').filter(Boolean).reduce((s, l) => s + Number(l), 0);

async function once(): Promise<{ ms: number; rss: number; group: number; main: string }> {
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CAPSTAN_PORT: '0', CAPSTAN_DATA_DIR: tempDir('capstan-bench-start-'), CAPSTAN_LOG_LEVEL: 'info' },
  });
  let out = '';
  const { ms, pid } = await new Promise<{ ms: number; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "Server listening" in 120 s:\n${out}`)), 120_000);
    const on = (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.includes('Server listening'));
      if (line) { clearTimeout(timer); resolve({ ms: performance.now() - t0, pid: JSON.parse(line).pid }); }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  await new Promise((r) => setTimeout(r, 1000));
  const rss = rssKiB(pid);
  const group = groupRssKiB(child.pid!);
  const main = execSync(`ps -o args= -p ${pid}`, { encoding: 'utf8' }).trim();
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.on('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
  return { ms, rss, group, main };
}

const rs = [];
for (let i = 0; i < rounds; i++) rs.push(await once());
const mmm = (xs: number[], d = 0) => { const s = [...xs].sort((a, b) => a - b); return `${s[0].toFixed(d)} / ${s[Math.floor(s.length / 2)].toFixed(d)} / ${s[s.length - 1].toFixed(d)}`; };
console.log(`npm start, ${rounds} rounds (min / median / max): spawn -> "Server listening" ${mmm(rs.map((r) => r.ms))} ms; `
  + `server process RSS 1 s after listening ${mmm(rs.map((r) => r.rss / 1024), 1)} MiB; whole process group (npm + launcher + server) ${mmm(rs.map((r) => r.group / 1024), 1)} MiB`);
console.log(`server process: ${rs[0].main}`);
