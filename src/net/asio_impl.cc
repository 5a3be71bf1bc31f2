// Asio and Beast, compiled once for the whole program
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are set
// project-wide in CMakeLists.txt). Keep this the only file including src.hpp.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
