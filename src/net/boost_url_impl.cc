// Boost.URL, compiled once for the whole program (it is not header-only and
// Debian ships no libboost_url). Keep this the only file including its src.hpp.
#include <boost/url/src.hpp>
