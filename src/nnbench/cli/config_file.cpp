// YAML run configuration (see config_file.hpp). Every key is a run setting's file key; nothing is
// ignored silently, and a key given twice is an error rather than "the last one wins".
#include "nnbench/cli/config_file.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "nnbench/core/error.hpp"
#include "nnbench/core/suggest.hpp"

namespace nnbench::cli {
namespace {

struct Context {
  std::string path;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) throw InputError(fmt::format("{}: {}", path, message));
    throw InputError(fmt::format("{}:{}:{}: {}", path, mark.line + 1, mark.column + 1, message));
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, fmt::format("'{}' must be a plain value", key));
    return node.Scalar();
  }

  // A scalar or a list of scalars, as text.
  std::vector<std::string> list(const YAML::Node& node, const std::string& key) const {
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence())
      fail(node, fmt::format("'{}' must be a value or a list of values", key));
    std::vector<std::string> values;
    for (const YAML::Node& item : node) values.push_back(scalar(item, key));
    if (values.empty()) fail(node, fmt::format("'{}' has no values", key));
    return values;
  }

  // A mapping as KEY=VALUE texts (a list value joined with commas, as `--axis` takes it); a key
  // given twice is an error.
  std::vector<std::string> pairs(const YAML::Node& node, const std::string& key) const {
    if (!node.IsMap()) fail(node, fmt::format("'{}' must map names to values", key));
    std::vector<std::string> texts;
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const std::string name = scalar(entry.first, key);
      if (!seen.insert(name).second)
        fail(entry.first, fmt::format("'{}.{}' is given twice", key, name));
      const std::vector<std::string> values = list(entry.second, key + "." + name);
      texts.push_back(fmt::format("{}={}", name, fmt::join(values, ",")));
    }
    return texts;
  }
};

std::vector<std::string> values_of(const Context& context, const RunSetting& setting,
                                   const YAML::Node& node) {
  switch (setting.arity) {
    case SettingArity::Flag:
    case SettingArity::Single:
      return {context.scalar(node, setting.file_key)};
    case SettingArity::List:
      return context.list(node, setting.file_key);
    case SettingArity::Pairs:
      return context.pairs(node, setting.file_key);
  }
  return {};
}

}  // namespace

void load_config_file(const std::string& path, RunRequest& request, SettingLevel& level,
                      std::vector<std::string>& given) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw InputError(fmt::format("config file '{}' does not exist or is not a file", path));
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: malformed YAML: {}", path, e.mark.line + 1,
                                 e.mark.column + 1, e.msg));
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: cannot read: {}", path, e.what()));
  }
  const Context context{path};
  if (root.IsNull()) return;
  if (!root.IsMap()) context.fail(root, "the top level must be a mapping of settings (key: value)");
  std::vector<std::string> known;
  for (const RunSetting& setting : run_settings()) {
    if (!setting.file_key.empty()) known.push_back(setting.file_key);
  }
  std::set<std::string> seen;
  for (const auto& entry : root) {
    const std::string key = context.scalar(entry.first, "key");
    const RunSetting* setting = find_setting_by_file_key(key);
    if (setting == nullptr) {
      std::string message = fmt::format("unknown key '{}'", key);
      if (auto best = closest_match(key, known))
        message += fmt::format("; did you mean '{}'?", *best);
      context.fail(entry.first, message + fmt::format(" (known: {})", fmt::join(known, ", ")));
    }
    if (!seen.insert(key).second)
      context.fail(entry.first, fmt::format("'{}' is given twice", key));
    const std::vector<std::string> values = values_of(context, *setting, entry.second);
    try {
      setting->apply(request, values, key, level);
    } catch (const InputError& e) {
      context.fail(entry.second, e.what());
    }
    given.push_back(key);
  }
}

}  // namespace nnbench::cli
