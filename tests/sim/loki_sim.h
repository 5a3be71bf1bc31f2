// LokiSim: a loopback Loki that serves a fixed set of log lines (the shared
// scenario's, usually) through Loki's documented HTTP API:
// GET /loki/api/v1/query_range (log queries -> "streams", with Loki 3
// categorize-labels 3-tuples when asked; `sum by (<label>) (count_over_time(
// <log query> [<range>]))` -> "matrix"), /loki/api/v1/labels,
// /loki/api/v1/label/<name>/values, /ready; and POST /loki/api/v1/push (JSON
// streams, optional structured-metadata object per line; 204), so that lines
// can arrive while a client reads (tail tests).
//
// It understands the LogQL subset our translator emits: a stream selector of
// = != =~ !~ matchers, line filters |= != |~ !~, `| json` / `| logfmt`
// (parsers are no-ops here: lines carry their fields as labels), and label
// filters `name op "value"` joined by `or`. Anything else is answered like
// Loki does: 400, text/plain "parse error at line 1, col N: …".
// It checks what Loki checks: the `query` parameter, `limit` within
// max_entries_limit_per_query, `direction`, and — when configured — the
// X-Scope-OrgID tenant header (multi-tenant mode) and an Authorization header
// (a gateway's auth). Each line is one stream per {service label, level};
// trace_id, span_id and attributes are structured metadata.
// Thread-safe (the server's thread answers; pushes lock the line store).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "testing/loopback_http_server.h"

namespace tinkr::sim {

struct LokiSimOptions {
  std::string service_label = "service_name";
  std::string tenant;         // non-empty: multi-tenant mode, X-Scope-OrgID must equal it
  std::string authorization;  // non-empty: the Authorization header must equal it
  size_t max_entries_limit = 5000;
};

class LokiSim {
 public:
  explicit LokiSim(std::vector<LogEntry> logs, LokiSimOptions options = {});
  ~LokiSim();

  std::string url() const { return server_.url(); }
  testing::LoopbackHttpServer& server() { return server_; }
  // query_range requests answered so far.
  size_t query_count() const;
  // Adds lines as a push would (Loki drops a line equal in time, stream and
  // text to a stored one); returns how many were new.
  size_t push(std::vector<LogEntry> entries);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  testing::LoopbackHttpServer server_;
};

}  // namespace tinkr::sim
