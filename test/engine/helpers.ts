// Shared by the engine tests: real loopback listeners and Facts built from the parser's own empty value.
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Facts } from '../../src/domain/types.js';
import { emptyFacts } from '../../src/parse/index.js';

export function facts(over: Partial<Facts>): Facts {
  return { ...emptyFacts(), kind: 'refused', ...over };
}

export interface Loopback {
  /** A port with a listener that accepts and closes at once. */
  openPort: number;
  /** A port that was just free: nothing listens there. */
  closedPort: number;
  close(): Promise<void>;
}

export async function loopback(): Promise<Loopback> {
  const server: Server = createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const tmp = createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  const closedPort = (tmp.address() as AddressInfo).port;
  await new Promise<void>((r) => tmp.close(() => r()));
  return {
    openPort: (server.address() as AddressInfo).port,
    closedPort,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
