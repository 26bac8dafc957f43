# Replays every saved fuzz input (tests/fuzz/regressions/HARNESS/) through
# the harness's LLVMFuzzerTestOneInput, built with the normal compiler and
# no fuzzer runtime, so that ctest keeps fixed crashes fixed. Included from
# tests/CMakeLists.txt:  include(${CMAKE_CURRENT_SOURCE_DIR}/fuzz/replay.cmake)
foreach(harness analyze model)
  add_executable(fuzz_replay_${harness} ${CMAKE_CURRENT_LIST_DIR}/fuzz_${harness}.c
                 ${CMAKE_CURRENT_LIST_DIR}/regress.c)
  target_compile_options(fuzz_replay_${harness} PRIVATE ${ATTRIB_WARNINGS})
  target_compile_definitions(fuzz_replay_${harness} PRIVATE ATTRIB_MODELS_DIR="${CMAKE_SOURCE_DIR}/models")
  target_link_libraries(fuzz_replay_${harness} PRIVATE attrib_static)
  add_test(NAME fuzz.replay.${harness}
           COMMAND fuzz_replay_${harness} ${CMAKE_CURRENT_LIST_DIR}/regressions/${harness})
endforeach()
