#include "testing/tls_loopback_server.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace tinkr::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("TlsLoopbackServer: ") + what); }

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

struct Credentials {
  std::string cert_pem;
  std::string key_pem;
};

Credentials make_self_signed_for_loopback() {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  if (!key) fail("EC key generation failed");
  std::unique_ptr<X509, CertFree> cert(X509_new());
  if (!cert) fail("X509_new failed");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("tinkr test CA"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  const std::pair<int, const char*> extensions[] = {{NID_basic_constraints, "critical,CA:TRUE"},
                                                    {NID_key_usage, "critical,digitalSignature,keyCertSign"},
                                                    {NID_subject_key_identifier, "hash"},
                                                    {NID_subject_alt_name, "IP:127.0.0.1"}};
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) fail("X509V3_EXT_conf_nid failed");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) fail("X509_sign failed");

  std::unique_ptr<BIO, BioFree> cert_bio(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio) fail("BIO_new failed");
  if (PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) fail("PEM_write_bio_X509 failed");
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail("PEM_write_bio_PrivateKey failed");
  }
  return {bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

}  // namespace

struct TlsLoopbackServer::Impl {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  int status = 200;
  std::string content_type;
  std::string body;
  std::atomic<size_t>* requests = nullptr;

  asio::awaitable<void> session(tcp::socket socket) {
    asio::ssl::stream<tcp::socket> stream(std::move(socket), tls);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
    if (hec) co_return;  // the client did not trust the certificate
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [rec, rn] = co_await http::async_read(stream, buffer, req, kTuple);
      if (rec) break;
      requests->fetch_add(1);
      http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
      res.set(http::field::content_type, content_type);
      res.body() = body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
      if (wec || !res.keep_alive()) break;
    }
    co_await stream.async_shutdown(kTuple);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }
};

TlsLoopbackServer::TlsLoopbackServer(int status, std::string content_type, std::string body)
    : impl_(std::make_unique<Impl>()) {
  const Credentials credentials = make_self_signed_for_loopback();
  cert_file_ = dir_.write_file("ca.pem", credentials.cert_pem);
  impl_->tls.use_certificate_chain(asio::buffer(credentials.cert_pem));
  impl_->tls.use_private_key(asio::buffer(credentials.key_pem), asio::ssl::context::pem);
  impl_->status = status;
  impl_->content_type = std::move(content_type);
  impl_->body = std::move(body);
  impl_->requests = &requests_;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  thread_ = std::thread([this] { impl_->io.run(); });
}

TlsLoopbackServer::~TlsLoopbackServer() {
  impl_->io.stop();
  if (thread_.joinable()) thread_.join();
}

std::string TlsLoopbackServer::url() const {
  return "https://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port());
}

}  // namespace tinkr::testing
