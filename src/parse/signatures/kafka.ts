// Kafka clients: the Java client (node -1 is a bootstrap server, a real id a broker it was told about) and kafka-python.
import { byNumber, ep, merge } from '../patterns.js';
import type { Signature } from './row.js';

export const KAFKA: readonly Signature[] = [
  {
    // Kafka: Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Broker may not be available.
    id: 'kafka-node', runtime: 'java', client: 'kafka-clients', service: 'kafka', kind: 'refused', weight: 2, pre: 'connection to node',
    re: /Connection to node (-?\d{1,10}) (?:\(([^)\s]{0,300})\) )?could not be established/,
    extract: (m) => {
      const node = Number(m[1]);
      return { ...ep(m[2]), errno: 'ECONNREFUSED', hints: [node < 0 ? 'kafka-bootstrap' : 'kafka-broker'] };
    },
  },
  {
    // Kafka: Bootstrap broker localhost:9092 (id: -1 rack: null) disconnected
    id: 'kafka-bootstrap-broker', runtime: 'java', client: 'kafka-clients', service: 'kafka', kind: null, weight: 0, pre: 'bootstrap broker',
    re: /Bootstrap broker ([^\s]{1,300}) \(id: -?\d{1,10}/,
    extract: (m) => ({ ...ep(m[1]), hints: ['kafka-bootstrap'] }),
  },
  {
    // kafka-python: connect attempt to localhost:9092 returned error 111. Disconnecting.
    id: 'kafka-python-connect', runtime: 'python', client: 'kafka-python', service: 'kafka', kind: null, weight: 3, pre: 'connect attempt to',
    re: /connect attempt to ([^\s]{1,300}) returned error (-?\d{1,5})/,
    extract: (m) => merge(byNumber(m[2]), ep(m[1])),
  },
  {
    // kafka-python: kafka.errors.NoBrokersAvailable — no broker it was told about (or bootstrapped to) answered;
    // with a bootstrap that resolves, usually the addresses the brokers advertise.
    id: 'kafka-python-no-brokers', runtime: 'python', client: 'kafka-python', service: 'kafka', kind: 'refused', weight: 2, pre: 'nobrokersavailable',
    re: /\bNoBrokersAvailable\b/,
    extract: () => ({ errno: null, hints: ['kafka-no-brokers'] }),
  },
];
