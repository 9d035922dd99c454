# gatecheck_target_defaults(<target>): the project's warning set and sanitizer flags for one target.
# Applied per target rather than globally so third-party headers found by find_package stay quiet.
function(gatecheck_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align)
  if(GATECHECK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(GATECHECK_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      # clang 14 cannot apply -fsanitize=function to C++20 coroutines.
      target_compile_options(${target} PRIVATE -fno-sanitize=function)
    endif()
  endif()
endfunction()
