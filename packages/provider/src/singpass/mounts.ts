/**
 * Where Singpass lives on the provider's origin: FAPI 2.0 at /fapi, the legacy NDI OIDC flow at
 * the origin itself, and MockPass's paths as aliases, each with its own issuer — so a relying
 * party configured for MockPass switches by changing host and port only. Issuers come from
 * --public-url, never from the Host header.
 */
import { SINGPASS_MOUNTS, SINGPASS_PATHS } from 'sgid-protocol';
import type { SingpassMount } from 'sgid-protocol';
import type { Config } from '../config.js';

export interface Mount {
  name: SingpassMount;
  generation: 'fapi' | 'legacy';
  /** The path prefix of its endpoints ('' for the legacy issuer at the origin). */
  base: string;
  issuer: string;
  /** Absolute URL of one of its endpoints, as published in its discovery document. */
  url(endpoint: keyof typeof SINGPASS_PATHS): string;
}

export function mountsFor(config: Pick<Config, 'publicUrl'>): Mount[] {
  return (Object.entries(SINGPASS_MOUNTS) as [SingpassMount, string][]).map(([name, base]) => ({
    name,
    generation: name === 'fapi' || name === 'mockpassFapi' ? 'fapi' : 'legacy',
    base,
    issuer: `${config.publicUrl}${base}`,
    url: (endpoint) => `${config.publicUrl}${base}${SINGPASS_PATHS[endpoint]}`,
  }));
}
