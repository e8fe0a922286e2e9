# Host dependencies, all from Debian 12 packages. A missing one stops configure and names the
# package that provides it.
find_package(PkgConfig)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config'")
endif()

function(tockemu_require_pkg var module debian_pkg)
  pkg_check_modules(${var} IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} not found: install the Debian package '${debian_pkg}'")
  endif()
  set(${var}_VERSION "${${var}_VERSION}" PARENT_SCOPE)
endfunction()

function(tockemu_require_cmake_pkg name debian_pkg)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "${name} not found: install the Debian package '${debian_pkg}'")
  endif()
endfunction()

tockemu_require_pkg(UNICORN unicorn libunicorn-dev)
# Unicorn < 2.1 sends every RAM store down its notdirty slow path; emu/cpu/uc_fastpath.hpp
# interposes the functions involved (checked again, exactly, at run time).
if(UNICORN_VERSION VERSION_LESS 2.1)
  set(TOCKEMU_UC_INTERPOSE ON)
else()
  set(TOCKEMU_UC_INTERPOSE OFF)
endif()
message(STATUS "Unicorn ${UNICORN_VERSION}: store fast path by interposition ${TOCKEMU_UC_INTERPOSE}")
tockemu_require_pkg(CAPSTONE capstone libcapstone-dev)
tockemu_require_cmake_pkg(fmt libfmt-dev)
tockemu_require_cmake_pkg(spdlog libspdlog-dev)
tockemu_require_cmake_pkg(yaml-cpp libyaml-cpp-dev)
tockemu_require_cmake_pkg(Boost libboost-program-options-dev COMPONENTS program_options)
if(TOCKEMU_BUILD_TESTS)
  tockemu_require_cmake_pkg(GTest libgtest-dev)
endif()
