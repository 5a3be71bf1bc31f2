#include "net/http_client.h"

#include <algorithm>
#include <cerrno>
#include <memory>
#include <thread>

#include "core/json.h"
#include "core/strings.h"
#include "core/time.h"
#include "net/curl_library.h"

namespace tinkr::net {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// One easy handle per thread, reset between calls, so that connections are
// reused; a nested call on the same thread (from a stream callback) gets its own.
struct ThreadHandle {
  const CurlLibrary* curl = nullptr;
  CURL* handle = nullptr;
  bool busy = false;
  ~ThreadHandle() {
    if (handle) curl->easy_cleanup(handle);
  }
};

class HandleLease {
 public:
  explicit HandleLease(const CurlLibrary& curl) : curl_(curl) {
    thread_local ThreadHandle cached;
    if (!cached.busy) {
      cached.curl = &curl;
      if (!cached.handle) cached.handle = curl.easy_init();
      else curl.easy_reset(cached.handle);
      cached.busy = true;
      slot_ = &cached;
      handle_ = cached.handle;
    } else {
      handle_ = curl.easy_init();
    }
  }
  ~HandleLease() {
    if (slot_) slot_->busy = false;
    else if (handle_) curl_.easy_cleanup(handle_);
  }
  HandleLease(const HandleLease&) = delete;
  HandleLease& operator=(const HandleLease&) = delete;
  CURL* get() const { return handle_; }

 private:
  const CurlLibrary& curl_;
  ThreadHandle* slot_ = nullptr;
  CURL* handle_ = nullptr;
};

struct UrlParts {
  std::string scheme, host, port, path;
};

// nullopt when the URL does not parse, or libcurl cannot be loaded.
std::optional<UrlParts> parse_url(std::string_view url) {
  auto loaded = curl_library();
  if (!loaded.ok()) return std::nullopt;
  const CurlLibrary& curl = **loaded;
  std::unique_ptr<CURLU, decltype(curl.url_cleanup)> u(curl.url(), curl.url_cleanup);
  if (!u) return std::nullopt;
  const std::string text(url);
  if (curl.url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) return std::nullopt;
  UrlParts parts;
  auto get = [&](CURLUPart part, std::string& out) {
    char* value = nullptr;
    if (curl.url_get(u.get(), part, &value, 0) == CURLUE_OK && value) {
      out = value;
      curl.free(value);
    }
  };
  get(CURLUPART_SCHEME, parts.scheme);
  get(CURLUPART_HOST, parts.host);
  get(CURLUPART_PORT, parts.port);
  get(CURLUPART_PATH, parts.path);
  return parts;
}

struct Transfer {
  const HttpRequest* request = nullptr;
  size_t max_bytes = 0;
  HttpResponse response;
  bool too_large = false;
  bool cancelled = false;
  bool stopped_by_callback = false;
  size_t bytes_received = 0;
  CURL* handle = nullptr;
  const CurlLibrary* curl = nullptr;
  SseParser* sse = nullptr;  // set in streaming mode
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new status line: a 100 Continue or a new answer
    t->response.headers = Headers();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    t->response.headers.add(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return n;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  t->bytes_received += n;
  if (t->sse) {
    long status = 0;
    t->curl->easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      if (!t->sse->feed(std::string_view(data, n))) {
        t->stopped_by_callback = true;
        return 0;  // ends the transfer (CURLE_WRITE_ERROR)
      }
      return n;
    }
  }
  if (t->response.body.size() + n > t->max_bytes) {
    t->too_large = true;
    return 0;
  }
  t->response.body.append(data, n);
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request->cancel && t->request->cancel->load()) {
    t->cancelled = true;
    return 1;
  }
  return 0;
}

std::string seconds_text(Millis ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + "s";
  return std::to_string(ms.count()) + "ms";
}

std::string peer_hint(const HttpRequest& r) {
  std::string out;
  const std::string peer = r.peer_name.empty() ? "the server" : r.peer_name;
  out += ": is " + peer + " running";
  if (!r.config_key.empty()) out += "? check " + r.config_key;
  else out += " and is the URL right?";
  return out;
}

std::string origin_of(std::string_view url) {
  auto p = parse_url(url);
  if (!p) return std::string(url);
  std::string out = p->scheme + "://" + p->host;
  if (!p->port.empty()) out += ":" + p->port;
  return out;
}

// Whether a transport failure is worth another attempt.
bool retryable_transport(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

Error transport_error(CURLcode code, const Transfer& t, const char* errbuf, const HttpClientOptions& options) {
  const HttpRequest& r = *t.request;
  const std::string shown = display_url(r.url);
  const std::string detail = errbuf[0] ? std::string(errbuf) : std::string(t.curl->easy_strerror(code));
  if (t.cancelled) return make_error(ErrorCode::kCancelled, "request to " + shown + " cancelled");
  if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    const size_t mib = options.max_response_bytes >> 20;
    const std::string cap =
        mib > 0 ? std::to_string(mib) + " MiB" : std::to_string(options.max_response_bytes) + " bytes";
    return make_error(ErrorCode::kPayloadTooLarge,
                      "answer from " + shown + " exceeded the " + cap + " cap; narrow the time range or lower --limit");
  }
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      t.curl->easy_getinfo(t.handle, CURLINFO_OS_ERRNO, &os_errno);
      std::string reason = "connection failed";
      if (os_errno == ECONNREFUSED) reason = "connection refused";
      else if (os_errno == EHOSTUNREACH) reason = "host unreachable";
      else if (os_errno == ENETUNREACH) reason = "network unreachable";
      else if (os_errno == ETIMEDOUT) reason = "timed out";
      return make_error(ErrorCode::kUnavailable,
                        "could not connect to " + origin_of(r.url) + " (" + reason + ")" + peer_hint(r));
    }
    case CURLE_COULDNT_RESOLVE_HOST:
      return make_error(ErrorCode::kUnavailable,
                        "could not resolve the host of " + origin_of(r.url) +
                            (r.config_key.empty() ? ": is the URL right?" : ": check " + r.config_key));
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connect_us = 0;
      t.curl->easy_getinfo(t.handle, CURLINFO_CONNECT_TIME_T, &connect_us);
      if (connect_us == 0 && t.bytes_received == 0) {
        return make_error(ErrorCode::kDeadlineExceeded, "could not connect to " + origin_of(r.url) + " within " +
                                                            seconds_text(r.connect_timeout) + peer_hint(r));
      }
      return make_error(ErrorCode::kDeadlineExceeded,
                        "no complete answer from " + shown + " within " + seconds_text(r.timeout) +
                            ": the query may be too broad; narrow the time range or retry later");
    }
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
      return make_error(ErrorCode::kUnavailable, "TLS with " + origin_of(r.url) + " failed (" + detail +
                                                     "): check the URL and the CA file (ca_file)");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return make_error(ErrorCode::kInvalidArgument, "cannot call " + shown + ": " + detail);
    default: return make_error(ErrorCode::kUnavailable, "request to " + shown + " failed: " + detail);
  }
}

struct Attempt {
  Result<HttpResponse> result = make_error(ErrorCode::kInternal, "not run");
  bool retryable = false;
  size_t bytes_received = 0;
};

Attempt run_once(const CurlLibrary& curl, const HttpClientOptions& options, const HttpRequest& r, Millis timeout,
                 SseParser* sse) {
  Attempt out;
  HandleLease lease(curl);
  CURL* h = lease.get();
  if (!h) {
    out.result = make_error(ErrorCode::kInternal, "libcurl could not create a handle");
    return out;
  }
  Transfer t;
  t.request = &r;
  t.max_bytes = options.max_response_bytes;
  t.handle = h;
  t.curl = &curl;
  t.sse = sse;
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl.easy_setopt(h, CURLOPT_URL, r.url.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl.easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
  curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(0, timeout.count())));
  curl.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
  curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl.easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl.easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl.easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  if (!options.ca_file.empty()) curl.easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.verify_tls) {
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  if (r.method == "GET") {
    curl.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl.easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
    curl.easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
    curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  }

  curl_slist* list = nullptr;
  for (const auto& [name, value] : r.headers.items()) {
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    list = curl.slist_append(list, line.c_str());
  }
  if (!r.headers.contains("Expect")) list = curl.slist_append(list, "Expect:");
  if (sse && !r.headers.contains("Accept")) list = curl.slist_append(list, "Accept: text/event-stream");
  curl.easy_setopt(h, CURLOPT_HTTPHEADER, list);

  const CURLcode code = curl.easy_perform(h);
  curl.slist_free_all(list);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  out.bytes_received = t.bytes_received;

  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && t.stopped_by_callback)) {
    out.retryable = !t.cancelled && !t.too_large && retryable_transport(code);
    out.result = transport_error(code, t, errbuf, options);
    return out;
  }
  long status = 0;
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  t.response.status = static_cast<int>(status);
  out.retryable = is_retryable_status(t.response.status);
  out.result = std::move(t.response);
  return out;
}

std::mt19937_64& rng() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

Result<HttpResponse> run_with_retries(const HttpClientOptions& options, const HttpRequest& r, SseParser* sse) {
  TINKR_ASSIGN_OR_RETURN(const CurlLibrary* curl, curl_library());
  const auto parts = parse_url(r.url);
  if (!parts || (parts->scheme != "http" && parts->scheme != "https")) {
    return make_error(ErrorCode::kInvalidArgument, "'" + display_url(r.url) +
                                                       "' is not an http:// or https:// URL; check " +
                                                       (r.config_key.empty() ? std::string("the URL") : r.config_key));
  }
  const RetryPolicy policy = r.retry.value_or(options.retry);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + policy.total_deadline;
  for (int attempt = 1;; ++attempt) {
    Attempt a = run_once(*curl, options, r, r.timeout, sse);
    bool retry = a.retryable && attempt < std::max(1, policy.max_attempts);
    if (!a.result.ok() && !policy.retry_connection_errors) retry = false;
    if (a.result.ok() && !policy.retry_statuses) retry = false;
    if (sse && !a.result.ok() && a.bytes_received > 0) retry = false;  // never replay a stream
    if (!retry) return std::move(a.result);

    Millis delay = backoff_delay(policy, attempt, rng());
    if (a.result.ok()) {
      if (auto ra = a.result->headers.get("Retry-After")) {
        if (auto parsed = parse_retry_after(*ra, now())) {
          if (*parsed > policy.max_retry_after) return std::move(a.result);
          delay = *parsed;
        }
      }
    }
    if (std::chrono::steady_clock::now() + delay >= deadline) return std::move(a.result);
    // Sleep in slices so that cancellation is noticed.
    const auto wake = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < wake) {
      if (r.cancel && r.cancel->load()) {
        return make_error(ErrorCode::kCancelled, "request to " + display_url(r.url) + " cancelled");
      }
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(50),
                                                        wake - std::chrono::steady_clock::now()));
    }
  }
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace

Headers::Headers(std::initializer_list<std::pair<std::string, std::string>> items) : items_(items) {}

void Headers::add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }

void Headers::set(std::string name, std::string value) {
  items_.erase(std::remove_if(items_.begin(), items_.end(), [&](const auto& kv) { return iequals(kv.first, name); }),
               items_.end());
  items_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : items_) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {}

Result<HttpResponse> HttpClient::send(const HttpRequest& request) const {
  return run_with_retries(options_, request, nullptr);
}

Result<HttpResponse> HttpClient::get(std::string url, Headers headers) const {
  HttpRequest r;
  r.url = std::move(url);
  r.headers = std::move(headers);
  return send(r);
}

Result<HttpResponse> HttpClient::post_json(std::string url, std::string json_body, Headers headers) const {
  HttpRequest r;
  r.method = "POST";
  r.url = std::move(url);
  r.headers = std::move(headers);
  if (!r.headers.contains("Content-Type")) r.headers.add("Content-Type", "application/json");
  r.body = std::move(json_body);
  return send(r);
}

Result<HttpResponse> HttpClient::stream_sse(const HttpRequest& request,
                                            const std::function<bool(const SseEvent&)>& on_event) const {
  SseParser parser(on_event);
  return run_with_retries(options_, request, &parser);
}

std::string basic_auth(std::string_view user, std::string_view password) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in;
  in.reserve(user.size() + password.size() + 1);
  in.append(user).append(":").append(password);
  std::string out = "Basic ";
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string bearer_auth(std::string_view token) { return "Bearer " + std::string(token); }

std::string display_url(std::string_view url) {
  auto p = parse_url(url);
  if (!p || p->host.empty()) {
    // Not parseable: still drop the query, the fragment and any user info.
    std::string s(url.substr(0, url.find_first_of("?#")));
    const size_t scheme_end = s.find("://");
    const size_t host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    if (const size_t at = s.find('@', host_start); at != std::string::npos) s.erase(host_start, at + 1 - host_start);
    return s;
  }
  std::string out = p->scheme + "://" + p->host;
  if (!p->port.empty()) out += ":" + p->port;
  if (p->path != "/") out += p->path;
  return out;
}

Error error_from_response(const HttpResponse& response, std::string_view peer_name) {
  const ErrorCode code = error_code_from_http_status(response.status);
  if (auto parsed = parse_json(response.body, "error body"); parsed.ok()) {
    if (auto ours = error_from_json(*parsed)) return *ours;
  }
  std::string message(peer_name.empty() ? "the server" : peer_name);
  message += " answered " + std::to_string(response.status);
  if (auto phrase = reason_phrase(response.status); !phrase.empty()) message += " " + std::string(phrase);
  const std::string snippet(trim(one_line_prefix(response.body, 300)));
  if (!snippet.empty()) message += ": " + snippet;
  return make_error(code, std::move(message));
}

}  // namespace tinkr::net
