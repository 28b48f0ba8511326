// compile(): the front-end phases chained, with one CompileError carrying every diagnostic.
#include "nnbench/dsl/compile.hpp"

#include <algorithm>
#include <set>

#include "nnbench/core/error.hpp"
#include "nnbench/core/printable.hpp"
#include "nnbench/core/suggest.hpp"
#include "nnbench/dsl/checker.hpp"
#include "nnbench/dsl/lexer.hpp"
#include "nnbench/dsl/macros.hpp"
#include "nnbench/dsl/parser.hpp"

namespace nnbench::dsl {
namespace {

[[noreturn]] void fail(const SourceFile& file, const Diagnostics& diagnostics) {
  throw CompileError(diagnostics.render(file), diagnostics.list());
}

// lex, parse, name search spaces, expand macros; throws on any error.
ast::File front_end(const SourceFile& file, Diagnostics& diagnostics) {
  const std::vector<Token> tokens = lex(file, diagnostics);
  ast::File tree = parse(tokens, diagnostics);
  name_hpo_axes(tree);
  expand_macros(tree, diagnostics);
  if (tree.networks.empty() && !diagnostics.has_errors()) {
    diagnostics.error(SourceRange{file.location(0), file.location(0)},
                      "no network in this file; a model starts with 'network Name {'");
  }
  std::set<std::string> names;
  for (const ast::Network& net : tree.networks) {
    if (!names.insert(net.name).second) {
      diagnostics.error(net.name_range, "network " + quote_text(net.name) + " is defined twice");
    }
  }
  if (diagnostics.has_errors()) fail(file, diagnostics);
  return tree;
}

}  // namespace

std::vector<ir::Network> compile(const SourceFile& file, const CompileOptions& options) {
  Diagnostics diagnostics;
  ast::File tree = front_end(file, diagnostics);
  std::vector<ir::Network> networks;
  std::vector<std::string> axis_names;
  for (ast::Network& net : tree.networks) {
    const std::size_t before = diagnostics.list().size();
    const std::vector<nnbench::Axis> axes = hpo_axes(net, options.sampling, diagnostics);
    for (const nnbench::Axis& axis : axes) axis_names.push_back(axis.name);
    if (diagnostics.list().size() > before) continue;
    std::vector<ir::HpoAssignment> assignments =
        substitute_hpo(net, axes, options.hpo_values, diagnostics);
    if (diagnostics.list().size() > before) continue;
    std::optional<ir::Network> checked = check(net, file, diagnostics);
    if (checked) {
      checked->hpo = std::move(assignments);
      networks.push_back(std::move(*checked));
    }
  }
  if (diagnostics.has_errors()) fail(file, diagnostics);
  // A value chosen for a search space the file does not have is a typo, not a no-op.
  for (const auto& [name, value] : options.hpo_values) {
    if (std::find(axis_names.begin(), axis_names.end(), name) != axis_names.end()) continue;
    std::string message = file.name() + ": no search space " + quote_text(name);
    if (auto best = closest_match(name, axis_names))
      message += "; did you mean " + quote_text(*best) + "?";
    if (axis_names.empty()) {
      message += " (the file has no search spaces)";
    } else {
      message += " (search spaces:";
      for (const std::string& axis : axis_names) message += " " + axis;
      message += ")";
    }
    throw InputError(message);
  }
  return networks;
}

std::vector<ir::Network> compile_file(const std::string& path, const CompileOptions& options) {
  if (!path.ends_with(".nn") && !path.ends_with(".neural")) {
    throw InputError("model file " + quote_text(path) + " must end in .nn or .neural");
  }
  return compile(SourceFile::read(path), options);
}

std::vector<nnbench::Axis> search_axes(const SourceFile& file, const std::string& network_name,
                                       const HpoSampling& sampling) {
  Diagnostics diagnostics;
  ast::File tree = front_end(file, diagnostics);
  for (const ast::Network& net : tree.networks) {
    if (!network_name.empty() && net.name != network_name) continue;
    std::vector<nnbench::Axis> axes = hpo_axes(net, sampling, diagnostics);
    if (diagnostics.has_errors()) fail(file, diagnostics);
    return axes;
  }
  throw InputError("no network " + quote_text(network_name) + " in " + file.name());
}

}  // namespace nnbench::dsl
