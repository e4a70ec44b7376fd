export * from './scopes.js';
export * from './errors.js';
export * from './wire.js';
export * from './pkce.js';
export * from './e2ee.js';
export * from './singpass/index.js';
