/** Loopback ports for the kit's fake HQ when it must name them before it binds them. */
import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * `n` distinct free loopback ports. Every probe socket stays bound until all are known, so no two
 * are the same; another process may still take one before the kit binds it, so the caller binds
 * with a retry on EADDRINUSE (and new ports).
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
