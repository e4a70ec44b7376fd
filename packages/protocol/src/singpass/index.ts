export * from './wire.js';
export * from './myinfo.js';
export * from './jwks.js';
