/** Loopback ports for tests that start real servers or need a closed port. */
import { createServer } from 'node:net';

/** A loopback port nothing listens on: free a moment ago (use it at once, or as a port where nothing answers). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
