// Query-string decoding for the vendor simulators built on
// testing::LoopbackHttpServer: "a=1&b=x%20y" into name -> value (the last
// one wins), percent-decoding by libcurl ('+' is a space, as HTML forms send).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tinkr::sim {

using QueryMap = std::map<std::string, std::string, std::less<>>;

QueryMap decode_query(std::string_view query);

// The value, or nullopt.
std::optional<std::string> param(const QueryMap& q, std::string_view name);

// Go string literal body unescaping (\\ \" \n \r \t), as Loki/Tempo/Prometheus read "…".
std::string go_unquote_body(std::string_view body);

}  // namespace tinkr::sim
