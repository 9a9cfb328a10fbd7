// The bootstrap server answers, then hands the client the address the broker advertises; when that is
// localhost (or an in-cluster name), clients elsewhere connect to themselves.
import { hostPort } from '../domain/describe.js';
import { anyOs, composeExec } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

export const kafkaAdvertisedListener: Rule = {
  id: 'kafka-advertised-listener',
  title: 'Kafka: {target} is not reachable from the client; check the advertised listeners',
  explanation:
    'A Kafka client uses its bootstrap servers only to fetch metadata; after that it connects to each broker at the ' +
    'address the broker advertises (advertised.listeners). If a broker advertises localhost:9092, or a name that only ' +
    'resolves inside Docker or Kubernetes, every client on another machine or in another container connects to ' +
    'itself and is refused, even though the bootstrap address works. The usual fix is one listener per audience: ' +
    'an internal one with the in-network name and an external one with the name or address outside clients use.',
  steps: [
    {
      text: 'Ask the cluster which addresses its brokers advertise (the client gets exactly these):',
      commands: [anyOs('kcat -b {endpoint} -L'), anyOs('kafka-broker-api-versions.sh --bootstrap-server {endpoint}')],
    },
    {
      text: 'On the broker, read the listener settings (config/server.properties under the Kafka directory; config/kraft/server.properties for KRaft on Kafka 3.x):',
      commands: [anyOs("grep -E '^(listeners|advertised.listeners|listener.security.protocol.map|inter.broker.listener.name)=' config/server.properties")],
    },
    {
      text: 'In Docker, set both listeners through the environment, e.g. KAFKA_LISTENERS=INTERNAL://0.0.0.0:29092,EXTERNAL://0.0.0.0:9092 and KAFKA_ADVERTISED_LISTENERS=INTERNAL://kafka:29092,EXTERNAL://localhost:9092, plus KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT and KAFKA_INTER_BROKER_LISTENER_NAME=INTERNAL (Bitnami images spell them KAFKA_CFG_…); publish 9092, then recreate the container:',
      commands: [composeExec('kafka', 'env | grep -i listeners'), anyOs('docker compose up -d --force-recreate kafka')],
    },
    { text: 'Clients in the same Docker network use the internal listener (kafka:29092); clients on the host or elsewhere use the external one.' },
  ],
  docs: 'https://kafka.apache.org/documentation/#brokerconfigs_advertised.listeners',
  when({ facts, view }) {
    const broker = hasHint(facts, 'kafka-broker');
    const bootstrap = hasHint(facts, 'kafka-bootstrap');
    // kafka-python's NoBrokersAvailable: the bootstrap name resolved, yet no broker it was handed answered.
    if (hasHint(facts, 'kafka-no-brokers') && !broker) {
      return { confidence: 0.7, evidence: ['NoBrokersAvailable: the client found no broker it could talk to; brokers that advertise localhost (or a name only they know) give exactly this'] };
    }
    const kafkaOnLoopback = facts.service === 'kafka' && view.loopback;
    if (!broker && !bootstrap && !kafkaOnLoopback) return null;
    const where = facts.host ? hostPort(facts.host, facts.port) : 'a broker';
    const evidence = [
      broker
        ? `the client was sent to broker ${where} by the cluster's metadata`
        : bootstrap
          ? `${where} is a bootstrap address (node -1): the listeners it advertises matter once it answers`
          : `a Kafka client connecting to ${where}`,
      ...view.refused.map((a) => a.line),
    ];
    // A broker (not the bootstrap) address coming back unreachable is the advertised-listener story even inside
    // a container. A failed bootstrap connection (node -1) comes before any metadata: the broker is not there
    // (not running, another port, not published), so the listeners are only the next thing to check.
    return { confidence: broker ? 0.95 : bootstrap ? 0.4 : 0.5, evidence };
  },
};
