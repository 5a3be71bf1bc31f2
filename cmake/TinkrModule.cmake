# tinkr_module(NAME name [DIR dir] [DEPS targets...])
#   A static library tinkr_<name> from every .cc under src/<dir> (dir defaults
#   to name). Files are globbed so that adding a file needs no CMake edit.
function(tinkr_module)
  cmake_parse_arguments(M "" "NAME;DIR" "DEPS" ${ARGN})
  if(NOT M_DIR)
    set(M_DIR ${M_NAME})
  endif()
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/${M_DIR}/*.cc)
  list(FILTER srcs EXCLUDE REGEX ".*/main\\.cc$")
  if(NOT srcs)  # a module whose code has not landed yet
    set(stub ${CMAKE_BINARY_DIR}/stubs/${M_NAME}_empty.cc)
    file(WRITE ${stub} "// module ${M_NAME} has no sources yet\n")
    set(srcs ${stub})
  endif()
  add_library(tinkr_${M_NAME} STATIC ${srcs})
  target_include_directories(tinkr_${M_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(tinkr_${M_NAME} PUBLIC ${M_DEPS})
endfunction()

# tinkr_register_tests(target LABEL label [TIMEOUT seconds] [SHARED_SUITES suites...])
#   Registers the GoogleTest cases of `target` with ctest, one ctest test per
#   case, except the SHARED_SUITES: suites that share one costly fixture (a
#   real Prometheus, simulators, servers) run as one ctest test each, named
#   after the suite, so that their SetUpTestSuite runs once, not once per case.
function(tinkr_register_tests target)
  cmake_parse_arguments(R "" "LABEL;TIMEOUT" "SHARED_SUITES" ${ARGN})
  set(properties LABELS ${R_LABEL})
  if(R_TIMEOUT)
    list(APPEND properties TIMEOUT ${R_TIMEOUT})
  endif()
  set(filter)
  if(R_SHARED_SUITES)
    list(JOIN R_SHARED_SUITES ".*:" shared_filter)
    set(filter TEST_FILTER "-${shared_filter}.*")
  endif()
  gtest_discover_tests(${target} DISCOVERY_MODE PRE_TEST ${filter}
    PROPERTIES ${properties} WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
  foreach(suite IN LISTS R_SHARED_SUITES)
    add_test(NAME ${suite} COMMAND ${target} --gtest_filter=${suite}.* WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
    set_tests_properties(${suite} PROPERTIES ${properties})
  endforeach()
endfunction()

# tinkr_unit_test(module [DEPS targets...] [SHARED_SUITES suites...])
#   One executable test_<module> from tests/unit/<module>/**.cc, its GoogleTest
#   cases registered with ctest under the label "unit" (SHARED_SUITES: see
#   tinkr_register_tests).
function(tinkr_unit_test module)
  cmake_parse_arguments(T "" "" "DEPS;SHARED_SUITES" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/${module}/*.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(test_${module} ${srcs})
  target_link_libraries(test_${module} PRIVATE tinkr_${module} tinkr_testing ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(test_${module} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(test_${module} PRIVATE
    TINKR_SHARED_DIR="${TINKR_SHARED_DIR}" TINKR_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  add_dependencies(unit_tests test_${module})
  tinkr_register_tests(test_${module} LABEL unit SHARED_SUITES ${T_SHARED_SUITES})
endfunction()

# tinkr_executable(name dir DEPS ...): the program built from src/<dir>/main.cc,
# once that file exists.
function(tinkr_executable name dir)
  cmake_parse_arguments(E "" "" "DEPS" ${ARGN})
  if(EXISTS ${CMAKE_SOURCE_DIR}/src/${dir}/main.cc)
    add_executable(${name} ${CMAKE_SOURCE_DIR}/src/${dir}/main.cc)
    target_link_libraries(${name} PRIVATE ${E_DEPS})
  endif()
endfunction()
