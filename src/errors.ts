// Every error this program throws on purpose, in one place, each with a stable `code` a caller can switch on
// (and a log line can carry) instead of a class name or a message. A refused connection is never one of these:
// the probes return it as evidence. These are what stops a command, a start, or one diagnosis.

/** A command line that cannot be read (exit 2). */
export class UsageError extends Error {
  readonly code = 'EUSAGE';
  override name = 'UsageError';
}

/** The bot cannot start: Slack refused a token, or the listener could not bind. */
export class StartError extends Error {
  readonly code = 'ESTART';
  override name = 'StartError';
}

/** An operator's rules file with mistakes: every problem, with where it is. */
export class RulesFileError extends Error {
  readonly code = 'ERULESFILE';
  override name = 'RulesFileError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the rules file:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A probe step ran out of time (connect, banner, TLS, HTTP, DNS); `code` says which errno it stands for. */
export class ProbeTimeoutError extends Error {
  override name = 'ProbeTimeoutError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Every socket slot of this process is taken and the waiting line is full. */
export class SocketLimitError extends Error {
  readonly code = 'ESOCKETLIMIT';
  override name = 'SocketLimitError';
  constructor(limit: number, queue: number) {
    super(`too many sockets in flight (${limit} open, ${queue} waiting); try again shortly`);
  }
}

/** The bot is shutting down: no new diagnosis starts. */
export class Draining extends Error {
  readonly code: string = 'EDRAINING';
  override name = 'Draining';
  constructor(message = 'the bot is shutting down') {
    super(message);
  }
}

/**
 * A diagnosis that had started when shutdown aborted it. Whatever the engine returned after the abort is
 * not an answer (a lookup cut short reads as "does not resolve"), so it is thrown away, never shown.
 */
export class Abandoned extends Draining {
  override readonly code = 'EABANDONED';
  override name = 'Abandoned';
  constructor() {
    super('the bot shut down before the diagnosis finished');
  }
}

/** Every slot is taken and the waiting line is full: the request is refused rather than queued. */
export class Busy extends Error {
  readonly code = 'EBUSY';
  override name = 'Busy';
  constructor(
    readonly running: number,
    readonly queued: number,
  ) {
    super(`busy: ${running} diagnoses running, ${queued} waiting`);
  }
}

/** A diagnosis outlived its hard deadline; its signal was aborted and its slot given back. */
export class DeadlineExceeded extends Error {
  readonly code = 'EDEADLINE';
  override name = 'DeadlineExceeded';
  constructor(readonly ms: number) {
    super(`the diagnosis took longer than ${ms} ms`);
  }
}

/** The store (REFUSED_STORE_URL) did not answer: not reachable, timed out, or its file stayed locked. */
export class StoreUnavailable extends Error {
  readonly code = 'ESTORE';
  override name = 'StoreUnavailable';
  constructor(
    readonly where: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
