import crypto from 'node:crypto';
import type { Migration } from './types';

/**
 * Saved signing profiles (core/signing/profiles): a unique name (case-insensitive, the CLI's `--profile NAME`)
 * and the options as JSON, checked again with the contract's schema whenever they are read. Two profiles are
 * seeded: a V°B° and a firma, both placed by hand on the last page; the user may edit or remove them.
 */
export const m0071SigningProfiles: Migration = {
  version: 71,
  name: 'signing-profiles',
  up(db) {
    db.exec(`
      CREATE TABLE signing_profiles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        profile_json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
    const insert = db.prepare(`INSERT INTO signing_profiles (id, name, profile_json, updated_at) VALUES (?, ?, ?, ?)`);
    const at = new Date().toISOString();
    const seeds = [
      { name: 'V°B°', role: 'visto-bueno', reason: 'V°B°', level: 'B-B', style: 1, page: 'last', everyPage: false },
      { name: 'Firma', role: 'firma', level: 'B-B', style: 1, page: 'last', everyPage: false },
    ];
    for (const s of seeds) insert.run(crypto.randomUUID(), s.name, JSON.stringify(s), at);
  },
};
