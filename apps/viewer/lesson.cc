// Reading and checking lesson files (lesson.h).
#include "lesson.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "app_state.h"

namespace spinelab::viewer {

namespace {

namespace fs = std::filesystem;

constexpr int kSchemaVersion = 1;
constexpr size_t kMaxSteps = 100;

std::string ValueText(const toml::node& n) {
  std::ostringstream os;
  n.visit([&](const auto& v) { os << v; });
  return os.str();
}

template <size_t N>
std::string Join(const char* const (&names)[N]) {
  std::string out;
  for (size_t i = 0; i < N; ++i) out += (i ? ", " : "") + std::string(names[i]);
  return out;
}

template <size_t N>
bool OneOf(const std::string& v, const char* const (&names)[N]) {
  return std::find(std::begin(names), std::end(names), v) != std::end(names);
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)), dir_(fs::path(file_).parent_path()) {}
  std::vector<Diagnostic>& errors() { return errors_; }

  std::string Where(const toml::node* n) const {
    const int line = n ? static_cast<int>(n->source().begin.line) : 0;
    return file_ + (line > 0 ? ":" + std::to_string(line) : "");
  }
  void Error(const toml::node* n, const std::string& key, const std::string& msg) { errors_.push_back({Where(n), key, msg}); }

  void Unknown(const toml::table& t, const std::string& prefix, const std::set<std::string>& allowed) {
    for (const auto& [k, node] : t)
      if (!allowed.count(std::string(k.str()))) {
        std::string list;
        for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
        Error(&node, prefix + std::string(k.str()), "unknown key; allowed: " + list);
      }
  }

  bool String(const toml::table& t, const std::string& prefix, const char* key, std::string* out, bool required = false) {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) Error(&t, prefix + key, "missing (a string)");
      return false;
    }
    if (!n->is_string()) return Error(n, prefix + key, ValueText(*n) + " is not a string"), false;
    *out = n->as_string()->get();
    if (required && out->empty()) Error(n, prefix + key, "is empty");
    return true;
  }
  template <typename T>
  void Number(const toml::table& t, const std::string& prefix, const char* key, T* out, double lo, double hi, const char* unit) {
    const toml::node* n = t.get(key);
    if (!n) return;
    if (!n->is_number()) return Error(n, prefix + key, ValueText(*n) + " is not a number");
    const double v = n->value<double>().value_or(NAN);
    if (!(v >= lo && v <= hi))
      return Error(n, prefix + key, ValueText(*n) + " is out of range; allowed " + FormatNumber(lo) + " .. " + FormatNumber(hi) + " " + unit);
    *out = static_cast<T>(v);
  }
  void Bool(const toml::table& t, const std::string& prefix, const char* key, bool* out) {
    const toml::node* n = t.get(key);
    if (!n) return;
    if (!n->is_boolean()) return Error(n, prefix + key, ValueText(*n) + " is not true or false");
    *out = n->as_boolean()->get();
  }
  // strings, or one string
  std::vector<std::string> Strings(const toml::table& t, const std::string& prefix, const char* key) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    if (n->is_string()) return {n->as_string()->get()};
    const toml::array* a = n->as_array();
    if (!a) return Error(n, prefix + key, ValueText(*n) + " is not a string or an array of strings"), out;
    for (const toml::node& e : *a) {
      if (!e.is_string()) return Error(&e, prefix + key, ValueText(e) + " is not a string"), std::vector<std::string>{};
      out.push_back(e.as_string()->get());
    }
    return out;
  }
  // a scenario path relative to the lesson's folder, checked to exist
  std::string Scenario(const toml::node* n, const std::string& key, const std::string& rel) {
    const fs::path p = fs::path(rel).is_absolute() ? fs::path(rel) : dir_ / rel;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) Error(n, key, "\"" + rel + "\": no such scenario file (paths are relative to the lesson's folder: " + dir_.string() + ")");
    return p.lexically_normal().string();
  }

 private:
  std::string file_;
  fs::path dir_;
  std::vector<Diagnostic> errors_;
};

}  // namespace

std::string LessonPath(const std::string& name_or_path, const std::string& lessons_dir) {
  std::error_code ec;
  if (fs::is_regular_file(name_or_path, ec)) return name_or_path;
  std::string name = name_or_path;
  std::replace(name.begin(), name.end(), '-', '_');
  return (fs::path(lessons_dir) / (name + ".toml")).string();
}

std::vector<std::string> ListLessons(const std::string& lessons_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(lessons_dir, ec))
    if (e.path().extension() == ".toml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

Expected<Lesson> LoadLesson(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return std::vector<Diagnostic>{{path, "--lesson", "no such lesson file (lessons/*.toml; --lesson NAME reads lessons/NAME.toml)"}};
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return std::vector<Diagnostic>{{path + ":" + std::to_string(e.source().begin.line), "", std::string(e.description())}};
  }
  Reader r(path);
  Lesson L;
  L.file = path;
  r.Unknown(root, "", {"schema_version", "lesson", "step"});
  int version = 0;
  r.Number(root, "", "schema_version", &version, kSchemaVersion, kSchemaVersion, "");
  if (!root.get("schema_version")) r.Error(&root, "schema_version", "missing; this viewer reads schema_version = 1");
  const toml::table* head = root.get_as<toml::table>("lesson");
  if (!head) {
    r.Error(&root, "lesson", "missing: a [lesson] table with title (and summary)");
  } else {
    r.Unknown(*head, "lesson.", {"title", "summary"});
    r.String(*head, "lesson.", "title", &L.title, true);
    r.String(*head, "lesson.", "summary", &L.summary);
  }
  const toml::array* steps = root.get_as<toml::array>("step");
  if (!steps || steps->empty() || !(*steps)[0].is_table()) {
    r.Error(&root, "step", "missing: the lesson needs at least one [[step]]");
    return r.errors();
  }
  if (steps->size() > kMaxSteps) r.Error(steps, "step", std::to_string(steps->size()) + " steps; at most " + std::to_string(kMaxSteps));
  const std::set<std::string> keys = {"caption", "scenario", "compare", "set", "view", "focus", "quantity", "disc",
                                      "from_s", "to_s", "speed", "slow_motion_speed", "slow_motion_window_s", "table", "pause"};
  for (size_t i = 0; i < steps->size() && i < kMaxSteps; ++i) {
    const toml::table* t = (*steps)[i].as_table();
    const std::string p = "step." + std::to_string(i) + ".";
    if (!t) {
      r.Error(&(*steps)[i], "step." + std::to_string(i), "is not a table");
      continue;
    }
    LessonStep s = i > 0 && !L.steps.empty() ? L.steps.back() : LessonStep{};  // a step keeps what it does not change
    s.line = static_cast<int>(t->source().begin.line);
    s.caption.clear();
    s.from_s = 0, s.to_s = -1;
    r.Unknown(*t, p, keys);
    r.String(*t, p, "caption", &s.caption, true);
    const std::vector<std::string> one = r.Strings(*t, p, "scenario"), two = r.Strings(*t, p, "compare");
    if (t->get("scenario") && t->get("compare")) {
      r.Error(t->get("compare"), p + "compare", "give scenario (one run) or compare (two side by side), not both");
    } else if (t->get("scenario")) {
      if (one.size() != 1) r.Error(t->get("scenario"), p + "scenario", "one scenario file (two side by side: compare)");
      else s.scenarios = {r.Scenario(t->get("scenario"), p + "scenario", one[0])};
    } else if (t->get("compare")) {
      if (two.size() != 2) r.Error(t->get("compare"), p + "compare", std::to_string(two.size()) + " files; compare takes two scenario files");
      else s.scenarios = {r.Scenario(t->get("compare"), p + "compare", two[0]), r.Scenario(t->get("compare"), p + "compare", two[1])};
    } else if (s.scenarios.empty()) {
      r.Error(t, p + "scenario", "the first step names what to show: scenario = \"FILE\" or compare = [\"A\", \"B\"]");
    }
    if (t->get("set")) s.set = r.Strings(*t, p, "set");
    for (const std::string& kv : s.set)
      if (kv.find('=') == std::string::npos) r.Error(t->get("set"), p + "set", "\"" + kv + "\" is not key.path=value");
    if (r.String(*t, p, "view", &s.view) && !OneOf(s.view, kViewNames))
      r.Error(t->get("view"), p + "view", "\"" + s.view + "\"; allowed: " + Join(kViewNames));
    if (t->get("focus")) r.String(*t, p, "focus", &s.focus);
    if (r.String(*t, p, "quantity", &s.quantity) && !OneOf(s.quantity, kFacetQuantityNames))
      r.Error(t->get("quantity"), p + "quantity", "\"" + s.quantity + "\"; allowed: " + Join(kFacetQuantityNames));
    if (r.String(*t, p, "disc", &s.disc) && !OneOf(s.disc, kDiscQuantityNames))
      r.Error(t->get("disc"), p + "disc", "\"" + s.disc + "\"; allowed: " + Join(kDiscQuantityNames));
    r.Number(*t, p, "from_s", &s.from_s, 0, 1e7, "s");
    r.Number(*t, p, "to_s", &s.to_s, 0, 1e7, "s");
    if (t->get("to_s") && s.to_s <= s.from_s)
      r.Error(t->get("to_s"), p + "to_s", FormatNumber(s.to_s) + " s is not after from_s = " + FormatNumber(s.from_s) + " s");
    r.Number(*t, p, "speed", &s.speed, kMinSpeed, kMaxSpeed, "(playback speed)");
    s.slow_speed = 0;
    r.Number(*t, p, "slow_motion_speed", &s.slow_speed, kMinSpeed, 1.0, "(playback speed near a pop)");
    r.Number(*t, p, "slow_motion_window_s", &s.slow_window_s, 0.001, 5.0, "s");
    s.table = false, s.pause = true;
    r.Bool(*t, p, "table", &s.table);
    r.Bool(*t, p, "pause", &s.pause);
    if (s.table && s.scenarios.size() != 2) r.Error(t->get("table"), p + "table", "the comparison table needs two runs (compare = [A, B])");
    L.steps.push_back(std::move(s));
  }
  if (!r.errors().empty()) return r.errors();
  return L;
}

}  // namespace spinelab::viewer
