export { appendAllToOutbox, appendToOutbox } from './outbox.js';
export { outboxRelay, relayBacklog, relayMigrations, type EventPublisher, type OutboxMessage, type OutboxRelay, type RelayMetrics } from './relay.js';
export { ensureTopic, FILE_EVENTS_TOPIC, kafkaPublisher, type KafkaPublisher } from './kafka-publisher.js';
export { outboxHasRowsAfterCursor, outboxHorizon, readOutbox, untilCommittedRowsReadable, type OutboxCursor, type OutboxRow } from './read-outbox.js';
