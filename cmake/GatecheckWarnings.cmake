# gatecheck_target_defaults(<target>): the project's warning set and sanitizer flags for one target.
# Applied per target rather than globally so third-party headers found by find_package stay quiet.
function(gatecheck_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O2 reports impossible overlaps in std::string concatenation (GCC bug 105329): noise in every
    # Release build, fixed in GCC 13.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
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
