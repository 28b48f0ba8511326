// The results history in SQLite (see history_db.hpp). A result is stored as its variant record JSON
// (the result files' own format, so one reader serves both) with the raw samples moved out into
// the samples table, and its metrics' statistics as rows that SQL can query.
#include "nnbench/report/history_db.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <system_error>
#include <utility>

#include "nnbench/core/error.hpp"
#include "nnbench/report/result_json.hpp"

#ifdef NNBENCH_WITH_SQLITE
#include <sqlite3.h>
#endif

namespace nnbench::report {

std::string machine_of(const Environment& environment) {
  std::string gpus;
  for (const GpuInfo& gpu : environment.gpus) gpus += (gpus.empty() ? "" : ", ") + gpu.name;
  return fmt::format("{} | {} | {}", environment.hostname, environment.cpu_model,
                     gpus.empty() ? "no GPU" : gpus);
}

#ifndef NNBENCH_WITH_SQLITE

bool history_supported() { return false; }

struct HistoryDb::Connection {};

HistoryDb HistoryDb::open(const std::filesystem::path& path, Access) {
  throw UnavailableError(fmt::format(
      "{}: no results history: this nnbench was built without SQLite (install libsqlite3-dev, "
      "e.g. with scripts/setup-deps, and configure again)",
      path.string()));
}

HistoryDb::HistoryDb(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
bool HistoryDb::has_run(const std::string&) const { return false; }
HistoryDb::~HistoryDb() = default;
HistoryDb::HistoryDb(HistoryDb&&) noexcept = default;
HistoryDb& HistoryDb::operator=(HistoryDb&&) noexcept = default;
void HistoryDb::record(const std::vector<Result>&, const RunInfo&) {}
std::vector<HistoryRun> HistoryDb::runs() const { return {}; }
LoadedRun HistoryDb::load(const std::string&) const { return {}; }
std::vector<TrendPoint> HistoryDb::trend(const std::string&, const std::string&,
                                         const std::string&) const {
  return {};
}
std::vector<HistoryDb::VariantPair> HistoryDb::latest_pairs(const std::string&) const { return {}; }
std::string HistoryDb::latest_machine() const { return {}; }

#else

bool history_supported() { return true; }

namespace {

constexpr int kHistorySchemaVersion = 1;
constexpr int kBusyTimeoutMs = 60'000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  git_dirty INTEGER NOT NULL,
  hostname TEXT NOT NULL,
  machine TEXT NOT NULL,
  run_json TEXT NOT NULL,
  environment_json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS variants (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  benchmark TEXT NOT NULL,
  variant TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  started_at TEXT NOT NULL,
  scenario_json TEXT NOT NULL,
  UNIQUE (run, benchmark, variant));
CREATE TABLE IF NOT EXISTS statistics (
  variant INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  unit TEXT NOT NULL,
  value REAL,
  higher_is_better INTEGER NOT NULL,
  count INTEGER NOT NULL,
  mean REAL, std REAL, min REAL, max REAL, median REAL,
  p25 REAL, p75 REAL, p90 REAL, p95 REAL, p99 REAL,
  median_ci_low REAL, median_ci_high REAL,
  PRIMARY KEY (variant, metric));
CREATE TABLE IF NOT EXISTS samples (
  variant INTEGER NOT NULL REFERENCES variants(id) ON DELETE CASCADE,
  metric TEXT NOT NULL,
  idx INTEGER NOT NULL,
  value REAL,
  PRIMARY KEY (variant, metric, idx));
CREATE INDEX IF NOT EXISTS variants_by_name ON variants (benchmark, variant);
CREATE INDEX IF NOT EXISTS runs_by_machine ON runs (machine, started_at);
)sql";

}  // namespace

struct HistoryDb::Connection {
  sqlite3* db = nullptr;
  std::string path;
  ~Connection() {
    if (db != nullptr) sqlite3_close_v2(db);
  }
  [[noreturn]] void fail(const std::string& doing) const {
    throw IoError(fmt::format("history {}: {}: {}", path, doing, sqlite3_errmsg(db)));
  }
  void exec(const char* sql, const std::string& doing) const {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      const std::string text = message != nullptr ? message : sqlite3_errmsg(db);
      sqlite3_free(message);
      throw IoError(fmt::format("history {}: {}: {}", path, doing, text));
    }
  }
};

namespace {

// A prepared statement: bind by position (from 1), step, read columns (from 0).
class Statement {
 public:
  Statement(const HistoryDb::Connection& connection, const char* sql) : connection_(connection) {
    if (sqlite3_prepare_v2(connection.db, sql, -1, &statement_, nullptr) != SQLITE_OK) {
      connection.fail("preparing a query");
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text) {
    check(sqlite3_bind_text(statement_, index, text.c_str(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_, index, value));
    return *this;
  }
  Statement& bind(int index, double value) {
    // NaN and infinities are stored as NULL, as the JSON files write them.
    check(std::isfinite(value) ? sqlite3_bind_double(statement_, index, value)
                               : sqlite3_bind_null(statement_, index));
    return *this;
  }
  // True while there is a row; false when done.
  bool step() {
    const int status = sqlite3_step(statement_);
    if (status == SQLITE_ROW) return true;
    if (status == SQLITE_DONE) return false;
    if (status == SQLITE_CONSTRAINT) {
      throw InputError(
          fmt::format("history {}: {}", connection_.path, sqlite3_errmsg(connection_.db)));
    }
    connection_.fail("running a query");
  }
  // Runs a statement that returns no rows, then makes it ready for new bindings.
  void run() {
    step();
    reset();
  }
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  std::string text(int column) const {
    const auto* p = sqlite3_column_text(statement_, column);
    return p != nullptr ? reinterpret_cast<const char*>(p) : "";
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  std::optional<double> real(int column) const {
    if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_double(statement_, column);
  }

 private:
  void check(int status) const {
    if (status != SQLITE_OK) connection_.fail("binding a value");
  }
  const HistoryDb::Connection& connection_;
  sqlite3_stmt* statement_ = nullptr;
};

// BEGIN IMMEDIATE (takes the write lock at once, waiting up to the busy timeout for another
// writer) ... COMMIT, or ROLLBACK when left by an exception.
class WriteTransaction {
 public:
  explicit WriteTransaction(const HistoryDb::Connection& connection) : connection_(connection) {
    connection_.exec("BEGIN IMMEDIATE", "starting a transaction");
  }
  ~WriteTransaction() {
    if (!committed_) sqlite3_exec(connection_.db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    connection_.exec("COMMIT", "committing");
    committed_ = true;
  }

 private:
  const HistoryDb::Connection& connection_;
  bool committed_ = false;
};

void store_statistics(const HistoryDb::Connection& connection, std::int64_t variant_row,
                      const Metric& metric) {
  Statement insert(connection,
                   "INSERT INTO statistics (variant, metric, unit, value, higher_is_better, count, "
                   "mean, std, min, max, median, p25, p75, p90, p95, p99, median_ci_low, "
                   "median_ci_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, variant_row).bind(2, metric.name).bind(3, metric.unit).bind(4, metric.value);
  insert.bind(5, std::int64_t{metric.higher_is_better ? 1 : 0});
  const Statistics s = metric.statistics.value_or(Statistics{});
  const double none = std::numeric_limits<double>::quiet_NaN();
  const bool has = metric.statistics.has_value();
  insert.bind(6, static_cast<std::int64_t>(s.count));
  int column = 7;
  for (const double value : {s.mean, s.std, s.min, s.max, s.median, s.p25, s.p75, s.p90, s.p95,
                             s.p99, s.median_ci_low, s.median_ci_high}) {
    insert.bind(column++, has ? value : none);
  }
  insert.run();
  Statement sample(connection,
                   "INSERT INTO samples (variant, metric, idx, value) VALUES (?, ?, ?, ?)");
  for (std::size_t i = 0; i < metric.samples.size(); ++i) {
    sample.bind(1, variant_row)
        .bind(2, metric.name)
        .bind(3, static_cast<std::int64_t>(i))
        .bind(4, metric.samples[i]);
    sample.run();
  }
}

}  // namespace

HistoryDb HistoryDb::open(const std::filesystem::path& path, Access access) {
  auto connection = std::make_unique<Connection>();
  connection->path = path.string();
  const bool read_only = access == Access::ReadOnly;
  std::error_code ec;
  if (read_only && !std::filesystem::is_regular_file(path, ec)) {
    throw IoError(fmt::format("history {}: no such file", path.string()));
  }
  if (!read_only && path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  if (ec) {
    throw IoError(
        fmt::format("history {}: cannot create its folder: {}", path.string(), ec.message()));
  }
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(connection->path.c_str(), &connection->db, flags, nullptr) != SQLITE_OK) {
    connection->fail("opening");
  }
  sqlite3_busy_timeout(connection->db, kBusyTimeoutMs);
  connection->exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
  // Before anything is written: a database of another program (or a file that is not a
  // database, which fails at this first read) is not made into a history.
  {
    Statement tables(*connection,
                     "SELECT count(*), sum(name = 'meta') FROM sqlite_master WHERE type = 'table'");
    tables.step();
    const bool empty = tables.integer(0) == 0;
    const bool ours = tables.integer(1) > 0;
    if (!empty && !ours) {
      throw IoError(fmt::format(
          "history {}: this is not an nnbench history (an SQLite database without its tables); "
          "name another file with --history",
          path.string()));
    }
    if (read_only && empty) {
      throw IoError(
          fmt::format("history {}: an empty database, not an nnbench history", path.string()));
    }
  }
  if (read_only) {
    Statement version(*connection, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!version.step() || version.text(0) != std::to_string(kHistorySchemaVersion)) {
      throw IoError(fmt::format("history {}: not an nnbench history of schema version {}",
                                path.string(), kHistorySchemaVersion));
    }
    return HistoryDb(std::move(connection));
  }
  connection->exec("PRAGMA journal_mode = WAL", "switching to write-ahead logging");
  connection->exec("PRAGMA synchronous = NORMAL", "setting synchronous");
  {
    WriteTransaction transaction(*connection);
    connection->exec(kSchema, "creating the tables");
    Statement version(*connection, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (version.step()) {
      if (version.text(0) != std::to_string(kHistorySchemaVersion)) {
        throw IoError(fmt::format(
            "history {}: schema version {} is not this nnbench's ({}); use another --history file",
            path.string(), version.text(0), kHistorySchemaVersion));
      }
    } else {
      Statement insert(*connection, "INSERT INTO meta (key, value) VALUES ('schema_version', ?)");
      insert.bind(1, std::to_string(kHistorySchemaVersion)).run();
    }
    transaction.commit();
  }
  return HistoryDb(std::move(connection));
}

HistoryDb::HistoryDb(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
HistoryDb::~HistoryDb() = default;
HistoryDb::HistoryDb(HistoryDb&&) noexcept = default;
HistoryDb& HistoryDb::operator=(HistoryDb&&) noexcept = default;

void HistoryDb::record(const std::vector<Result>& results, const RunInfo& run_info) {
  const Connection& c = *connection_;
  WriteTransaction transaction(c);
  Statement run(
      c,
      "INSERT INTO runs (run_id, started_at, finished_at, git_commit, git_dirty, "
      "hostname, machine, run_json, environment_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const Environment& env = run_info.environment;
  try {
    run.bind(1, run_info.run_id)
        .bind(2, run_info.started_at)
        .bind(3, run_info.finished_at)
        .bind(4, env.git_commit)
        .bind(5, std::int64_t{env.git_dirty ? 1 : 0})
        .bind(6, env.hostname)
        .bind(7, machine_of(env))
        .bind(8, json_text(run_info_to_json(run_info)))
        .bind(9, json_text(environment_to_json(env)));
    run.run();
  } catch (const InputError&) {
    throw InputError(fmt::format("history {}: run {} is stored already", c.path, run_info.run_id));
  }
  const std::int64_t run_row = sqlite3_last_insert_rowid(c.db);
  Statement variant(c,
                    "INSERT INTO variants (run, benchmark, variant, status, reason, started_at, "
                    "scenario_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const Result& result : results) {
    ordered_json record = variant_record_to_json(result, run_info);
    for (auto& [name, measurement] : record["measurements"].items()) {
      measurement["samples"] = ordered_json::array();  // in the samples table instead
    }
    variant.bind(1, run_row)
        .bind(2, result.benchmark)
        .bind(3, result.variant.name())
        .bind(4, to_string(result.status))
        .bind(5, result.reason)
        .bind(6, result.started_at)
        .bind(7, json_text(record));
    variant.run();
    const std::int64_t variant_row = sqlite3_last_insert_rowid(c.db);
    for (const Metric& metric : result.metrics) store_statistics(c, variant_row, metric);
  }
  transaction.commit();
}

std::vector<HistoryRun> HistoryDb::runs() const {
  Statement query(*connection_,
                  "SELECT r.run_id, r.started_at, r.git_commit, r.git_dirty, r.machine, "
                  "COUNT(v.id), COALESCE(SUM(v.status = 'ok'), 0) FROM runs r "
                  "LEFT JOIN variants v ON v.run = r.id GROUP BY r.id "
                  "ORDER BY r.started_at, r.run_id");
  std::vector<HistoryRun> runs;
  while (query.step()) {
    runs.push_back({.run_id = query.text(0),
                    .started_at = query.text(1),
                    .git_commit = query.text(2),
                    .machine = query.text(4),
                    .git_dirty = query.integer(3) != 0,
                    .variants = static_cast<std::size_t>(query.integer(5)),
                    .ok = static_cast<std::size_t>(query.integer(6))});
  }
  return runs;
}

LoadedRun HistoryDb::load(const std::string& run_id) const {
  const Connection& c = *connection_;
  Statement run(c, "SELECT id, run_json, environment_json FROM runs WHERE run_id = ?");
  run.bind(1, run_id);
  if (!run.step()) throw InputError(fmt::format("history {}: no run '{}'", c.path, run_id));
  const std::string where = fmt::format("history {} run {}", c.path, run_id);
  LoadedRun loaded;
  try {
    loaded.run_info =
        run_info_from_json(ordered_json::parse(run.text(1)), ordered_json::parse(run.text(2)));
  } catch (const ordered_json::exception& e) {
    throw IoError(fmt::format("{}: unreadable run record: {}", where, e.what()));
  }
  Statement variants(c,
                     "SELECT id, benchmark, scenario_json FROM variants WHERE run = ? ORDER BY id");
  variants.bind(1, run.integer(0));
  Statement samples(c, "SELECT metric, value FROM samples WHERE variant = ? ORDER BY metric, idx");
  while (variants.step()) {
    Result result;
    try {
      result =
          variant_record_from_json(ordered_json::parse(variants.text(2)), variants.text(1), where);
    } catch (const ordered_json::exception& e) {
      throw IoError(fmt::format("{}: unreadable variant record: {}", where, e.what()));
    }
    std::map<std::string, std::vector<double> > by_metric;
    samples.bind(1, variants.integer(0));
    while (samples.step()) by_metric[samples.text(0)].push_back(samples.real(1).value_or(NAN));
    samples.reset();
    for (Metric& metric : result.metrics) metric.samples = std::move(by_metric[metric.name]);
    loaded.results.push_back(std::move(result));
  }
  return loaded;
}

std::vector<TrendPoint> HistoryDb::trend(const std::string& benchmark, const std::string& variant,
                                         const std::string& metric) const {
  Statement query(*connection_,
                  "SELECT r.run_id, r.started_at, r.git_commit, r.git_dirty, v.status, s.value, "
                  "s.median_ci_low, s.median_ci_high, s.count, s.unit FROM variants v "
                  "JOIN runs r ON v.run = r.id "
                  "LEFT JOIN statistics s ON s.variant = v.id AND s.metric = ? "
                  "WHERE v.benchmark = ? AND v.variant = ? ORDER BY r.started_at, r.run_id");
  query.bind(1, metric).bind(2, benchmark).bind(3, variant);
  std::vector<TrendPoint> points;
  while (query.step()) {
    TrendPoint point;
    point.run_id = query.text(0);
    point.started_at = query.text(1);
    point.git_commit = query.text(2);
    point.git_dirty = query.integer(3) != 0;
    point.status = query.text(4);
    if (point.status == "ok") {
      point.value = query.real(5);
      point.median_ci_low = query.real(6);
      point.median_ci_high = query.real(7);
    }
    point.samples = static_cast<std::size_t>(query.integer(8));
    point.unit = query.text(9);
    points.push_back(std::move(point));
  }
  return points;
}

std::vector<HistoryDb::VariantPair> HistoryDb::latest_pairs(const std::string& machine) const {
  Statement query(*connection_,
                  "SELECT v.benchmark, v.variant, r.run_id FROM variants v "
                  "JOIN runs r ON v.run = r.id WHERE r.machine = ? AND v.status = 'ok' "
                  "ORDER BY v.benchmark, v.variant, r.started_at DESC, r.run_id DESC");
  query.bind(1, machine);
  std::vector<VariantPair> pairs;
  std::string benchmark, variant;
  int seen = 0;
  while (query.step()) {
    if (query.text(0) != benchmark || query.text(1) != variant) {
      benchmark = query.text(0);
      variant = query.text(1);
      seen = 0;
    }
    if (++seen == 1) {
      pairs.push_back({benchmark, variant, query.text(2), ""});
    } else if (seen == 2) {
      pairs.back().previous_run = query.text(2);
    }
  }
  std::erase_if(pairs, [](const VariantPair& p) { return p.previous_run.empty(); });
  return pairs;
}

std::string HistoryDb::latest_machine() const {
  Statement query(*connection_,
                  "SELECT machine FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1");
  return query.step() ? query.text(0) : std::string();
}

bool HistoryDb::has_run(const std::string& run_id) const {
  Statement query(*connection_, "SELECT 1 FROM runs WHERE run_id = ?");
  query.bind(1, run_id);
  return query.step();
}

#endif  // NNBENCH_WITH_SQLITE

}  // namespace nnbench::report
