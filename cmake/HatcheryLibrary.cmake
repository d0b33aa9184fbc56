# hatchery_library(NAME DIRS dir... [HEADERS name.h...] [FILES file...] [LINKS target...]):
# a static library of every .cc and .h file in DIRS, the named public headers of include/hatchery/
# it implements and any other FILES, linking LINKS publicly. Every library sees include/, src/ and
# the source root; what it may use is what it links (tools/check_layers).

function(hatchery_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "DIRS;HEADERS;FILES;LINKS")
  set(files ${arg_FILES})
  foreach(dir IN LISTS arg_DIRS)
    file(GLOB found CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${dir}/*.cc ${CMAKE_SOURCE_DIR}/${dir}/*.h)
    list(APPEND files ${found})
  endforeach()
  foreach(header IN LISTS arg_HEADERS)
    list(APPEND files ${CMAKE_SOURCE_DIR}/include/hatchery/${header})
  endforeach()
  add_library(${name} STATIC ${files})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/src>
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}>)
  target_link_libraries(${name} PUBLIC ${arg_LINKS})
endfunction()
