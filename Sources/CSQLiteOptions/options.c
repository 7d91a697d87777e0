#include <sqlite3.h>
#include "CSQLiteOptions.h"

int loom_sqlite_no_checkpoint_on_close(void *db) {
#ifdef SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
    return sqlite3_db_config((sqlite3 *)db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
#else
    return SQLITE_OK;
#endif
}
