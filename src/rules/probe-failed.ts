// The probes could not run: the machine doing them was out of file descriptors, buffers or memory (EMFILE at
// `ulimit -n`, ENFILE, ENOBUFS, ENOMEM) or its own socket queue was full. Nothing left this machine, so this
// says nothing about the target: say that, and "try again", instead of a cause made from a broken probe.
import { describeEvidence } from '../domain/describe.js';
import type { Rule } from './types.js';
import { localFailure } from './view.js';

const RESOURCE: Record<string, string> = {
  EMFILE: 'file descriptors (open files and sockets)',
  ENFILE: 'file descriptors (open files and sockets)',
  ENOBUFS: 'network buffers',
  ENOMEM: 'memory',
  ESOCKETLIMIT: 'socket slots (too many probes at once)',
};

const MEANING: Record<string, string> = {
  EMFILE: 'EMFILE: the probing process has as many files and sockets open as its limit allows (ulimit -n); the connection never left this machine',
  ENFILE: 'ENFILE: the whole machine is out of file descriptors; the connection never left it',
  ENOBUFS: 'ENOBUFS: the kernel had no buffer space for another socket; the connection never left this machine',
  ENOMEM: 'ENOMEM: the kernel had no memory for another socket; the connection never left this machine',
  ESOCKETLIMIT: 'ESOCKETLIMIT: too many probes were already waiting for a socket on this machine; this one was turned away',
};

export const probeFailed: Rule = {
  id: 'probe-failed',
  title: 'The check could not run: the machine probing {target} ran out of {resource}',
  explanation:
    'The connections the probes tried failed on the probing machine itself ({errnos}), before a packet left it. ' +
    'That says nothing about {target}: it may be up or down, listening or not. The process running this tool had ' +
    'too many files and sockets open (or the machine was short of memory or buffers) at that moment. Try again in a ' +
    'minute; if it keeps happening, whoever runs this tool should look at its open-file limit and what holds its sockets.',
  steps: [
    { text: 'Try again in a minute: a busy moment on the probing machine usually passes.' },
    {
      text: 'Meanwhile, test the port yourself from the machine that failed:',
      commands: [
        { run: 'nc -vz -w 3 {host} {port}', os: 'linux' },
        { run: 'nc -vz -G 3 {host} {port}', os: 'macos' },
        { run: 'Test-NetConnection {host} -Port {port}', os: 'windows' },
      ],
    },
    {
      text: 'If it keeps happening, whoever runs this tool can check its open-file limit and how many descriptors it holds:',
      commands: [
        { run: 'ulimit -n; cat /proc/sys/fs/file-nr', os: 'linux' },
        { run: 'ls /proc/<pid>/fd | wc -l', os: 'linux' },
        { run: 'ulimit -n; sysctl kern.num_files kern.maxfiles', os: 'macos' },
        { run: 'Get-Process node | Select-Object Id, HandleCount', os: 'windows' },
      ],
    },
  ],
  when({ evidence, view }) {
    const errnos: string[] = [];
    const lines: string[] = [];
    for (const e of evidence) {
      const errno = localFailure(e);
      if (errno === null) continue;
      if (!errnos.includes(errno)) errnos.push(errno);
      if (lines.length < 4) lines.push(describeEvidence(e));
    }
    if (errnos.length === 0) return null;
    return {
      // Nothing reached the target: this is the answer. Some probes did: a note beside what they found.
      confidence: view.probed ? 0.5 : 0.95,
      evidence: [...errnos.map((c) => MEANING[c] ?? `${c}: the probing machine failed the attempt`), ...lines],
      vars: { resource: RESOURCE[errnos[0]!] ?? 'resources', errnos: errnos.join(', ') },
    };
  },
};
