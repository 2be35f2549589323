export * from './app-events.js';
export * from './file-events.js';
export * from './share-events.js';
export * from './usage-alert-events.js';
