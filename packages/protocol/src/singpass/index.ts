export * from './wire.js';
export * from './myinfo.js';
