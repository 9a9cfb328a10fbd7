// The ONE place that turns a socket failure into a TcpOutcome. Everything that connects (tcp, banner, tls,
// http, nearby, unix) asks this function, so "what counts as refused" is decided once.
import type { TcpOutcome } from '../domain/types.js';

export interface SocketErrorClass {
  outcome: TcpOutcome;
  /** The code as the platform (or our own timer) gave it: ECONNREFUSED, ETIMEDOUT, ABORT_ERR …; null when none. */
  errno: string | null;
}

const BY_CODE: Readonly<Record<string, TcpOutcome>> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  // c-ares spelling, and the codes Node and undici use for their own connect timers.
  ETIMEOUT: 'timeout',
  ERR_SOCKET_CONNECTION_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  // Our own deadline / the caller's AbortSignal: the attempt was still pending, which is all we know.
  ABORT_ERR: 'timeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  // This machine out of descriptors, buffers or memory (isLocalFailure): the attempt failed before the network.
  EMFILE: 'error',
  ENFILE: 'error',
  ENOBUFS: 'error',
  ENOMEM: 'error',
  ESOCKETLIMIT: 'error',
  // This machine would not make the connection (isLocalPolicy): a security module, a sandbox, a local filter. Not
  // the target refusing, so never 'refused'; what it means is the permission-denied rule's to say.
  EPERM: 'error',
  EACCES: 'error',
  // No free source port (or no source address) for the connection here: nothing was sent either.
  EADDRNOTAVAIL: 'error',
};

/**
 * Failures of the probing machine itself: no descriptor, buffer or memory for a new socket (the process at its
 * `ulimit -n`, the whole machine out of files), or our own socket queue full. The connection never left this
 * machine, so the outcome says nothing about the target; rules must not read it as the target's answer.
 */
const LOCAL_FAILURES: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'ESOCKETLIMIT']);

/** True when `errno` (as classifySocketError keeps it) is this machine failing, not the network answering. */
export function isLocalFailure(errno: string | null | undefined): boolean {
  return errno !== null && errno !== undefined && LOCAL_FAILURES.has(errno);
}

/**
 * True when `errno` says a policy on this machine refused the connect before anything was sent: EPERM (a seccomp or
 * cgroup filter, a firewall hook) always; EACCES (SELinux, AppArmor, Landlock, a sandbox) on IPv4. Over IPv6 the kernel
 * also reports a router's ICMPv6 "administratively prohibited" as EACCES, so there it may be the network's answer
 * (family null: unknown, read as IPv4 would be).
 */
export function isLocalPolicy(errno: string | null | undefined, family: 4 | 6 | null = null): boolean {
  if (errno === 'EPERM') return true;
  return errno === 'EACCES' && family !== 6;
}

/** A symbolic errno written inside a message ("connect ECONNREFUSED 127.0.0.1:5432") when no code is set. */
const ERRNO_IN_TEXT = /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/;

interface ErrorLike {
  code?: unknown;
  errno?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function codeOf(err: unknown, depth: number): string | null {
  if (err === null || err === undefined || depth > 4) return null;
  if (typeof err === 'string') return ERRNO_IN_TEXT.exec(err)?.[1] ?? null;
  if (typeof err !== 'object') return null;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && e.code !== '') {
    // undici's generic socket/connect wrappers hide the platform code on `cause`; prefer that one.
    if ((e.code === 'UND_ERR_SOCKET' || e.code === 'UND_ERR_CONNECT') && e.cause) return codeOf(e.cause, depth + 1) ?? e.code;
    return e.code;
  }
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return e.name === 'TimeoutError' ? 'ETIMEDOUT' : 'ABORT_ERR';
  // fetch() throws TypeError('fetch failed') with the real error on `cause`.
  if (e.cause) {
    const inner = codeOf(e.cause, depth + 1);
    if (inner) return inner;
  }
  if (typeof e.message === 'string') return ERRNO_IN_TEXT.exec(e.message)?.[1] ?? null;
  return null;
}

function classifyOne(err: unknown, depth: number): SocketErrorClass {
  const errno = codeOf(err, depth);
  return { outcome: errno ? (BY_CODE[errno] ?? 'error') : 'error', errno };
}

/**
 * Maps an errno, a Node error, an undici error or an AggregateError to an outcome, keeping the original code.
 * For an AggregateError (Node ≥ 20 trying each address of a name in turn) the errors usually agree; when they
 * do not, the first one with a known meaning wins, as Node itself puts the first error's code on the aggregate.
 */
export function classifySocketError(err: unknown): SocketErrorClass {
  if (err instanceof AggregateError || (typeof err === 'object' && err !== null && Array.isArray((err as ErrorLike).errors))) {
    const inner = ((err as ErrorLike).errors as unknown[]).slice(0, 16).map((e) => classifyOne(e, 1));
    const known = inner.find((c) => c.outcome !== 'error');
    if (known) return known;
    if (inner[0]) return inner[0];
  }
  return classifyOne(err, 0);
}
