# `cmake --install` and `cpack -G DEB`: the tockemu executable, the kernel and example apps it
# can boot, the scenarios, the documentation, a man page and bash completion.
include(GNUInstallDirs)

install(TARGETS tockemu RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TOCKEMU_BUILD_FIRMWARE)
  install(DIRECTORY ${CMAKE_BINARY_DIR}/firmware/kernel/
    DESTINATION ${CMAKE_INSTALL_DATADIR}/tockemu/firmware/kernel
    FILES_MATCHING PATTERN "*.elf" PATTERN "*.bin" PATTERN "CMakeFiles" EXCLUDE)
  install(DIRECTORY ${CMAKE_BINARY_DIR}/firmware/apps/
    DESTINATION ${CMAKE_INSTALL_DATADIR}/tockemu/firmware/apps
    FILES_MATCHING PATTERN "*.tbf" PATTERN "*.tab" PATTERN "*.elf" PATTERN "CMakeFiles" EXCLUDE)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tockemu/scenarios)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  PATTERN "man" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/tockemu.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/tools/completion/tockemu.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME tockemu)

set(CPACK_PACKAGE_NAME tockemu)
set(CPACK_PACKAGE_VENDOR "tockemu")
set(CPACK_PACKAGE_CONTACT "tockemu maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Tock OS on an emulated SAM4L (Hail) Cortex-M4 with MPU, deterministic, with scenarios and gdb")
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # library dependencies from dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gdb-multiarch, qemu-system-arm")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
