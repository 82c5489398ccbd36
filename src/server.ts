/**
 * The process: loadConfig -> buildApp -> listen -> graceful close. The only place that calls process.exit.
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfig } from './config/load.js';
import { CapstanError, Errors } from './core/errors.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    const e = err as CapstanError;
    process.stderr.write(`capstan: ${e.message}\n`);
    process.exit(2);
  }
  let app;
  try {
    app = await buildApp(config);
  } catch (err) {
    // Unusable data (corrupt, truncated, deleted under its WAL): one line saying which file and what to do.
    if (!(err instanceof Errors.StoreUnusable)) throw err;
    process.stderr.write(`capstan: ${err.message}\n`);
    process.exit(2);
  }
  // Ending runs takes the cancel grace (SIGTERM -> SIGKILL) plus a few seconds of settling: the graceful stop
  // must never give up before, or it exits 1 and leaves rows `running`.
  closeWithGrace({ delay: Math.max(15_000, config.execution.cancelGraceMs + 10_000) }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing');
    await app.close();
  });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    app.log.error({ err }, 'could not start');
    await app.close().catch(() => {});
    process.exit(1);
  }
}

void main();
