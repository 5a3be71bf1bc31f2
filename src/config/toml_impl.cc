// toml++'s implementation, compiled once into tinkr_config instead of linking
// Debian's libtomlplusplus.so (which needs libstdc++.so: `tinkr` links
// libstdc++ statically, docs/architecture.md "Build"). Every user of toml++
// is compiled with TOML_HEADER_ONLY=0 (tinkr_config's public compile
// definitions, src/CMakeLists.txt), so its out-of-line functions exist only here.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
