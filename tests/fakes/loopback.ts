import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a fake API server on a free port of 127.0.0.1. `close()` also ends requests it left open (silence). */
export async function listenOnLoopback(server: http.Server): Promise<{ origin: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
