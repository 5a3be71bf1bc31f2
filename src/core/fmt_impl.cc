// fmt's compiled part, built once into tinkr_core instead of linking Debian's
// libfmt.so: a program then needs no libstdc++.so on fmt's account, which is
// what lets `tinkr` link libstdc++ statically and start in a few milliseconds
// (docs/architecture.md, "Build"). Every other file includes <fmt/format.h>
// without FMT_HEADER_ONLY, so fmt's out-of-line functions exist only here.
//
// This is Debian's fmt 9.1 src/format.cc: format-inl.h holds the non-template
// functions; below are the templates that the headers declare (some as
// `extern template`) and define only in format-inl.h.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;

#ifndef FMT_STATIC_THOUSANDS_SEPARATOR
template FMT_API locale_ref::locale_ref(const std::locale& loc);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;
#endif

template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;

}  // namespace detail
FMT_END_NAMESPACE
