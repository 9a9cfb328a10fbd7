// Probe agents (issue 14): a `refused agent` runs in another network (an office, a VPC, a cluster), dials out to
// the bot's /agents WebSocket, and runs the same engine on the jobs the bot sends it. These are the shapes both
// sides share; protocol.ts checks them on the wire.
import type { Diagnosis } from '../domain/types.js';

/** What one vantage point saw of one request: the bot itself, or an agent by its name. */
export interface VantageResult {
  /** 'here' for the bot's own probes (shown with the bot's vantage name), else the agent's name. */
  name: string;
  /** The bot's own probes, or an agent's. */
  kind: 'bot' | 'agent';
  /**
   * answered: a diagnosis came back. offline: the agent is not connected. timeout: no answer within the
   * deadline. refused: the agent's own policy would not probe the target (its diagnosis says so too).
   * error: the agent failed, or sent something that is not a diagnosis.
   */
  state: 'answered' | 'offline' | 'timeout' | 'refused' | 'error';
  /** Present when state is answered or refused. */
  diagnosis: Diagnosis | null;
  /** In words, for offline, timeout and error. */
  detail: string | null;
  /** From the job's sending to the answer (or to the deadline). */
  ms: number;
}

/** An agent as the bot knows it, for App Home and logs. */
export interface AgentInfo {
  name: string;
  connected: boolean;
  /** When it connected (or was last seen), ISO time. */
  since: string | null;
  /** Its remote address as the bot's socket sees it. */
  from: string | null;
  /** What the agent said of itself on hello: its version and host name. */
  version: string | null;
  host: string | null;
}
