// CurlLibrary: the libcurl functions Tinkr calls, loaded with dlopen the first
// time they are needed instead of when the program starts.
//
// Why: Debian's libcurl depends on ~30 shared libraries (nghttp2, ssh2, ldap,
// krb5, gnutls, idn2, psl, rtmp, …). Linked normally, the dynamic loader maps
// and relocates all of them at exec: that was ~80 % of `tinkr --help` (17 M
// instructions before main; bench/RESULTS.md, "CLI"). Loaded here, only a
// process that actually makes a request pays for it, once.
//
// The members have the exact types of the declarations in <curl/curl.h>
// (decltype), so calls through them are checked like direct calls; the
// variadic curl_easy_setopt/curl_easy_getinfo are called through their real
// addresses (no va_list forwarding). A program that also links libcurl (the
// server, through its backends) gets the copy already loaded.
//
// curl_library() is thread-safe; it tries once and the table is immutable.
#pragma once

#include <curl/curl.h>

#include "core/result.h"

namespace tinkr::net {

struct CurlLibrary {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_free) free;
  decltype(&::curl_getdate) getdate;
};

// libcurl, loaded and globally initialised (curl_global_init) on the first
// call. kUnavailable when it cannot be loaded: the message names the library
// and the Debian package to install.
Result<const CurlLibrary*> curl_library();

}  // namespace tinkr::net
