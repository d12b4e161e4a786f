# fact_library(NAME LAYER <layer> SOURCES <files...> [DEPENDS <targets...>]
#              [PRIVATE_DEPENDS <targets...>] [INSTALL])
#
# One library per layer. Its public headers are include/<layer>/fact/...,
# its implementation (sources and private headers) src/<layer>/. The only
# include directories a library sees are its own include/<layer> and those of
# the libraries it DEPENDS on, so an include against the direction of
# dependency fails to build: the header is not found. Private headers are
# found only next to the files that include them.
#
# INSTALL: part of the installed package, exported as fact::<layer>.
function(fact_library name)
  cmake_parse_arguments(ARG "INSTALL" "LAYER" "SOURCES;DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include/${ARG_LAYER}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${name} PUBLIC ${ARG_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS})
  target_compile_features(${name} PUBLIC cxx_std_20)
  target_compile_options(${name} PRIVATE ${FACT_WARNINGS})
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${ARG_LAYER})
  add_library(fact::${ARG_LAYER} ALIAS ${name})
  if(ARG_INSTALL)
    install(TARGETS ${name} EXPORT factTargets
      ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
      LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/${ARG_LAYER}/fact
      DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endfunction()
