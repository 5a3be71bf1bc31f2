// Result<T>: a value or an Error, the one way errors travel in Tinkr.
//
// Errors are values; exceptions never cross a module boundary. An Error has a
// code (what kind of failure, which decides the HTTP status the server answers
// and the exit code the CLI returns) and a message written for the person who
// has to fix it: what was wrong and what to do.
//
// Result is a plain value type: not thread-safe to mutate concurrently, safe to
// copy and read from several threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tinkr {

enum class ErrorCode {
  kInvalidArgument,   // bad input from the user: 400, exit 2
  kUnauthenticated,   // missing or wrong token: 401
  kPermissionDenied,  // token valid, role too small: 403
  kNotFound,          // 404
  kConflict,          // 409
  kPayloadTooLarge,   // 413
  kRateLimited,       // 429 (ours or a backend's)
  kConfig,            // configuration file or environment is wrong: 500, exit 1
  kInternal,          // a bug: 500
  kUnimplemented,     // 501
  kBackend,           // the backend answered with an error or garbage: 502
  kUnavailable,       // the backend or server cannot be reached: 503
  kDeadlineExceeded,  // timed out: 504
  kCancelled,         // the caller went away or pressed Ctrl-C: 499
};

// The stable lower_snake name used in JSON error bodies ("invalid_argument").
std::string_view error_code_name(ErrorCode code);
// The inverse of error_code_name; kInternal for an unknown name.
ErrorCode error_code_from_name(std::string_view name);
// The HTTP status the server answers with for this code.
int http_status(ErrorCode code);
// The code that best describes an HTTP status received from a peer.
ErrorCode error_code_from_http_status(int status);
// The CLI exit code: 2 for usage errors, 130 for cancellation, 1 otherwise.
int exit_code(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // "invalid_argument: <message>"
  std::string to_string() const;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Precondition for value(), operator* and operator->: ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Precondition for error(): !ok().
  const Error& error() const { return std::get<1>(v_); }
  Error& error() { return std::get<1>(v_); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return Status(); }

}  // namespace tinkr

// Return early with the error of an expression that yields a Result.
// The Result is bound by reference, not copied: an lvalue (a Status variable)
// is used in place and a temporary lives until the check is done. Hence `expr`
// must not be a reference into a temporary (`make_batch().status()`).
#define TINKR_RETURN_IF_ERROR(expr)                        \
  do {                                                     \
    auto&& tinkr_status_ = (expr);                         \
    if (!tinkr_status_.ok()) return tinkr_status_.error(); \
  } while (0)

#define TINKR_CONCAT_INNER_(a, b) a##b
#define TINKR_CONCAT_(a, b) TINKR_CONCAT_INNER_(a, b)
// TINKR_ASSIGN_OR_RETURN(auto x, expr): bind the value of a Result or return its error.
#define TINKR_ASSIGN_OR_RETURN(lhs, expr) \
  TINKR_ASSIGN_OR_RETURN_IMPL_(TINKR_CONCAT_(tinkr_result_, __LINE__), lhs, expr)
// NOLINTBEGIN(bugprone-macro-parentheses): `tmp` names a variable and `lhs` is a
// declaration (`auto x`); neither can be parenthesised.
#define TINKR_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp.error());      \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
