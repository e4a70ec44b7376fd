/**
 * One typed config schema: defaults, CLI flags, environment variables and the help text all
 * come from OPTIONS below (the README's option table is checked against it by a test).
 */

type Kind = 'string' | 'integer' | 'boolean';

interface OptionSpec<K extends Kind = Kind> {
  /** --flag name */
  readonly flag: string;
  readonly env: string;
  readonly kind: K;
  readonly description: string;
  /** Shown in the help; `undefined` means "unset". */
  readonly default?: string | number | boolean;
  /** Commands it applies to besides `start` ('storage' options apply to every command). */
  readonly scope: 'storage' | 'server';
}

export const OPTIONS = {
  port: { flag: 'port', env: 'SGID_PORT', kind: 'integer', default: 5156, scope: 'server', description: 'TCP port to listen on (5156 is MockPass\'s, so existing configs work).' },
  host: { flag: 'host', env: 'SGID_HOST', kind: 'string', default: 'localhost', scope: 'server', description: 'Interface to listen on; 0.0.0.0 to let a phone on your network open the wallet.' },
  publicUrl: { flag: 'public-url', env: 'SGID_PUBLIC_URL', kind: 'string', scope: 'server', description: 'The provider\'s public origin; the issuer is <public-url>/v2. Default http://localhost:<port>. Never taken from the Host header.' },
  data: { flag: 'data', env: 'SGID_DATA', kind: 'string', default: './.sgid/sgid.db', scope: 'storage', description: 'SQLite data file (embedded storage), created if missing; ":memory:" for a throwaway store.' },
  databaseUrl: { flag: 'database-url', env: 'SGID_DATABASE_URL', kind: 'string', scope: 'storage', description: 'PostgreSQL URL for durable records (clients, keys, personas); needs --redis-url too. Replaces --data.' },
  redisUrl: { flag: 'redis-url', env: 'SGID_REDIS_URL', kind: 'string', scope: 'storage', description: 'Redis URL for short-lived records (logins, codes, tokens); needs --database-url too.' },
  personas: { flag: 'personas', env: 'SGID_PERSONAS', kind: 'string', scope: 'storage', description: 'JSON file of extra personas, validated and added to the store at start.' },
  autoApprove: { flag: 'auto-approve', env: 'SGID_AUTO_APPROVE', kind: 'string', scope: 'server', description: 'Automation mode: answer every valid authorize request at once with a code for this persona id (NRIC/FIN), as MockPass does.' },
  loginTtl: { flag: 'login-ttl', env: 'SGID_LOGIN_TTL', kind: 'integer', default: 300, scope: 'server', description: 'Seconds a login (QR code) waits for the wallet before it expires.' },
  codeTtl: { flag: 'code-ttl', env: 'SGID_CODE_TTL', kind: 'integer', default: 300, scope: 'server', description: 'Seconds an authorization code stays valid (single use).' },
  tokenTtl: { flag: 'token-ttl', env: 'SGID_TOKEN_TTL', kind: 'integer', default: 3600, scope: 'server', description: 'Seconds an access token and an ID token stay valid.' },
  keyRotationDelay: { flag: 'key-rotation-delay', env: 'SGID_KEY_ROTATION_DELAY', kind: 'integer', default: 600, scope: 'storage', description: '`keys rotate`: seconds a new key is published before it signs (lets relying parties refresh their JWKS cache).' },
  authFailureLimit: { flag: 'auth-failure-limit', env: 'SGID_AUTH_FAILURE_LIMIT', kind: 'integer', default: 10, scope: 'server', description: 'Failed client authentications per client id per minute before the token endpoint answers 429.' },
  adminToken: { flag: 'admin-token', env: 'SGID_ADMIN_TOKEN', kind: 'string', scope: 'server', description: 'Protects the developer portal: sign in with this token. Without it the portal is open (dev mode).' },
  tlsCert: { flag: 'tls-cert', env: 'SGID_TLS_CERT', kind: 'string', scope: 'server', description: 'PEM certificate (chain) to serve HTTPS; needs --tls-key. The default public URL becomes https://localhost:<port>. openid-client 6, and so Singpass\'s demo app, refuse an http:// issuer.' },
  tlsKey: { flag: 'tls-key', env: 'SGID_TLS_KEY', kind: 'string', scope: 'server', description: 'PEM private key of --tls-cert.' },
  singpassAssertionAud: { flag: 'singpass-assertion-aud', env: 'SGID_SINGPASS_ASSERTION_AUD', kind: 'string', default: 'issuer-or-endpoint', scope: 'server', description: 'Singpass client assertions: "issuer" accepts only aud = the issuer (as the docs say); "issuer-or-endpoint" also the URL of the endpoint called (as Singpass\'s Java demo sends, and the real service appears to accept).' },
  inspector: { flag: 'inspector', env: 'SGID_INSPECTOR', kind: 'string', default: 'on', scope: 'server', description: 'The login inspector records each step of every login (portal /portal/logins, `logins tail`, conformance runs): on, or off to record nothing.' },
  logLevel: { flag: 'log-level', env: 'SGID_LOG_LEVEL', kind: 'string', default: 'info', scope: 'server', description: 'JSON log level: fatal, error, warn, info, debug or silent.' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  /** `${publicUrl origin}/v2` */
  issuer: string;
  data: string;
  databaseUrl?: string;
  redisUrl?: string;
  personas?: string;
  autoApprove?: string;
  loginTtl: number;
  codeTtl: number;
  tokenTtl: number;
  keyRotationDelay: number;
  authFailureLimit: number;
  adminToken?: string;
  tlsCert?: string;
  tlsKey?: string;
  singpassAssertionAud: 'issuer' | 'issuer-or-endpoint';
  /** Whether the login inspector records steps. */
  inspector: 'on' | 'off';
  logLevel: string;
  /**
   * Singpass lifetimes in seconds, for tests only (no flag: the real service's values are not
   * a choice): request_uri 60, FAPI code 60, legacy code 120, access token 1800, ID token 600.
   */
  singpassLifetimes?: Partial<SingpassLifetimes>;
  /** How relying parties' JWKS URLs are fetched, for tests only (Singpass's: 3 s, 1 h, 60 s). */
  singpassJwksFetch?: { timeoutMs?: number; maxAgeMs?: number; minRefetchMs?: number };
}

export interface SingpassLifetimes {
  requestUri: number;
  code: number;
  legacyCode: number;
  accessToken: number;
  idToken: number;
  /** Clock difference tolerated in assertions and proofs. */
  clockSkew: number;
}

/**
 * Config values that are wrong: every problem found, each naming its flag and env var (the
 * message joins them, one per line).
 */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(list.join('\n'));
    this.name = 'ConfigError';
    this.problems = list;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function convert(name: OptionName, raw: string | boolean, source: string): string | number | boolean {
  const spec: OptionSpec = OPTIONS[name];
  if (spec.kind === 'integer') {
    if (typeof raw !== 'string' || !/^\d+$/.test(raw.trim())) {
      throw new ConfigError(`${source}: "${String(raw)}" is not a whole number`);
    }
    return Number(raw.trim());
  }
  if (spec.kind === 'boolean') return raw === true || raw === 'true' || raw === '1';
  if (typeof raw !== 'string') throw new ConfigError(`${source} needs a value`);
  return raw;
}

/**
 * Builds the config from flags (already split by parseArgs, keyed by flag name), then env vars,
 * then defaults, and validates it.
 */
export function loadConfig(
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<Config> = {},
): Config {
  // Every option is read and checked, so that one run reports every mistake.
  const problems: string[] = [];
  const check = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  };
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(OPTIONS) as [OptionName, OptionSpec][]) {
    const flag = flags[spec.flag];
    const fromEnv = env[spec.env];
    values[name] = spec.default;
    check(() => {
      if (flag !== undefined) values[name] = convert(name, flag, `--${spec.flag}`);
      else if (fromEnv !== undefined && fromEnv !== '') values[name] = convert(name, fromEnv, spec.env);
    });
  }
  Object.assign(values, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)));
  const c = values as unknown as Config;

  check(() => {
    if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) {
      throw new ConfigError(`--port / SGID_PORT: ${c.port} is not a TCP port (0–65535)`);
    }
  });
  for (const n of ['loginTtl', 'codeTtl', 'tokenTtl', 'authFailureLimit'] as const) {
    check(() => {
      if (!(c[n] > 0)) throw new ConfigError(`--${OPTIONS[n].flag} / ${OPTIONS[n].env}: must be greater than 0`);
    });
  }
  check(() => {
    if (c.singpassAssertionAud !== 'issuer' && c.singpassAssertionAud !== 'issuer-or-endpoint') {
      throw new ConfigError(`--singpass-assertion-aud / SGID_SINGPASS_ASSERTION_AUD: "${String(c.singpassAssertionAud)}" is not "issuer" or "issuer-or-endpoint"`);
    }
  });
  check(() => {
    if (c.inspector !== 'on' && c.inspector !== 'off') {
      throw new ConfigError(`--inspector / SGID_INSPECTOR: "${String(c.inspector)}" is not one of on, off`);
    }
  });
  check(() => {
    if (!LOG_LEVELS.includes(c.logLevel)) {
      throw new ConfigError(`--log-level / SGID_LOG_LEVEL: "${c.logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
    }
  });
  check(() => {
    if (Boolean(c.databaseUrl) !== Boolean(c.redisUrl)) {
      throw new ConfigError('--database-url and --redis-url go together: PostgreSQL keeps durable records, Redis short-lived ones');
    }
  });
  for (const n of ['databaseUrl', 'redisUrl'] as const) {
    check(() => {
      const v = c[n];
      if (v !== undefined) {
        try {
          new URL(v);
        } catch {
          throw new ConfigError(`--${OPTIONS[n].flag} / ${OPTIONS[n].env}: "${v}" is not a URL`);
        }
      }
    });
  }
  check(() => {
    if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) {
      throw new ConfigError('--tls-cert and --tls-key go together: the certificate and its private key (PEM files)');
    }
  });
  const publicUrl = c.publicUrl ?? `${c.tlsCert ? 'https' : 'http'}://localhost:${c.port}`;
  check(() => {
    let origin: URL;
    try {
      origin = new URL(publicUrl);
    } catch {
      throw new ConfigError(`--public-url / SGID_PUBLIC_URL: "${publicUrl}" is not a URL`);
    }
    if (origin.protocol !== 'http:' && origin.protocol !== 'https:') {
      throw new ConfigError(`--public-url / SGID_PUBLIC_URL: "${publicUrl}" must be http or https`);
    }
    c.publicUrl = origin.origin;
    c.issuer = `${origin.origin}/v2`;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return c;
}

/** The parseArgs option table for every option. */
export function parseArgsOptions(): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(
    Object.values(OPTIONS).map((s: OptionSpec) => [s.flag, { type: s.kind === 'boolean' ? 'boolean' : 'string' }]),
  );
}

/** The option table as Markdown, the same rows as the README's. */
export function optionsMarkdown(): string {
  const rows = Object.values(OPTIONS).map(
    (s: OptionSpec) =>
      `| \`--${s.flag}\` | \`${s.env}\` | ${s.default === undefined ? '—' : `\`${String(s.default)}\``} | ${s.description} |`,
  );
  return ['| flag | env var | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
