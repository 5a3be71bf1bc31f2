// Loopback ports for tests: a port that is free right now, and waiting for a
// server to accept connections. Only 127.0.0.1 is used. Thread-safe.
#pragma once

#include <chrono>

namespace tinkr::testing {

// A TCP port on 127.0.0.1 that was free when asked (bind to port 0, read the
// port back, close). Another process may take it in between; prefer letting
// the server pick (--port 0) when it can print its port.
int free_loopback_port();

// True once 127.0.0.1:port accepts a TCP connection, false after `timeout`.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace tinkr::testing
