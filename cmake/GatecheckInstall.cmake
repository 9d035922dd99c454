# Install rules and the Debian package (docs/ci.md#install).
#   cmake --install BUILD --prefix /usr/local        the binary, its data, docs, man page, shell completions
#   (cd BUILD && cpack -G DEB)                       gatecheck_<version>_<arch>.deb, Depends from dpkg-shlibdeps
# Included from the top-level CMakeLists.txt when gatecheck is the top-level project.
include(GNUInstallDirs)

if(NOT TARGET gatecheck)
  message(STATUS "gatecheck: no gatecheck target, so no install rules")
  return()
endif()

# The binary. Everything it needs at run time is compiled in (suites, schemas, profiles, fixtures' formats);
# what is installed under share/gatecheck is for people to read and copy.
install(TARGETS gatecheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/suites ${PROJECT_SOURCE_DIR}/schemas ${PROJECT_SOURCE_DIR}/fixtures
        DESTINATION ${CMAKE_INSTALL_DATADIR}/gatecheck)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
foreach(license LICENSE LICENSE.md LICENSE.txt COPYING)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${license})
    install(FILES ${PROJECT_SOURCE_DIR}/${license} DESTINATION ${CMAKE_INSTALL_DOCDIR})
  endif()
endforeach()

# The man page and the shell completions are generated from the built binary (its --help and
# `gatecheck completion SHELL`), so that every option is written down once, in the code.
if(CMAKE_CROSSCOMPILING)
  message(STATUS "gatecheck: cross-compiling, the binary cannot run here: no man page and no shell completions")
else()
  # The page names the installed data and docs; the prefix is known only when installing (cmake --install
  # --prefix, or /usr when cpack installs), so the build writes placeholders and the install fills them in.
  set(gatecheck_man ${PROJECT_BINARY_DIR}/man/gatecheck.1)
  add_custom_command(OUTPUT ${gatecheck_man}
    COMMAND ${CMAKE_COMMAND} -DGATECHECK=$<TARGET_FILE:gatecheck> -DOUTPUT=${gatecheck_man}
            -DVERSION=${PROJECT_VERSION} "-DSUMMARY=${PROJECT_DESCRIPTION}"
            -DDATADIR=@GATECHECK_DATADIR@ -DDOCDIR=@GATECHECK_DOCDIR@
            -P ${PROJECT_SOURCE_DIR}/cmake/GatecheckManPage.cmake
    DEPENDS gatecheck ${PROJECT_SOURCE_DIR}/cmake/GatecheckManPage.cmake
    COMMENT "Writing the man page gatecheck(1) from gatecheck --help"
    VERBATIM)
  add_custom_target(gatecheck_man ALL DEPENDS ${gatecheck_man})
  set(man_dirs "")
  foreach(kind DATADIR DOCDIR)
    set(dir ${CMAKE_INSTALL_${kind}})
    if(kind STREQUAL "DATADIR")
      set(dir ${dir}/gatecheck)
    endif()
    if(NOT IS_ABSOLUTE ${dir})
      set(dir "\${CMAKE_INSTALL_PREFIX}/${dir}")
    endif()
    string(APPEND man_dirs "string(REPLACE @GATECHECK_${kind}@ \"${dir}\" page \"\${page}\")\n")
  endforeach()
  set(man1 ${CMAKE_INSTALL_MANDIR}/man1)
  if(NOT IS_ABSOLUTE ${man1})
    set(man1 "\${CMAKE_INSTALL_PREFIX}/${man1}")
  endif()
  install(CODE "file(READ \"${gatecheck_man}\" page)
${man_dirs}file(WRITE \"${PROJECT_BINARY_DIR}/man/installed/gatecheck.1\" \"\${page}\")
file(INSTALL DESTINATION \"${man1}\" TYPE FILE
     FILES \"${PROJECT_BINARY_DIR}/man/installed/gatecheck.1\")")

  # One stamp for the three scripts: without a `completion` command (gatecheck --help does not list it) the
  # script says so and writes none, and the install rules below skip them (OPTIONAL).
  set(completions ${PROJECT_BINARY_DIR}/completions)
  add_custom_command(OUTPUT ${completions}/stamp
    BYPRODUCTS ${completions}/gatecheck.bash ${completions}/_gatecheck ${completions}/gatecheck.fish
    COMMAND ${CMAKE_COMMAND} -DGATECHECK=$<TARGET_FILE:gatecheck> -DDIR=${completions}
            -P ${PROJECT_SOURCE_DIR}/cmake/GatecheckCompletions.cmake
    DEPENDS gatecheck ${PROJECT_SOURCE_DIR}/cmake/GatecheckCompletions.cmake
    COMMENT "Writing the bash, zsh and fish completions from gatecheck completion"
    VERBATIM)
  add_custom_target(gatecheck_completions ALL DEPENDS ${completions}/stamp)
  install(FILES ${completions}/gatecheck.bash RENAME gatecheck
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions OPTIONAL)
  install(FILES ${completions}/_gatecheck DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions OPTIONAL)
  install(FILES ${completions}/gatecheck.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d
          OPTIONAL)
endif()

# The Debian package: `cpack -G DEB` in the build tree (a Release build: scripts/run's, or tests/package's).
# Depends is computed by dpkg-shlibdeps (Debian's dpkg-dev, and `file`; scripts/setup --package installs them)
# from the libraries the binary links: libyaml-cpp, libssl3 (libcrypto), libpcre2-8, libsimdjson, zlib,
# libstdc++, libgcc-s and libc. docs/ci.md#runtime-libraries lists them.
set(GATECHECK_PACKAGE_MAINTAINER "gatecheck maintainers <maintainers@users.noreply.b-seed-7403f20c.example>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gatecheck)
set(CPACK_PACKAGE_VENDOR "gatecheck")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION  # the extended description: lines under 80 columns, as Debian wants them
    "gatecheck runs YAML conformance suites against any OpenAI-compatible base URL,
or against its embedded mock, and writes console, JUnit, JSON, HTML and
Markdown reports that a CI job can gate on. It also serves a deterministic,
scriptable OpenAI-compatible mock with vendor profiles and fault modes, gates
a gateway with the mock as its upstream, and judges recorded exchanges
offline.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
if(NOT CMAKE_INSTALL_PREFIX STREQUAL CPACK_PACKAGING_INSTALL_PREFIX)
  # Paths compiled in (the docs that reports link to) follow CMAKE_INSTALL_PREFIX, the package installs under /usr.
  message(STATUS "gatecheck: for a .deb, configure with -DCMAKE_INSTALL_PREFIX=/usr (now ${CMAKE_INSTALL_PREFIX}), "
                 "so that the docs the reports link to are where the package puts them")
endif()
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # gatecheck_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${GATECHECK_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
include(CPack)
