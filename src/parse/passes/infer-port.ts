// The port nobody wrote: implied by the scheme or the service. A DNS failure takes it only from a scheme or from
// the tool or driver that failed (ssh → 22, a MySQL driver → 3306), not from a guess by port number. With no host
// at all (PHP's "SQLSTATE[HY000] [2002] Connection refused"), a service whose default port is nearly always the one
// used still names the port. Whatever was inferred gets a note saying so.
import type { Service } from '../../domain/types.js';
import type { Pass } from '../draft.js';
import { schemeInfo } from '../services.js';

// A port the reporter masked ("port 3xx", ":54**") is unknown, not the service's default.
const MASKED_PORT = /\bport:? ?\d{0,4}[xX*]{1,5}\b|:\d{0,4}[xX*]{2,5}(?![\w*])/;

// Services whose errors name no endpoint yet nearly always mean the default port.
const HOSTLESS_DEFAULT = new Set<Service>(['mysql', 'redis', 'postgres', 'mongodb', 'ssh', 'amqp']);

export const inferPort: Pass = (d, ctx) => {
  const { root, clientRule, kindHits } = ctx;
  // A wrapper of the same error a few lines away may name the driver (MySQL's "Communications link failure"
  // above "Connection refused: getsockopt").
  const toldService = root.service ?? d.borrowed?.service ?? clientRule?.service
    ?? kindHits.find((h) => h !== root && h.kind === d.kind && h.service && Math.abs(h.line - root.line) <= 6)?.service ?? null;
  const maskedPort = MASKED_PORT.test(ctx.lines[root.line] ?? '');
  if (d.port === null && !d.unixSocket && !maskedPort) {
    const fromScheme = d.scheme ? schemeInfo(d.scheme) : null;
    let implied: number | null = null;
    if (d.host && d.kind !== 'dns') implied = fromScheme?.port ?? (d.service ? defaultPort(d.service) : null);
    // An SRV name (_mongodb._tcp.cluster0…) is looked up for its records, not dialled on a port.
    else if (d.host && !d.host.startsWith('_')) implied = fromScheme?.port ?? (toldService ? defaultPort(toldService) : null);
    else if (!d.host && d.kind !== 'tls' && d.kind !== 'unix_socket' && toldService && HOSTLESS_DEFAULT.has(toldService)) implied = defaultPort(toldService);
    if (implied) {
      d.port = implied;
      d.portInferred = true;
    }
  }
  if (d.portInferred && d.port !== null) d.notes.push(`port ${d.port} inferred from ${d.scheme ? `${d.scheme}://` : d.service ?? 'the service'}`);
};

function defaultPort(service: Service): number | null {
  const map: Partial<Record<Service, number>> = {
    postgres: 5432, mysql: 3306, redis: 6379, mongodb: 27017, kafka: 9092, amqp: 5672, elasticsearch: 9200, ssh: 22,
  };
  // http, grpc, docker and kubernetes-api have no single default worth guessing without a scheme.
  return map[service] ?? null;
}
