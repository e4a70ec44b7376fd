/**
 * The example as its tests run it: a provider (real SQLite, automation mode when a persona is
 * given), both clients registered with the example's JWKS URLs (the provider fetches them), and
 * the example listening on a free port.
 */
import { randomBytes } from 'node:crypto';
import { generateKeys } from 'singpass-client';
import { createSingpassClient } from '../../../packages/provider/src/portal/singpass-clients.ts';
import { freePort, startProvider, type TestProvider } from '../../../packages/provider/test/helpers/provider.ts';
import { LOGIN_SCOPES, MYINFO_SCOPES, startExample, type RunningExample } from '../src/index.ts';

export interface ExampleSetup {
  provider: TestProvider;
  example: RunningExample;
  close(): Promise<void>;
}

export async function setUpExample(options: { autoApprove?: string; names?: Record<'login' | 'myinfo', string> } = {}): Promise<ExampleSetup> {
  const provider = await startProvider(options.autoApprove ? { autoApprove: options.autoApprove } : {});
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const register = (appType: 'login' | 'myinfo', scopes: string[]) =>
    createSingpassClient(provider.store, {
      name: options.names?.[appType] ?? `Example ${appType} app`,
      description: 'The singpass-express example',
      appType,
      scopes: scopes.join(' '),
      redirectUris: [`${url}/${appType}/callback`],
      jwksUri: `${url}/${appType}/jwks.json`,
    });
  const [login, myinfo] = [await register('login', LOGIN_SCOPES), await register('myinfo', MYINFO_SCOPES)];
  const example = await startExample({
    issuer: `${provider.url}/fapi`,
    port,
    publicUrl: url,
    loginApp: { clientId: login.id, keys: (await generateKeys()).privateJwks },
    myinfoApp: { clientId: myinfo.id, keys: (await generateKeys()).privateJwks },
    cookieSecret: randomBytes(32).toString('base64url'),
    allowHttpLoopback: true,
    log: () => undefined,
  });
  return {
    provider,
    example,
    async close() {
      await example.close();
      await provider.close();
    },
  };
}
