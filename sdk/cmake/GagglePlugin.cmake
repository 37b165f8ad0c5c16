# gaggle_add_plugin(): build a Gaggle plugin the way the host expects it.
#
#   include(path/to/GagglePlugin.cmake)
#   gaggle_add_plugin(my_plugin SOURCES my_plugin.cpp [NAME file_stem] [LIBRARIES ...]
#                     [OUTPUT_DIRECTORY dir] [INSTALL_DESTINATION dir])
#
# The result is a loadable module (<NAME>.so) whose only exported symbol is gaggle_plugin_entry_v1:
# everything else is hidden, and static libraries it links are kept private, so two plugins can
# use different versions of the same library without clashing. It needs nothing but the SDK
# headers: no host header, no host library.
include_guard(GLOBAL)

if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/../include/gaggle/gaggle.h")
  set(GAGGLE_SDK_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../include")             # source tree
else()
  set(GAGGLE_SDK_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../../../include")       # installed
endif()
set(GAGGLE_PLUGIN_EXPORTS_FILE "${CMAKE_CURRENT_LIST_DIR}/gaggle_plugin.exports")
if(NOT EXISTS "${GAGGLE_PLUGIN_EXPORTS_FILE}")
  set(GAGGLE_PLUGIN_EXPORTS_FILE "${CMAKE_BINARY_DIR}/gaggle_plugin.exports")
  file(WRITE "${GAGGLE_PLUGIN_EXPORTS_FILE}" "{ global: gaggle_plugin_entry_v1; local: *; };\n")
endif()

if(NOT TARGET gaggle_sdk)
  add_library(gaggle_sdk INTERFACE)
  target_include_directories(gaggle_sdk INTERFACE "${GAGGLE_SDK_INCLUDE_DIR}")
endif()

function(gaggle_add_plugin target)
  cmake_parse_arguments(ARG "" "NAME;OUTPUT_DIRECTORY;INSTALL_DESTINATION" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "gaggle_add_plugin(${target}): SOURCES is required")
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME ${target})
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE gaggle_sdk ${ARG_LIBRARIES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${ARG_NAME}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(NOT CMAKE_CXX_STANDARD)
    target_compile_features(${target} PRIVATE cxx_std_17)
  endif()
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_options(${target} PRIVATE
      "LINKER:--version-script=${GAGGLE_PLUGIN_EXPORTS_FILE}" "LINKER:--exclude-libs,ALL"
      "LINKER:--no-undefined")
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
  if(ARG_INSTALL_DESTINATION)
    install(TARGETS ${target} LIBRARY DESTINATION ${ARG_INSTALL_DESTINATION})
  endif()
endfunction()
