# Builds the layering probes (tests/layering/CMakeLists.txt): every allowed
# include must compile, every forbidden one must fail with its header not
# found. Run by ctest as the Layering test.
#   cmake -DBUILD_DIR=... -DGENERATOR=... -DALLOWED=a;b -DFORBIDDEN=c=hdr;d=hdr -P check.cmake

execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --parallel 2 --target ${ALLOWED}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "a library's own header does not build with its include directories:\n${out}")
endif()
list(LENGTH ALLOWED allowed_count)

# Keep going past each failure; every error names its probe's file.
if(GENERATOR MATCHES "Ninja")
  set(keep_going -k 0 -j 2)
else()
  set(keep_going -k -j2)
endif()
set(targets "")
foreach(entry IN LISTS FORBIDDEN)
  string(REPLACE "=" ";" parts "${entry}")
  list(GET parts 0 name)
  list(APPEND targets ${name})
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${targets} -- ${keep_going}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)

set(wrong "")
foreach(entry IN LISTS FORBIDDEN)
  string(REPLACE "=" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 header)
  string(FIND "${out}" "${name}.cpp:1:10: fatal error: ${header}: No such file or directory" at)
  if(at EQUAL -1)
    string(APPEND wrong "  ${name} (${header}) was not refused as expected\n")
  endif()
endforeach()
if(wrong)
  message(FATAL_ERROR "includes against the direction of dependency:\n${wrong}\nbuild output:\n${out}")
endif()
list(LENGTH FORBIDDEN forbidden_count)
message(STATUS "layering: ${allowed_count} libraries build their own headers, ${forbidden_count} wrong-direction includes are refused")
