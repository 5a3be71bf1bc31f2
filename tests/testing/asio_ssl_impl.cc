// Asio's SSL layer, compiled once for the tests that serve TLS
// (testing/tls_loopback_server.h). src/net/asio_impl.cc compiles the rest of
// Asio for the whole program; its SSL part lives here so that the programs,
// which never serve TLS, do not carry it.
#include <boost/asio/ssl/impl/src.hpp>
