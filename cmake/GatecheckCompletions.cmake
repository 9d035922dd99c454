# Writes the shell completions from the built binary: `gatecheck completion bash|zsh|fish` into
#   DIR/gatecheck.bash, DIR/_gatecheck, DIR/gatecheck.fish, and DIR/stamp.
# cmake -DGATECHECK=path/to/gatecheck -DDIR=build/completions -P cmake/GatecheckCompletions.cmake
# A binary whose --help lists no `completion` command gets no scripts (a warning, and the install rules skip them);
# a binary that lists it must print all three, or the build fails.
cmake_minimum_required(VERSION 3.25)
foreach(variable GATECHECK DIR)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "GatecheckCompletions.cmake needs -D${variable}=...")
  endif()
endforeach()

set(files bash gatecheck.bash zsh _gatecheck fish gatecheck.fish)
file(MAKE_DIRECTORY ${DIR})
execute_process(COMMAND ${GATECHECK} --help OUTPUT_VARIABLE help ERROR_VARIABLE error RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${GATECHECK} --help exited ${status}: ${error}")
endif()
if(NOT help MATCHES "\n  completion ")
  message(WARNING "gatecheck --help lists no 'completion' command: no shell completions are written or installed")
  file(REMOVE ${DIR}/gatecheck.bash ${DIR}/_gatecheck ${DIR}/gatecheck.fish)
  file(WRITE ${DIR}/stamp "none: gatecheck has no completion command\n")
  return()
endif()

set(written "")
while(files)
  list(POP_FRONT files shell name)
  execute_process(COMMAND ${GATECHECK} completion ${shell}
                  OUTPUT_VARIABLE script ERROR_VARIABLE error RESULT_VARIABLE status)
  if(NOT status EQUAL 0 OR script STREQUAL "")
    message(FATAL_ERROR "gatecheck completion ${shell} exited ${status} with ${error}")
  endif()
  file(WRITE ${DIR}/${name}.new "${script}")
  file(RENAME ${DIR}/${name}.new ${DIR}/${name})
  string(APPEND written "${name}\n")
endwhile()
file(WRITE ${DIR}/stamp "${written}")
