import type Database from 'better-sqlite3';

/** One schema step. Shipped migrations are never edited: add a new, higher number instead. */
export type Migration = { version: number; name: string; up: (db: Database.Database) => void };
