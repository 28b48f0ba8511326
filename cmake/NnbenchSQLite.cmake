# Finds SQLite 3 (libsqlite3-dev) for the results history (results/history.db) and defines the
# INTERFACE target nnbench_sqlite when it is used. NNBENCH_SQLITE: AUTO (default: use it when
# found), ON (required), OFF (never). Without it, runs write no history and `nnbench history`
# says how to get it.
nnbench_tristate_option(NNBENCH_SQLITE "Record runs in an SQLite history")
set(_nnbench_sqlite_mode "${NNBENCH_SQLITE_MODE}")
if(NOT _nnbench_sqlite_mode STREQUAL "OFF")
  find_package(SQLite3 QUIET)
  if(SQLite3_FOUND)
    add_library(nnbench_sqlite INTERFACE)
    target_link_libraries(nnbench_sqlite INTERFACE SQLite::SQLite3)
    message(STATUS "nnbench: results history with SQLite ${SQLite3_VERSION}")
  elseif(_nnbench_sqlite_mode STREQUAL "ON")
    message(FATAL_ERROR "nnbench: NNBENCH_SQLITE=ON but SQLite 3 was not found "
                        "(apt-get install libsqlite3-dev, or scripts/setup-deps)")
  else()
    message(STATUS "nnbench: SQLite 3 not found: no results history (apt-get install libsqlite3-dev)")
  endif()
endif()
