#pragma once
/// @file status.h
/// Error reporting for spinelab: Diagnostic (one problem in an input), Expected<T> (a value or the
/// full list of problems found while building it) and SPINELAB_THROW_UNLESS for API misuse.
/// Bad input is collected whole at load/compile time (STYLE.md §7); the step loop never throws.

#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace spinelab {

/// A number as diagnostics print it (6 significant digits, no trailing zeros).
inline std::string FormatNumber(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}

/// One problem in an input: where it is (file:line), which key/element, and what is wrong.
struct Diagnostic {
  std::string where;    ///< "models/spine_adult.toml:42", or "" when not from a file
  std::string path;     ///< key path or element name, e.g. "disc.shear_stiffness_N_per_m[3]"
  std::string message;  ///< the value, what is allowed and (where useful) a fix

  /// "file:line: key: message" (empty parts left out).
  std::string Format() const {
    std::string out;
    if (!where.empty()) out += where + ": ";
    if (!path.empty()) out += path + ": ";
    out += message;
    return out;
  }
};

/// Thrown by loaders/builders when Expected<T> is unwrapped with errors; carries all diagnostics.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics)
      : std::runtime_error(Join(diagnostics)), diagnostics_(std::move(diagnostics)) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

  static std::string Join(const std::vector<Diagnostic>& d) {
    std::string out;
    for (size_t i = 0; i < d.size(); ++i) {
      if (i) out += "\n";
      out += d[i].Format();
    }
    return out;
  }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// A value of type T, or the list of diagnostics explaining why it could not be made.
template <typename T>
class Expected {
 public:
  Expected(T value) : value_(std::move(value)) {}  // NOLINT(runtime/explicit)
  Expected(std::vector<Diagnostic> errors) : errors_(std::move(errors)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  std::string ErrorText() const { return InputError::Join(errors_); }

  /// The value; throws InputError with every diagnostic if there is none.
  T& value() & {
    if (!ok()) throw InputError(errors_);
    return *value_;
  }
  const T& value() const& {
    if (!ok()) throw InputError(errors_);
    return *value_;
  }
  T&& value() && {
    if (!ok()) throw InputError(errors_);
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
  std::vector<Diagnostic> errors_;
};

namespace internal {
[[noreturn]] inline void ThrowInvalidArgument(const char* cond, const char* file, int line,
                                              const std::string& msg) {
  std::ostringstream os;
  os << "spinelab: requirement '" << cond << "' failed at " << file << ":" << line;
  if (!msg.empty()) os << ": " << msg;
  throw std::invalid_argument(os.str());
}
}  // namespace internal

}  // namespace spinelab

/// Throws std::invalid_argument naming the condition when a public API precondition fails.
#define SPINELAB_THROW_UNLESS(cond, msg)                                          \
  do {                                                                            \
    if (!(cond)) ::spinelab::internal::ThrowInvalidArgument(#cond, __FILE__, __LINE__, (msg)); \
  } while (0)
