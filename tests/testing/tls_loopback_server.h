// TlsLoopbackServer: an HTTPS server on 127.0.0.1 for tests of TLS clients
// (a private CA in `ca_file`). At start it makes a self-signed certificate
// (EC P-256, subjectAltName IP:127.0.0.1, CA:TRUE so that the certificate is
// its own trust anchor, as `openssl req -x509` makes them) and writes it as
// PEM to cert_file(); a client that trusts that file can connect, one that
// uses the system store cannot. Every request gets the same answer.
// Boost.Asio SSL over OpenSSL, one background thread; all methods are
// thread-safe.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "testing/tempdir.h"

namespace tinkr::testing {

class TlsLoopbackServer {
 public:
  TlsLoopbackServer(int status, std::string content_type, std::string body);
  ~TlsLoopbackServer();
  TlsLoopbackServer(const TlsLoopbackServer&) = delete;
  TlsLoopbackServer& operator=(const TlsLoopbackServer&) = delete;

  // "https://127.0.0.1:<port>".
  std::string url() const;
  // The server's certificate, PEM: the CA file a client must trust.
  const std::filesystem::path& cert_file() const { return cert_file_; }
  // Requests read after a completed handshake.
  size_t requests() const { return requests_.load(); }

 private:
  struct Impl;
  TempDir dir_{"tls-server"};
  std::filesystem::path cert_file_;
  std::atomic<size_t> requests_{0};
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace tinkr::testing
