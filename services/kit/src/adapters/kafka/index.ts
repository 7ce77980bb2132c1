export {
  createKafkaEventBus,
  KAFKA_BUS_DEFAULTS,
  type KafkaEventBusOptions,
} from './kafka-event-bus.js';
export { kafkaError, kafkaRetriable } from './kafkajs-errors.js';
