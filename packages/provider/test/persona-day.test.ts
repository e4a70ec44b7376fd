/**
 * The built-in personas are computed for the Singapore date ("turns 18 today" is a Singapore
 * fact), on a running provider whose clock the test sets: from 00:00 to 08:00 in Singapore it
 * is still the day before in UTC, and the wallet must already offer the new day's people.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { decryptUserinfo } from 'sgid-protocol';
import type { EncryptedUserinfo } from 'sgid-protocol';
import { TestClock } from './helpers/clock.js';
import { authorizeUrl, getUserinfo, loginForTokens, pkcePair } from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { openQrPage } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const SCOPE = 'openid myinfo.date_of_birth myinfo.is_age_above_18 myinfo.is_age_above_21';

/** The persona picker of a fresh login: label → id, as a person sees it in the wallet. */
async function pickerPersonas(p: TestProvider, clientId: string): Promise<Map<string, string>> {
  const qr = await openQrPage(authorizeUrl(p, { id: clientId, redirectUris: [REDIRECT] }, { scope: SCOPE, code_challenge: (await pkcePair()).challenge }));
  const html = await (await fetch(qr.walletUrl)).text();
  const out = new Map<string, string>();
  for (const m of html.matchAll(/name="persona" value="([^"]+)"[\s\S]*?<span class="persona-label">([^<]+)<\/span>/g)) out.set(m[2]!, m[1]!);
  assert.ok(out.size >= 10, `persona picker not understood:\n${html.slice(0, 2000)}`);
  return out;
}

function find(personas: Map<string, string>, pattern: RegExp): { label: string; id: string } {
  const hit = [...personas].find(([label]) => pattern.test(label));
  assert.ok(hit, `no persona labelled ${pattern}: ${[...personas.keys()].join(' | ')}`);
  return { label: hit[0], id: hit[1] };
}

describe('built-in personas on a running provider follow the Singapore date', () => {
  test('just after midnight in Singapore (still yesterday in UTC) the birthday personas are born on the new day', async () => {
    const clock = new TestClock('2025-03-10T15:30:00Z'); // 23:30 on 10 March in Singapore
    const p = await startProvider({ clock });
    try {
      const creds = await p.createClient({ scopes: SCOPE, redirectUris: [REDIRECT] });
      const before = await pickerPersonas(p, creds.id);
      assert.match(find(before, /turns 18 today/).label, /born 2007-03-10$/);
      assert.match(find(before, /turns 21 today/).label, /born 2004-03-10$/);

      clock.set('2025-03-10T16:30:00Z'); // 00:30 on 11 March in Singapore; UTC still says 10 March
      const after = await pickerPersonas(p, creds.id);
      const turns18 = find(after, /turns 18 today/);
      assert.match(turns18.label, /born 2007-03-11$/, 'the wallet still offers yesterday\'s "turns 18 today"');
      assert.match(find(after, /turns 21 today/).label, /born 2004-03-11$/);

      // And what the relying party receives for that person is the new day's.
      const { access_token } = await loginForTokens(p, creds, { scope: SCOPE, personaId: turns18.id });
      const info = await getUserinfo(p, access_token);
      assert.equal(info.status, 200, info.text);
      const key = createPrivateKey(creds.privateKey!);
      assert.deepEqual(await decryptUserinfo(info.body as unknown as EncryptedUserinfo, () => key), {
        'myinfo.date_of_birth': '2007-03-11',
        'myinfo.is_age_above_18': 'true',
        'myinfo.is_age_above_21': 'false',
      });

      // Eight hours later the UTC date catches up: nothing changes for Singapore.
      clock.set('2025-03-11T00:30:00Z'); // 08:30 on 11 March in Singapore
      assert.match(find(await pickerPersonas(p, creds.id), /turns 18 today/).label, /born 2007-03-11$/);
      clock.set('2025-03-11T16:00:00Z'); // midnight, 12 March in Singapore
      assert.match(find(await pickerPersonas(p, creds.id), /turns 18 today/).label, /born 2007-03-12$/);
    } finally {
      await p.close();
    }
  });
});
