# Builds all firmware in the same `cmake --build` as the host, as a nested CMake project that uses
# the arm-none-eabi toolchain file. Host tools the firmware build needs (the TBF packer) are built
# first and passed in by path.
find_program(ARM_GCC arm-none-eabi-gcc)
if(NOT ARM_GCC)
  message(FATAL_ERROR "arm-none-eabi-gcc not found: install the Debian packages 'gcc-arm-none-eabi' and 'libnewlib-arm-none-eabi'")
endif()
include(ExternalProject)
set(TOCKEMU_FIRMWARE_DIR ${CMAKE_BINARY_DIR}/firmware)
ExternalProject_Add(firmware
  SOURCE_DIR ${CMAKE_SOURCE_DIR}/cmake/firmware
  BINARY_DIR ${TOCKEMU_FIRMWARE_DIR}
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/arm-none-eabi.cmake
    -DCMAKE_BUILD_TYPE=Release
    # No compiler launcher: ccache's base_dir rewrites source paths to relative ones, which
    # -ffile-prefix-map then misses, so __FILE__ strings (and the kernel's size) would depend
    # on where the tree lives.
    -DCMAKE_C_COMPILER_LAUNCHER=
    -DCMAKE_CXX_COMPILER_LAUNCHER=
    -DTOCKEMU_SOURCE_DIR=${CMAKE_SOURCE_DIR}
    -DTOCKEMU_ELF2TBF=${CMAKE_BINARY_DIR}/tools/elf2tbf
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  DEPENDS elf2tbf
  USES_TERMINAL_BUILD ON)
# Tests and the CLI find firmware here: ${TOCKEMU_FIRMWARE_DIR}/<subdir>/<name>.elf|.tbf
