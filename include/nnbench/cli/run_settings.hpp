// The settings of `nnbench run`, declared once as data: each entry is a command-line flag, its
// key in a config file (`--config suite.yaml`), the value it takes, its description, how it is
// applied to the request (with its bounds) and what the run records of it. The CLI's flags and
// help, the YAML reader, the precedence merge and the recorded configuration are all made from
// this one table, so a setting cannot be known to one of them and missed by another.
//
// Precedence: a setting's default < the config file < the command line. Benchmark options
// (`--option K=V`, `options:`) and axes (`--axis N=V`, `axes:`) merge key by key by the same
// rule. Within one level, two spellings of one thing (`--data A --option data=B`, `--models X
// --axis model=Y`) that disagree are an error, never a silent choice.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nnbench/core/runner.hpp"

namespace nnbench::cli {

// Everything one `nnbench run` is asked to do.
struct RunRequest {
  // The CLI's device default is "auto" (cuda when a GPU is present, else cpu), resolved by
  // finish_request; the library's RunConfig keeps "cpu".
  RunConfig config = [] {
    RunConfig c;
    c.device = "auto";
    return c;
  }();
  std::string config_file;  // --config
  int threads = 0;          // LibTorch intra-op threads; 0: LibTorch's default
  bool quiet = false;
  bool dry_run = false;
  std::string history;  // --history PATH; empty: <output-dir>/history.db
  bool no_history = false;
  // --format json|csv|md (repeatable): what goes to standard output instead of the table;
  // --out FILE: one file in the one format (--format, else FILE's extension).
  std::vector<std::string> formats;
  std::string out;
  std::vector<std::string> command_line;
  std::string resume;    // --resume DIR: an interrupted run's directory
  bool isolate = false;  // --isolate: each variant in a child process
  // --log-level: the console's least severe message (debug, info, warning, error, critical).
  std::string log_level = "info";
  // --color auto|always|never: the console's colours; auto: on a terminal unless NO_COLOR is set.
  std::string color = "auto";
  std::string device_requested;  // --device as given ("auto" unless set), before resolution
  // --compat SEED (seed_compat.hpp): the seed profile whose output files the run also writes,
  // the seed outputs its flags asked for (--report, --json), and the seed spellings that the
  // command line was translated from, as recorded.
  std::string compat;
  std::vector<std::string> seed_outputs;
  std::vector<std::string> compat_aliases;
  // Internal: this process is an --isolate child that runs one variant and writes its result.
  std::string variant_child_benchmark, variant_child_name, variant_child_result;
};

enum class SettingArity {
  Flag,    // no value: given or not (in a config file: true or false)
  Single,  // one value; given twice on one level is an error
  List,    // values, repeatable and comma-separated on the command line, a list in a file
  Pairs,   // KEY=VALUE entries, repeatable on the command line, a mapping in a file
};

// Who sets what, on one level of the merge: two spellings of one target that disagree on the
// same level are an error naming both.
class SettingLevel {
 public:
  explicit SettingLevel(std::string name) : name_(std::move(name)) {}
  // Records that `origin` (e.g. "--data A") sets `target` (e.g. "option data") to `value`.
  void claim(const std::string& target, const std::string& value, const std::string& origin);

 private:
  std::string name_;
  std::map<std::string, std::pair<std::string, std::string>> claims_;  // target -> value, origin
};

struct RunSetting {
  std::string flag;         // "--warmup"; a short alias after a comma ("--quiet,-q")
  std::string file_key;     // "warmup"; empty: command line only
  std::string value_name;   // "N", "PATH", "" for flags
  std::string description;  // one line; the default is appended in --help
  SettingArity arity = SettingArity::Single;
  // Applies the values (as typed; a flag gets {"true"} or {"false"}) to the request. Throws
  // InputError naming `origin` (the flag or the file key) and what it takes.
  std::function<void(RunRequest&, const std::vector<std::string>& values, const std::string& origin,
                     SettingLevel& level)>
      apply;
  // The key and value the run records in its configuration; an empty key records nothing.
  std::string record_key = {};
  std::function<std::string(const RunRequest&)> record = {};
  // Internal flags (an --isolate child's) are left out of --help and docs/settings.md.
  bool internal = false;
};

// The table, in the order --help lists it.
const std::vector<RunSetting>& run_settings();

// The entry with this flag or file key, or null.
const RunSetting* find_setting_by_flag(const std::string& flag);
const RunSetting* find_setting_by_file_key(const std::string& key);

// After both levels: the rules between settings (--no-history with --history, --out with several
// formats, --quick's sampling defaults where the user set none, device "auto" resolved). Throws
// InputError. `given` lists the file keys set on any level.
void finish_request(RunRequest& request, const std::vector<std::string>& given);

// The run's recorded configuration: every recorded setting, `axis.NAME` and `option.KEY`.
std::map<std::string, std::string> recorded_configuration(const RunRequest& request);

}  // namespace nnbench::cli
