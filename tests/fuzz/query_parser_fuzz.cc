// libFuzzer target for the query language: parse arbitrary bytes, check the
// printing round trip, and translate to every dialect (also with the input
// as the service name). Crashes, sanitizer reports and round-trip mismatches
// are findings. Build and run: scripts/fuzz-query <seconds>.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "query/ast.h"
#include "query/query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tinkr::query;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto tree = parse(text);
  if (tree.ok()) {
    std::string printed = format(*tree);
    auto again = parse(printed);
    if (!again.ok() || !(*again == *tree)) std::abort();  // print(parse(x)) must reparse to the same tree
  }
  TranslateContext ctx;
  ctx.range = {tinkr::from_unix_nanos(0), tinkr::from_unix_nanos(3'600'000'000'000)};
  for (const char* backend : {"grafana", "cloudwatch", "gcp", "azure", "datadog", "elastic", "otel", "local"}) {
    (void)translate(backend, text, ctx);
    TranslateContext hostile = ctx;
    hostile.service = std::string(text);
    hostile.resource_type = "k8s";
    (void)translate(backend, "level:ERROR boom", hostile);
  }
  return 0;
}
