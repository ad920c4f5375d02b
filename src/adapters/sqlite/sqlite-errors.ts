import Database from 'better-sqlite3';
import { MagpieError } from '../../core/index.js';

/**
 * Turns anything the driver throws (SQLITE_BUSY after busy_timeout, SQLITE_FULL, SQLITE_IOERR,
 * SQLITE_READONLY, a closed connection…) into STORAGE_FAILED, keeping the original as `cause`
 * and the SQLite code in `details` so logs say exactly what happened. MagpieErrors the adapter
 * raised on purpose pass through unchanged.
 */
export function translateSqliteError(operation: string, err: unknown): MagpieError {
  if (err instanceof MagpieError) return err;
  const sqliteCode = err instanceof Database.SqliteError ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return new MagpieError(
    'STORAGE_FAILED',
    `sqlite ${operation} failed: ${message}`,
    sqliteCode === undefined ? { operation } : { operation, sqliteCode },
    { cause: err },
  );
}

/** Whether err is a driver error with this extended result code (e.g. SQLITE_CONSTRAINT_FOREIGNKEY). */
export function hasSqliteCode(err: unknown, code: string): boolean {
  return err instanceof Database.SqliteError && err.code === code;
}
