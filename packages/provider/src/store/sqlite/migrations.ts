import type { Database } from 'better-sqlite3';

/**
 * Versioned schema: each entry upgrades from the previous version; `user_version` records
 * where a file is. Append, never edit, once released.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE clients (id TEXT PRIMARY KEY, json TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, json TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE personas (id TEXT PRIMARY KEY, json TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE ephemeral (kind TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL,
     expires_at INTEGER NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID;
   CREATE INDEX ephemeral_expiry ON ephemeral (expires_at);`,
  `CREATE TABLE singpass_clients (id TEXT PRIMARY KEY, json TEXT NOT NULL, created_at INTEGER NOT NULL);`,
  // Short-lived lists (the login inspector's step records): rows in append order (seq), each
  // with its own expiry.
  `CREATE TABLE ephemeral_list (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL,
     json TEXT NOT NULL, expires_at INTEGER NOT NULL);
   CREATE INDEX ephemeral_list_key ON ephemeral_list (kind, key, seq);
   CREATE INDEX ephemeral_list_expiry ON ephemeral_list (expires_at);`,
];

export function migrate(db: Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `the data file is at schema version ${current}, newer than this provider (${MIGRATIONS.length}): upgrade sgid-provider`,
      );
    }
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
