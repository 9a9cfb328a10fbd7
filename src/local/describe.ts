// The command's look at its machine in words, for the terminal ("Looked at this machine: …"). Pure.
import { hostPort } from '../domain/describe.js';
import type { Facts, LocalLook } from '../domain/types.js';
import { isUnspecified } from '../policy/index.js';
import { answerClauses } from '../rules/questions.js';
import { isLoopbackHost } from '../rules/view.js';
import { ranHere } from './answers.js';

/** Other listening ports named before "…". */
const MAX_PORTS_SHOWN = 24;

const KIND_WORDS: Record<NonNullable<LocalLook['container']>['kind'], string> = {
  docker: 'a Docker container',
  podman: 'a Podman container',
  kubernetes: 'a Kubernetes pod',
  container: 'a container',
};

const family = (address: string) => (address.includes(':') ? 6 : 4);

/** The family-mismatch story the look alone can tell: the port listens on one loopback, localhost means the other first. */
function familyNote(look: LocalLook, port: number, onPort: { address: string }[]): string | null {
  const first = look.localhost?.[0];
  if (!first || onPort.length === 0 || onPort.some((s) => isUnspecified(s.address))) return null;
  const loopbacks = onPort.filter((s) => isLoopbackHost(s.address));
  if (loopbacks.length !== onPort.length) return null;
  const families = new Set(loopbacks.map((s) => family(s.address)));
  if (families.size !== 1 || families.has(first.family)) return null;
  return `port ${port} listens on ${loopbacks.map((s) => s.address).join(', ')} only, and localhost here is ${first.address} first: a client that tries only the first address is refused`;
}

export function lookLines(look: LocalLook, facts: Facts): string[] {
  const lines: string[] = [];
  lines.push(
    look.container
      ? `this is ${KIND_WORDS[look.container.kind]} (${look.container.clues.join('; ')})`
      : 'no sign of a container (/.dockerenv, /run/.containerenv, /proc/1/cgroup, KUBERNETES_SERVICE_HOST)',
  );
  lines.push(look.proxy.length > 0 ? `proxy variables: ${look.proxy.map((p) => `${p.name}=${p.value}`).join(' · ')}` : 'proxy variables: none set');
  if (look.localhost === null) lines.push('localhost: could not be resolved here');
  else if (look.localhost.length > 0) {
    const all = look.localhost.map((a) => a.address);
    lines.push(`localhost → ${all.join(', ')}${all.length > 1 ? ` (${all[0]} first)` : ''}`);
  }
  if (look.listening === null) lines.push('listening ports: not read (only on Linux, from /proc/net/tcp)');
  else {
    const port = facts.port;
    if (port !== null && (isLoopbackHost(facts.host) || facts.host === null)) {
      const onPort = look.listening.filter((s) => s.port === port);
      lines.push(onPort.length > 0 ? `port ${port} listens here on ${onPort.map((s) => s.address).join(', ')}` : `nothing listens on port ${port} here`);
      const note = familyNote(look, port, onPort);
      if (note) lines.push(note);
    }
    const ports = [...new Set(look.listening.map((s) => s.port))];
    const shown = ports.slice(0, MAX_PORTS_SHOWN).join(', ');
    lines.push(
      ports.length === 0 ? 'listening TCP ports: none' : `listening TCP ports: ${shown}${ports.length > MAX_PORTS_SHOWN ? ` … (${ports.length} in all)` : ''}`,
    );
  }
  const said = answerClauses(facts.answers);
  if (said.length > 0) {
    const target = facts.host ? ` for ${hostPort(facts.host, facts.port)}` : '';
    lines.push(`so${target}: ${said.join('; ')}${ranHere(look, facts) ? ' (taking the error to come from this machine; --no-local leaves this out)' : ''}`);
  }
  return lines;
}
