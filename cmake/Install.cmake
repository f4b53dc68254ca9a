# `cmake --install`: the runtime and its headers, the JIT library and its header, the tools, and
# the CMake package that gives find_package(weft) its imported targets (weft::runtime, weft::jit,
# weft::weftc) and weft_add_kernels (docs/build-time.md, docs/embedding.md). The JIT library and
# the tools link LLVM/MLIR's shared libraries where Debian puts them.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(weft_package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/weft)
set_target_properties(weft_runtime PROPERTIES EXPORT_NAME runtime)
install(TARGETS weft_runtime EXPORT weftTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/weft DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# weft/Half.h includes the template generated C++ pastes in, found beside it.
install(FILES ${PROJECT_SOURCE_DIR}/templates/common/weft_half.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/weft)

# weft::jit carries the runtime in itself: an application links it alone (compiler/CMakeLists.txt).
install(TARGETS weft_jit EXPORT weftTargets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${PROJECT_SOURCE_DIR}/compiler/include/weft/Jit.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/weft)

set(weft_tools weftc weft-run weft-opt weft-translate)
set_target_properties(${weft_tools} PROPERTIES INSTALL_RPATH "${LLVM_LIBRARY_DIR}")
install(TARGETS ${weft_tools} EXPORT weftTargets RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT weftTargets NAMESPACE weft:: DESTINATION ${weft_package_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/weftConfig.cmake.in
  ${PROJECT_BINARY_DIR}/weftConfig.cmake INSTALL_DESTINATION ${weft_package_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/weftConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/weftConfig.cmake ${PROJECT_BINARY_DIR}/weftConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/WeftAddKernels.cmake DESTINATION ${weft_package_dir})
