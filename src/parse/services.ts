// Well-known ports and URL schemes. The first port of each service is its default; plan.ts also reads
// the rest as "nearby" candidates, so keep each list short and ordered by how common it is.
import type { Service } from '../domain/types.js';

export const SERVICE_PORTS: Record<Service, number[]> = {
  postgres: [5432, 5433],
  mysql: [3306, 33060],
  redis: [6379, 6380],
  mongodb: [27017, 27018, 27019],
  kafka: [9092, 9093, 29092],
  http: [80, 8080, 443, 8000, 3000, 5000, 8443],
  grpc: [50051, 443],
  docker: [2375, 2376],
  'kubernetes-api': [6443, 8080, 443],
  ssh: [22, 2222],
  amqp: [5672, 5671],
  elasticsearch: [9200, 9300],
};

export interface SchemeInfo {
  service: Service;
  port: number;
  tls: boolean;
}

// Scheme → service, default port, TLS. Driver suffixes (postgresql+psycopg2) are cut before lookup.
const SCHEMES: Record<string, SchemeInfo> = {
  postgres: { service: 'postgres', port: 5432, tls: false },
  postgresql: { service: 'postgres', port: 5432, tls: false },
  pgsql: { service: 'postgres', port: 5432, tls: false },
  mysql: { service: 'mysql', port: 3306, tls: false },
  mariadb: { service: 'mysql', port: 3306, tls: false },
  redis: { service: 'redis', port: 6379, tls: false },
  rediss: { service: 'redis', port: 6379, tls: true },
  mongodb: { service: 'mongodb', port: 27017, tls: false },
  'mongodb+srv': { service: 'mongodb', port: 27017, tls: true },
  amqp: { service: 'amqp', port: 5672, tls: false },
  amqps: { service: 'amqp', port: 5671, tls: true },
  http: { service: 'http', port: 80, tls: false },
  https: { service: 'http', port: 443, tls: true },
  ws: { service: 'http', port: 80, tls: false },
  wss: { service: 'http', port: 443, tls: true },
  grpc: { service: 'grpc', port: 50051, tls: false },
  grpcs: { service: 'grpc', port: 443, tls: true },
  ssh: { service: 'ssh', port: 22, tls: false },
  kafka: { service: 'kafka', port: 9092, tls: false },
  elasticsearch: { service: 'elasticsearch', port: 9200, tls: false },
  docker: { service: 'docker', port: 2375, tls: false },
};

/** Service, default port and TLS for a URL scheme; null for a scheme we do not know. */
export function schemeInfo(scheme: string): SchemeInfo | null {
  let s = scheme.toLowerCase().replace(/:$/, '');
  if (s.startsWith('jdbc:')) s = s.slice(5);
  // postgresql+psycopg2, mysql+pymysql: the part before '+' names the protocol (mongodb+srv is itself a scheme).
  if (!(s in SCHEMES)) s = s.split('+')[0] ?? s;
  return SCHEMES[s] ?? null;
}

// A port belongs to the first service that lists it as its default, then to the first that lists it at all.
const PORT_OWNER = new Map<number, Service>();
for (const [service, ports] of Object.entries(SERVICE_PORTS) as [Service, number[]][]) {
  const first = ports[0];
  if (first !== undefined && !PORT_OWNER.has(first)) PORT_OWNER.set(first, service);
}
for (const [service, ports] of Object.entries(SERVICE_PORTS) as [Service, number[]][]) {
  for (const p of ports) if (!PORT_OWNER.has(p)) PORT_OWNER.set(p, service);
}

/** The service a port usually means (5432 → postgres); null when the port says nothing. */
export function serviceForPort(port: number): Service | null {
  return PORT_OWNER.get(port) ?? null;
}

/**
 * Whether a connection used TLS, given its scheme and what the text said. A scheme says "plain" only for protocols
 * whose TLS variant has its own scheme (http/https, redis/rediss, amqp/amqps, ws/wss); postgres:// or mysql:// may
 * still negotiate TLS, so they leave it unknown (null).
 */
export function tlsFor(scheme: string | null, tls: boolean | null): boolean | null {
  if (tls === true) return true;
  if (scheme && /^(?:http|ws|redis|amqp)$/.test(scheme)) return false;
  return null;
}
