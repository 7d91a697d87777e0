#ifndef LOOM_CSQLITEOPTIONS_H
#define LOOM_CSQLITEOPTIONS_H

/// Stops SQLite from checkpointing the WAL when the last connection to a database closes, which costs
/// every short-lived `loom` process two fdatasyncs on exit. Checkpoints still happen automatically as
/// writes grow the WAL. `db` is a `sqlite3 *`. Returns SQLite's result code (0 = SQLITE_OK).
/// (A C shim because `sqlite3_db_config` is variadic, which Swift cannot call.)
int loom_sqlite_no_checkpoint_on_close(void *db);

#endif
