export * from './care.js';
export * from './conversations.js';
export * from './errors.js';
export * from './events.js';
export * from './ids.js';
export * from './realtime.js';
export * from './visitors.js';
export * from './reports.js';
