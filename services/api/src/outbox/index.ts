export { appendToOutbox } from './outbox.js';
