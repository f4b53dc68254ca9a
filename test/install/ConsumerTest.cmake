# Both ways of adopting weft as a user meets them: install weft into a fresh prefix, then
#  - build-time generation (docs/build-time.md): configure examples/prebuilt on its own against
#    that prefix (find_package(weft), weft_add_kernels), build it and run it;
#  - embedding the JIT (docs/embedding.md): the same for examples/codec (find_package(weft),
#    weft::jit), run with a small stack.
# Each example checks its results on every device present against its reference and exits 1 on
# a mismatch.
#   cmake -DWEFT_BUILD=<weft build dir> -DWEFT_SOURCE=<weft source dir> -DWORK=<scratch dir> -P ConsumerTest.cmake
foreach(var WEFT_BUILD WEFT_SOURCE WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ConsumerTest.cmake: define ${var}")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
set(prefix "${WORK}/prefix")
function(step what)
  message(STATUS "install-consumer: ${what}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install-consumer: ${what} failed (${rc})")
  endif()
endfunction()

step("install weft into ${prefix}" ${CMAKE_COMMAND} --install "${WEFT_BUILD}" --prefix "${prefix}")
foreach(file bin/weftc include/weft/Embedded.h include/weft/Jit.h include/weft/weft_half.h lib/libweft_jit.so
             lib/cmake/weft/weftConfig.cmake lib/cmake/weft/WeftAddKernels.cmake)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "install-consumer: the install lacks ${file}")
  endif()
endforeach()
step("configure examples/prebuilt against it" ${CMAKE_COMMAND} -G Ninja -S "${WEFT_SOURCE}/examples/prebuilt"
     -B "${WORK}/consumer" -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
step("build it" ${CMAKE_COMMAND} --build "${WORK}/consumer")
step("run it" "${WORK}/consumer/weft-prebuilt")
step("configure examples/codec against it" ${CMAKE_COMMAND} -G Ninja -S "${WEFT_SOURCE}/examples/codec"
     -B "${WORK}/codec" -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
step("build it" ${CMAKE_COMMAND} --build "${WORK}/codec")
# Its own cache directory: the run compiles, as a fresh application would.
step("run it" ${CMAKE_COMMAND} -E env WEFT_CACHE_DIR=${WORK}/cache "${WORK}/codec/weft-codec" 2)
