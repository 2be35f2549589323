export { appendToOutbox } from './outbox.js';
export { outboxRelay, relayBacklog, relayMigrations, type EventPublisher, type OutboxMessage, type OutboxRelay } from './relay.js';
export { ensureTopic, FILE_EVENTS_TOPIC, kafkaPublisher } from './kafka-publisher.js';
export { readOutbox, type OutboxCursor, type OutboxRow } from './read-outbox.js';
