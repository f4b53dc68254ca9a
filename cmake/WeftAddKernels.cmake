# weft_add_kernels: kernels generated at build time, as a static library with a typed C++ header.
#
#   weft_add_kernels(<target>
#     SOURCES a.mlir [b.mlir ...]          # weft functions (docs/ops.md)
#     [TARGETS cpp spirv ptx msl]          # default: cpp
#     [CPU host|generic|x86-64-v2|x86-64-v3|x86-64-v4]  # target cpp's CPU (default host)
#     [NAMESPACE ns]                       # default: <target> as a C identifier
#     [SCHEDULE "#weft.schedule<...>"])    # for every op that has none
#
# runs weftc on the sources when they (or weftc) change, and makes <target>: a static library of
# the C++ kernels (compiled with the flags that give the bits of weft's JIT), every GPU target's
# artifacts embedded as data, and <target>.h declaring `ns::Kernels` with one method per
# function. Link it and include "<target>.h"; docs/build-time.md shows the whole flow. Works in
# weft's own build and through find_package(weft).
function(weft_add_kernels target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "NAMESPACE;CPU;SCHEDULE" "SOURCES;TARGETS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "weft_add_kernels(${target}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "weft_add_kernels(${target}): give SOURCES, the .mlir files of the kernels")
  endif()
  if(NOT ARG_TARGETS)
    set(ARG_TARGETS cpp)
  endif()
  string(MAKE_C_IDENTIFIER "${target}" name)
  if(NOT ARG_NAMESPACE)
    set(ARG_NAMESPACE ${name})
  endif()
  if(NOT ARG_CPU)
    set(ARG_CPU host)
  endif()

  set(sources "")
  foreach(source IN LISTS ARG_SOURCES)
    get_filename_component(source "${source}" ABSOLUTE)
    list(APPEND sources "${source}")
  endforeach()
  list(JOIN ARG_TARGETS "," targets)
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}.weft")
  set(options --target=${targets} --library=${name} --namespace=${ARG_NAMESPACE} -o "${dir}")
  if("cpp" IN_LIST ARG_TARGETS)
    list(APPEND options --cpu=${ARG_CPU})
  endif()
  if(ARG_SCHEDULE)
    list(APPEND options "--schedule=${ARG_SCHEDULE}")
  endif()
  add_custom_command(
    OUTPUT "${dir}/${name}.h" "${dir}/${name}.cpp" "${dir}/${name}.kernels.cpp"
    COMMAND weft::weftc ${sources} ${options}
    DEPENDS ${sources} weft::weftc
    COMMENT "weftc: kernels of ${target} for ${targets}"
    VERBATIM)

  add_library(${target} STATIC "${dir}/${name}.cpp" "${dir}/${name}.kernels.cpp")
  target_include_directories(${target} PUBLIC "${dir}")
  target_link_libraries(${target} PUBLIC weft::runtime)
  target_compile_features(${target} PUBLIC cxx_std_17)
  # The kernels: optimised whatever the build type, without contraction of a multiply and an add
  # the kernel keeps apart and with wrapping signed arithmetic (docs/pipeline.md), for the CPU
  # weftc generated them for.
  set(kernel_flags -O3 -ffp-contract=off -fwrapv)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    if(ARG_CPU STREQUAL "host")
      list(APPEND kernel_flags -march=native)
    elseif(ARG_CPU MATCHES "^x86-64")
      list(APPEND kernel_flags -march=${ARG_CPU})
    endif()
  endif()
  set_source_files_properties("${dir}/${name}.kernels.cpp" PROPERTIES COMPILE_OPTIONS "${kernel_flags}")
endfunction()
