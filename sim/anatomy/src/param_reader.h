#pragma once
// Private to spinelab_anatomy: the strict reader of models/*.toml shared by the spine
// (spine_params.cc) and the rib cage (rib_params.cc). Every numeric parameter is an inline table
// { value = ..., source = "..." }; keys carry their unit and are converted to SI exactly once.
// Every problem is collected as a Diagnostic naming file:line, key, value and what is allowed.
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "spinelab/anatomy/spine.h"
#include "spinelab/sim/status.h"

namespace spinelab::sim::internal {

/// A model file by name: $SPINELAB_MODELS/<file>, else the source tree's models/<file>.
inline std::string ModelPath(const std::string& file) {
  if (const char* env = std::getenv("SPINELAB_MODELS")) return std::string(env) + "/" + file;
  return std::string(SPINELAB_SOURCE_DIR) + "/models/" + file;
}

/// The text of a model file, or a diagnostic naming it.
inline Expected<std::string> ReadModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<Diagnostic>{{path, "", std::string("cannot read model file: ") + std::strerror(errno)}};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// A model file's text parsed as TOML, or a diagnostic with the line of the syntax error.
inline Expected<toml::table> ParseModelToml(const std::string& text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return std::vector<Diagnostic>{{path + ":" + std::to_string(b.line), "",
                                    "TOML syntax error: " + std::string(e.description())}};
  } catch (const std::exception& e) {
    return std::vector<Diagnostic>{{path, "", std::string("cannot read model file: ") + e.what()}};
  }
}

class Reader {
 public:
  /// `origins` receives every parameter read, with its line and source.
  Reader(const toml::table& root, std::string file, std::vector<ParamOrigin>* origins)
      : root_(root), file_(std::move(file)), origins_(origins) {}

  std::vector<Diagnostic>& errors() { return errors_; }
  void MarkSeen(const std::string& key) { seen_.insert(key); }
  // whether the file gives `key` (for a key added later, whose absence means the earlier model)
  bool Present(const std::string& key) const { return root_.at_path(key).node() != nullptr; }

  // a scalar parameter scaled by `scale` into SI, in [lo, hi] (file units)
  double Scalar(const std::string& key, double scale, double lo, double hi, const std::string& unit) {
    const toml::table* t = Param(key);
    if (!t) return 0;
    const toml::node* v = t->get("value");
    const auto d = v ? v->value<double>() : std::nullopt;
    if (!d) {
      Error(Line(t), key + ".value", "must be a number in " + unit);
      return 0;
    }
    CheckRange(Line(v), key, *d, lo, hi, unit);
    return *d * scale;
  }

  // an array parameter of length n, each element scaled into SI and in [lo, hi]
  // `per` names what one entry stands for in the length message ("rib"); "" = the spine's
  // body/level/region by length
  std::vector<double> Array(const std::string& key, size_t n, double scale, double lo, double hi,
                            const std::string& unit, const std::string& per = "") {
    std::vector<double> out(n, 0.0);
    const toml::table* t = Param(key);
    if (!t) return out;
    const toml::array* a = t->get_as<toml::array>("value");
    if (!a) {
      Error(Line(t), key + ".value", "must be an array of " + std::to_string(n) + " numbers in " + unit);
      return out;
    }
    if (a->size() != n) {
      Error(Line(a), key + ".value", "has " + std::to_string(a->size()) + " entries; must have " +
                                         std::to_string(n) + " (one per " +
                                         (!per.empty() ? per : n == kSpineBodies ? "body" : n == kSpineLevels ? "level" : "region") + ")");
      return out;
    }
    for (size_t i = 0; i < n; ++i) {
      const auto d = (*a)[i].value<double>();
      const std::string k = key + "[" + std::to_string(i) + "]";
      if (!d) {
        Error(Line(&(*a)[i]), k, "must be a number in " + unit);
        continue;
      }
      CheckRange(Line(&(*a)[i]), k, *d, lo, hi, unit);
      out[i] = *d * scale;
    }
    return out;
  }

  std::vector<std::string> Strings(const std::string& key, size_t n,
                                   const std::set<std::string>& allowed = {}) {
    seen_.insert(key);
    std::vector<std::string> out;
    const toml::node* node = root_.at_path(key).node();
    const toml::array* a = node ? node->as_array() : nullptr;
    if (!a || a->size() != n) {
      Error(node ? Line(node) : 0, key, "must be an array of " + std::to_string(n) + " strings");
      return std::vector<std::string>(n);
    }
    for (size_t i = 0; i < n; ++i) {
      const auto s = (*a)[i].value<std::string>();
      if (!s) {
        Error(Line(&(*a)[i]), key + "[" + std::to_string(i) + "]", "must be a string");
        out.emplace_back();
        continue;
      }
      if (!allowed.empty() && !allowed.count(*s)) {
        std::string list;
        for (const auto& x : allowed) list += (list.empty() ? "" : ", ") + x;
        Error(Line(&(*a)[i]), key + "[" + std::to_string(i) + "]",
              "value '" + *s + "' is not allowed; allowed: " + list);
      }
      out.push_back(s.value_or(""));
    }
    return out;
  }

  /// "file:line" of a key (just "file" when it is missing), for checks made by the caller.
  std::string Where(const std::string& key) const {
    const toml::node* node = root_.at_path(key).node();
    return file_ + (node ? ":" + std::to_string(Line(node)) : "");
  }

  std::string Text(const std::string& key) {
    seen_.insert(key);
    const toml::node* node = root_.at_path(key).node();
    const auto s = node ? node->value<std::string>() : std::nullopt;
    if (!s) Error(node ? Line(node) : 0, key, "must be a string");
    return s.value_or("");
  }

  // every key in the file must have been read: an unknown key is an error, not ignored
  void CheckUnknown(const toml::table& t, const std::string& prefix) {
    for (const auto& [k, node] : t) {
      const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      if (seen_.count(key)) continue;
      if (const toml::table* sub = node.as_table(); sub && !sub->contains("value")) {
        CheckUnknown(*sub, key);
        continue;
      }
      Error(Line(&node), key, "unknown key (not part of schema_version 1; check the spelling)");
    }
  }

 private:
  const toml::table* Param(const std::string& key) {
    seen_.insert(key);
    const toml::node* node = root_.at_path(key).node();
    if (!node) {
      Error(0, key, "missing (required parameter)");
      return nullptr;
    }
    const toml::table* t = node->as_table();
    if (!t) {
      Error(Line(node), key, "must be { value = ..., source = \"...\" } (every parameter carries its source)");
      return nullptr;
    }
    for (const auto& [k, v] : *t) {
      if (k.str() != "value" && k.str() != "source")
        Error(Line(&v), key + "." + std::string(k.str()), "unknown field; allowed: value, source");
    }
    const auto src = t->get("source") ? t->get("source")->value<std::string>() : std::nullopt;
    if (!src || src->empty()) {
      Error(Line(t), key + ".source", "missing: give the paper (+ table/figure) or 'calibrated:'/'assumed:' with the reason");
    } else {
      const bool tagged = src->rfind("calibrated", 0) == 0 || src->rfind("assumed", 0) == 0;
      bool has_year = false;
      for (size_t i = 0; i + 3 < src->size(); ++i)
        if (std::isdigit((*src)[i]) && std::isdigit((*src)[i + 1]) && std::isdigit((*src)[i + 2]) &&
            std::isdigit((*src)[i + 3]))
          has_year = true;
      if (!tagged && !has_year && src->find("calibration.md") == std::string::npos)
        Error(Line(t), key + ".source",
              "'" + *src + "' names no paper/year and is not tagged 'calibrated:' or 'assumed:'");
      origins_->push_back({key, Line(t), *src});
    }
    return t;
  }

  void CheckRange(int line, const std::string& key, double v, double lo, double hi,
                  const std::string& unit) {
    if (!std::isfinite(v) || v < lo || v > hi)
      Error(line, key, "value " + FormatNumber(v) + " is out of range; allowed: [" + FormatNumber(lo) + ", " + FormatNumber(hi) + "] " + unit);
  }

  int Line(const toml::node* n) const { return n ? static_cast<int>(n->source().begin.line) : 0; }

  void Error(int line, const std::string& key, const std::string& message) {
    errors_.push_back({file_ + (line > 0 ? ":" + std::to_string(line) : ""), key, message});
  }

  const toml::table& root_;
  std::string file_;
  std::vector<ParamOrigin>* origins_;
  std::set<std::string> seen_;
  std::vector<Diagnostic> errors_;
};


}  // namespace spinelab::sim::internal
