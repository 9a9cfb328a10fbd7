import { kafkaAdvertisedListener } from '../../src/rules/kafka-advertised-listener.js';
import { ctx, facts, noProbe, ruleCases, tcp } from './helpers.js';

const broker = facts({ host: 'localhost', port: 9092, service: 'kafka', client: 'kafka-clients', hints: ['kafka-broker'] });

ruleCases(kafkaAdvertisedListener, {
  fires: [
    { name: 'the kafka-broker hint', ctx: ctx(broker, [], noProbe(broker)), min: 0.9, evidence: /metadata/ },
    { name: 'the kafka-bootstrap hint, probed and refused', ctx: ctx(facts({ host: 'localhost', port: 9092, service: 'kafka', hints: ['kafka-bootstrap'] }), [tcp('127.0.0.1', 'refused', { host: 'localhost', port: 9092 })]), min: 0.3, max: 0.5, evidence: /→ refused/ },
    { name: 'kafka on localhost without a hint', ctx: ctx(facts({ host: 'localhost', port: 9092, service: 'kafka' }), [], noProbe(broker)), min: 0.4, max: 0.6 },
  ],
  quiet: [
    { name: 'kafka on a real host without a hint', ctx: ctx(facts({ host: 'kafka.corp', port: 9092, service: 'kafka' }), [], noProbe(broker)) },
    { name: 'not kafka', ctx: ctx(facts({ host: 'localhost' }), [], noProbe(broker)) },
  ],
});
