/**
 * The docs' frontend (served on a second origin by the shared fixture) logs in through this demo's
 * backend: the contract of the docs' Express and Flask guides, in Chromium.
 */
import { randomBytes } from 'node:crypto';
import { docsContractSuite } from '../../shared/docs-frontend/contract.js';
import { startDemo } from '../src/index.js';

docsContractSuite('Express demo', async (env) =>
  startDemo({
    providerUrl: env.providerUrl,
    clientId: env.clientId,
    clientSecret: env.clientSecret,
    privateKey: env.privateKey,
    port: env.port,
    host: '127.0.0.1',
    publicUrl: env.url,
    frontendUrl: env.frontendUrl,
    cookieSecret: randomBytes(32).toString('base64url'),
    log: () => undefined,
  }),
);
