// In this repository (an npm workspace), the example runs sgid-client as it is in the working
// tree: when it builds (or runs `next dev`), the SDK's sources are bundled here (esbuild, with the
// SDK's own build options) into .sdk/sgid-client.js, which Turbopack uses for `sgid-client`. It
// never reads packages/client/dist, so it needs no SDK build first and is not disturbed by one
// running at the same time. Copied out of the repository, it uses the installed `sgid-client`
// package like any app.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD } from 'next/constants.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const buildScript = new URL('../../packages/client/build.mjs', import.meta.url);
const inRepository = existsSync(buildScript);

async function bundleSdk() {
  const { build } = await import('esbuild');
  const { bundleOptions } = await import(buildScript.href);
  await build({
    ...bundleOptions,
    entryPoints: [fileURLToPath(new URL('../../packages/client/src/index.ts', import.meta.url))],
    format: 'esm',
    outfile: fileURLToPath(new URL('./.sdk/sgid-client.js', import.meta.url)),
    sourcemap: false,
  });
}

/** @param {string} phase */
export default async function config(phase) {
  if (inRepository && (phase === PHASE_PRODUCTION_BUILD || phase === PHASE_DEVELOPMENT_SERVER)) await bundleSdk();
  /** @type {import('next').NextConfig} */
  const nextConfig = {
    poweredByHeader: false,
    // Turbopack reads alias targets relative to this folder.
    ...(inRepository ? { turbopack: { root, resolveAlias: { 'sgid-client': './.sdk/sgid-client.js' } }, outputFileTracingRoot: root } : {}),
    async headers() {
      return [
        {
          source: '/:path*',
          headers: [
            { key: 'X-Frame-Options', value: 'DENY' },
            { key: 'X-Content-Type-Options', value: 'nosniff' },
            { key: 'Referrer-Policy', value: 'no-referrer' },
          ],
        },
      ];
    },
  };
  return nextConfig;
}
