import assert from 'node:assert/strict';
import type { Check } from '../shipped.ts';

export const protocolChecks: Check[] = [
  {
    name: 'import from the installed package (ESM)',
    async run(project) {
      const script =
        "import { SCOPES, PATHS, issuerFor, s256Challenge } from 'sgid-protocol';" +
        "console.log(JSON.stringify({ scopes: SCOPES.length, token: PATHS.token, issuer: issuerFor('https://api.id.gov.sg'), " +
        "challenge: await s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') }))";
      const result = await project.node(['--input-type=module', '-e', script]);
      assert.equal(result.code, 0, result.stderr);
      const out = JSON.parse(result.stdout) as { scopes: number; token: string; issuer: string; challenge: string };
      assert.ok(out.scopes > 20, `the scope catalog: ${out.scopes} scopes`);
      assert.equal(out.token, '/v2/oauth/token');
      assert.equal(out.issuer, 'https://api.id.gov.sg/v2');
      assert.equal(out.challenge, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'); // RFC 7636 appendix B
    },
  },
];
