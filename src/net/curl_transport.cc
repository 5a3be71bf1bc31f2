// HttpClient's libcurl transport: one attempt of a request through an easy
// handle kept per thread (so that connections are reused).
#include <algorithm>
#include <cerrno>
#include <string>

#include "net/curl_library.h"
#include "net/http_attempt.h"

namespace tinkr::net::detail {
namespace {

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
    t->response.headers.add(std::string(trim_whitespace(line.substr(0, colon))),
                            std::string(trim_whitespace(line.substr(colon + 1))));
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

Error transport_error(CURLcode code, const Transfer& t, const char* errbuf) {
  const HttpRequest& r = *t.request;
  const std::string detail = errbuf[0] ? std::string(errbuf) : std::string(t.curl->easy_strerror(code));
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      t.curl->easy_getinfo(t.handle, CURLINFO_OS_ERRNO, &os_errno);
      std::string reason = "connection failed";
      if (os_errno == ECONNREFUSED) reason = "connection refused";
      else if (os_errno == EHOSTUNREACH) reason = "host unreachable";
      else if (os_errno == ENETUNREACH) reason = "network unreachable";
      else if (os_errno == ETIMEDOUT) reason = "timed out";
      return connect_failed(r, reason);
    }
    case CURLE_COULDNT_RESOLVE_HOST: return resolve_failed(r);
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connect_us = 0;
      t.curl->easy_getinfo(t.handle, CURLINFO_CONNECT_TIME_T, &connect_us);
      if (connect_us == 0 && t.bytes_received == 0) return connect_timed_out(r);
      return answer_timed_out(r);
    }
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
      return make_error(ErrorCode::kUnavailable, "TLS with " + origin_of(r.url) + " failed (" + detail +
                                                     "): check the URL and the CA file (ca_file)");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return make_error(ErrorCode::kInvalidArgument, "cannot call " + display_url(r.url) + ": " + detail);
    default: return request_failed(r, detail);
  }
}

}  // namespace

Attempt curl_attempt(const HttpClientOptions& options, const HttpRequest& r, Millis timeout, SseParser* sse) {
  Attempt out;
  auto loaded = curl_library();
  if (!loaded.ok()) {
    out.result = loaded.error();
    return out;
  }
  const CurlLibrary& curl = **loaded;
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
    if (t.cancelled) out.result = request_cancelled(r);
    else if (t.too_large || code == CURLE_FILESIZE_EXCEEDED) out.result = answer_too_large(r, options);
    else out.result = transport_error(code, t, errbuf);
    return out;
  }
  long status = 0;
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  t.response.status = static_cast<int>(status);
  out.retryable = is_retryable_status(t.response.status);
  out.result = std::move(t.response);
  return out;
}

}  // namespace tinkr::net::detail
