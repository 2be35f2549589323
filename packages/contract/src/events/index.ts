export * from './file-events.js';
export * from './share-events.js';
