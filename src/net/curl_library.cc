#include "net/curl_library.h"

#include <dlfcn.h>

#include <mutex>
#include <string>
#include <type_traits>

namespace tinkr::net {
namespace {

// The SONAME of libcurl's ABI 4 (stable since libcurl 7.16, 2006), the one
// <curl/curl.h> from libcurl4-openssl-dev describes.
constexpr const char* kLibcurlSoname = "libcurl.so.4";

Result<CurlLibrary> load() {
  // RTLD_LAZY: libcurl's own calls into its dependencies are bound when first
  // made; RTLD_LOCAL: its symbols stay out of the global scope.
  void* handle = dlopen(kLibcurlSoname, RTLD_LAZY | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return make_error(ErrorCode::kUnavailable, std::string("cannot load libcurl, needed for HTTP(S) (") +
                                                   (why ? why : kLibcurlSoname) +
                                                   "): install it (Debian: apt install libcurl4)");
  }
  CurlLibrary lib{};
  std::string missing;
  auto bind = [&](auto& member, const char* name) {
    member = reinterpret_cast<std::remove_reference_t<decltype(member)>>(dlsym(handle, name));
    if (!member) missing += missing.empty() ? name : std::string(", ") + name;
  };
  bind(lib.global_init, "curl_global_init");
  bind(lib.easy_init, "curl_easy_init");
  bind(lib.easy_reset, "curl_easy_reset");
  bind(lib.easy_cleanup, "curl_easy_cleanup");
  bind(lib.easy_setopt, "curl_easy_setopt");
  bind(lib.easy_getinfo, "curl_easy_getinfo");
  bind(lib.easy_perform, "curl_easy_perform");
  bind(lib.easy_strerror, "curl_easy_strerror");
  bind(lib.slist_append, "curl_slist_append");
  bind(lib.slist_free_all, "curl_slist_free_all");
  bind(lib.url, "curl_url");
  bind(lib.url_cleanup, "curl_url_cleanup");
  bind(lib.url_set, "curl_url_set");
  bind(lib.url_get, "curl_url_get");
  bind(lib.free, "curl_free");
  bind(lib.getdate, "curl_getdate");
  if (!missing.empty()) {
    // The handle stays open: a partly usable library is not unloaded under
    // anyone who linked it directly.
    return make_error(ErrorCode::kUnavailable, std::string(kLibcurlSoname) + " lacks " + missing +
                                                   ": install libcurl 7.85 or newer (Debian: apt install libcurl4)");
  }
  if (const CURLcode code = lib.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    return make_error(ErrorCode::kUnavailable, std::string("libcurl failed to initialise: ") + lib.easy_strerror(code));
  }
  return lib;
}

}  // namespace

Result<const CurlLibrary*> curl_library() {
  static const Result<CurlLibrary> loaded = load();  // thread-safe initialisation, tried once
  if (!loaded.ok()) return loaded.error();
  return &*loaded;
}

}  // namespace tinkr::net
