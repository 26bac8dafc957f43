# Install rules for attrib, included from the top-level CMakeLists.txt once the
# targets exist:
#
#   include(cmake/install.cmake)
#
# Expects the targets attrib_static, attrib_shared (both OUTPUT_NAME attrib)
# and attrib_cli (OUTPUT_NAME attrib), and the list ATTRIB_MODEL_FILES.
# Installs, under the prefix:
#   bin/attrib                                the CLI
#   LIBDIR/libattrib.a, libattrib.so*         the library, static and shared
#   include/attrib.h                          the whole public API
#   share/man/man1/attrib.1                   the manual page
#   share/attrib/models/                      the rules and word lists (for --model)
#   LIBDIR/pkgconfig/attrib.pc                pkg-config
#   LIBDIR/cmake/attrib/                      find_package(attrib): attrib::attrib,
#                                             attrib::attrib_static
# Everything is relocatable with `cmake --install BUILD --prefix DIR` and
# honours DESTDIR.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ATTRIB_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/attrib"
    CACHE STRING "Where to install attrib's CMake package files, relative to the prefix")
set(ATTRIB_INSTALL_MODELDIR "${CMAKE_INSTALL_DATADIR}/attrib/models")

# Names consumers see: attrib::attrib is the shared library.
set_target_properties(attrib_shared PROPERTIES EXPORT_NAME attrib)
set_target_properties(attrib_static PROPERTIES EXPORT_NAME attrib_static)

install(TARGETS attrib_shared attrib_static
  EXPORT attribTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# (the targets' INSTALL_INTERFACE include directory already points at include/)
install(TARGETS attrib_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/attrib.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/attrib.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${ATTRIB_MODEL_FILES} DESTINATION ${ATTRIB_INSTALL_MODELDIR})

# CMake package: targets, config and version files.
install(EXPORT attribTargets
  NAMESPACE attrib::
  FILE attribTargets.cmake
  DESTINATION ${ATTRIB_INSTALL_CMAKEDIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/attribConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/attribConfig.cmake
  INSTALL_DESTINATION ${ATTRIB_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR ATTRIB_INSTALL_MODELDIR)
# 0.x: a minor release may change the ABI, so only the same minor matches.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/attribConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/attribConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/attribConfigVersion.cmake
  DESTINATION ${ATTRIB_INSTALL_CMAKEDIR})

# pkg-config. The prefix in the file is absolute, so the file is written at
# install time from the prefix actually used (`cmake --install --prefix`
# changes it after configuration); file(INSTALL) adds DESTDIR and records the
# file in install_manifest.txt. Directories below the prefix are written as
# ${prefix}/..., as pkg-config files usually are.
function(_attrib_pc_dir out dir)
  if(IS_ABSOLUTE "${dir}")
    set(${out} "${dir}" PARENT_SCOPE)
  else()
    set(${out} "\\\${prefix}/${dir}" PARENT_SCOPE) # a literal ${prefix} in the code below
  endif()
endfunction()
_attrib_pc_dir(_attrib_pc_libdir "${CMAKE_INSTALL_LIBDIR}")
_attrib_pc_dir(_attrib_pc_includedir "${CMAKE_INSTALL_INCLUDEDIR}")
_attrib_pc_dir(_attrib_pc_modeldir "${ATTRIB_INSTALL_MODELDIR}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(_attrib_pc_dest "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
else()
  set(_attrib_pc_dest "\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endif()
install(CODE "
  set(ATTRIB_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(ATTRIB_PC_LIBDIR \"${_attrib_pc_libdir}\")
  set(ATTRIB_PC_INCLUDEDIR \"${_attrib_pc_includedir}\")
  set(ATTRIB_PC_MODELDIR \"${_attrib_pc_modeldir}\")
  set(ATTRIB_PC_VERSION \"${PROJECT_VERSION}\")
  configure_file(\"${CMAKE_CURRENT_LIST_DIR}/attrib.pc.in\" \"${PROJECT_BINARY_DIR}/pkgconfig/attrib.pc\" @ONLY)
  file(INSTALL DESTINATION \"${_attrib_pc_dest}\" TYPE FILE
       FILES \"${PROJECT_BINARY_DIR}/pkgconfig/attrib.pc\")
")
foreach(_v libdir includedir modeldir dest)
  unset(_attrib_pc_${_v})
endforeach()
