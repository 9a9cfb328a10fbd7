// The command's look at its machine in words, for the terminal ("Looked at this machine: …"). Pure.
import { hostPort } from '../domain/describe.js';
import type { Facts, Family, LocalLook } from '../domain/types.js';
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

const family = (address: string): Family => (address.includes(':') ? 6 : 4);

/**
 * The addresses port `port` listens on here when they are all loopback and of one family, else null. Only then
 * can what `localhost` resolves to first decide whether a client is refused, so only then is it looked up for
 * a typed loopback target (look.ts).
 */
export function oneLoopbackFamily(listening: LocalLook['listening'], port: number): { family: Family; addresses: string[] } | null {
  const onPort = (listening ?? []).filter((s) => s.port === port);
  // An unspecified address (0.0.0.0, ::) is not loopback: it takes either family's loopback.
  if (onPort.length === 0 || !onPort.every((s) => isLoopbackHost(s.address))) return null;
  const families = new Set(onPort.map((s) => family(s.address)));
  if (families.size !== 1) return null;
  return { family: family(onPort[0]!.address), addresses: onPort.map((s) => s.address) };
}

/** The family-mismatch story the look alone can tell: the port listens on one loopback, localhost means the other first. */
function familyNote(look: LocalLook, port: number): string | null {
  const first = Array.isArray(look.localhost) ? look.localhost[0] : undefined;
  const only = first ? oneLoopbackFamily(look.listening, port) : null;
  if (!first || !only || only.family === first.family) return null;
  return `port ${port} listens on ${only.addresses.join(', ')} only, and localhost here is ${first.address} first: a client that tries only the first address is refused`;
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
  else if (look.localhost === 'not-looked-up')
    lines.push("localhost: not looked up (it matters only when a loopback target's port listens on one family's loopback alone)");
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
      const note = familyNote(look, port);
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
