// Expansion of macros and repetition into plain layer lists.
#include "nnbench/dsl/macros.hpp"

#include <map>
#include <string>
#include <vector>

#include "layer_table.hpp"
#include "nnbench/core/printable.hpp"
#include "nnbench/dsl/parser.hpp"

namespace nnbench::dsl {
namespace {

class Expander {
 public:
  Expander(const ast::File& file, Diagnostics& diagnostics) : diagnostics_(diagnostics) {
    for (const ast::Macro& macro : file.macros) {
      if (find_layer(macro.name) != nullptr) {
        diagnostics_.error(macro.name_range,
                           quote_text(macro.name) + " is a layer name and cannot be redefined");
      } else if (!macros_.emplace(macro.name, &macro).second) {
        diagnostics_.error(macro.name_range,
                           "block " + quote_text(macro.name) + " is defined twice");
      }
    }
  }

  std::vector<ast::Item> expand(const std::vector<ast::Item>& items) {
    count_ = 0;
    stopped_ = false;
    std::vector<ast::Item> out;
    expand_into(items, out, 0);
    return out;
  }

 private:
  void expand_into(const std::vector<ast::Item>& items, std::vector<ast::Item>& out, int depth) {
    for (const ast::Item& item : items) {
      if (stopped_) return;
      const auto macro = macros_.find(item.name);
      if (macro != macros_.end() && find_layer(item.name) == nullptr) {
        expand_macro_use(item, *macro->second, out, depth);
      } else {
        ast::Item copy = item;
        copy.repeat = 1;
        if (item.has_body) {
          copy.body.clear();
          expand_into(item.body, copy.body, depth + 1);
        }
        for (std::int64_t i = 0; i < item.repeat && !stopped_; ++i) push(out, copy);
      }
    }
  }

  void expand_macro_use(const ast::Item& use, const ast::Macro& macro, std::vector<ast::Item>& out,
                        int depth) {
    if (use.has_parens && !use.args.empty()) {
      diagnostics_.error(use.args.front().name_range,
                         "block " + quote_text(use.name) + " takes no arguments");
      return;
    }
    if (use.has_body) {
      diagnostics_.error(use.name_range, "block " + quote_text(use.name) +
                                             " is used with a body; define "
                                             "it once with 'define' and use it by name");
      return;
    }
    for (const std::string& active : stack_) {
      if (active == macro.name) {
        diagnostics_.error(use.name_range, "block " + quote_text(macro.name) + " uses itself");
        stopped_ = true;
        return;
      }
    }
    if (depth > kMaxNestingDepth) {
      diagnostics_.error(use.name_range,
                         "blocks nest deeper than " + std::to_string(kMaxNestingDepth) + " levels");
      stopped_ = true;
      return;
    }
    stack_.push_back(macro.name);
    std::vector<ast::Item> body;
    expand_into(macro.body, body, depth + 1);
    stack_.pop_back();
    for (ast::Item& layer : body) {
      if (layer.device.empty()) {
        layer.device = use.device;
        layer.device_range = use.device_range;
      }
    }
    for (std::int64_t i = 0; i < use.repeat && !stopped_; ++i) {
      for (const ast::Item& layer : body) push(out, layer);
    }
  }

  void push(std::vector<ast::Item>& out, const ast::Item& item) {
    count_ += 1 + count_nested(item);
    if (count_ > kMaxExpandedLayers) {
      diagnostics_.error(item.name_range, "the network expands to more than " +
                                              std::to_string(kMaxExpandedLayers) + " layers");
      stopped_ = true;
      return;
    }
    out.push_back(item);
  }

  static std::size_t count_nested(const ast::Item& item) {
    std::size_t n = 0;
    for (const ast::Item& inner : item.body) n += 1 + count_nested(inner);
    return n;
  }

  Diagnostics& diagnostics_;
  std::map<std::string, const ast::Macro*> macros_;
  std::vector<std::string> stack_;
  std::size_t count_ = 0;
  bool stopped_ = false;
};

}  // namespace

void expand_macros(ast::File& file, Diagnostics& diagnostics) {
  Expander expander(file, diagnostics);
  for (ast::Network& network : file.networks) network.layers = expander.expand(network.layers);
}

}  // namespace nnbench::dsl
