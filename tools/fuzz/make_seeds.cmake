# cmake -DFW=<build>/firmware -DOUT=<dir> -DOBJCOPY=<arm-none-eabi-objcopy> -P make_seeds.cmake
# Seed corpora from the built firmware: TBFs and TABs of the apps, flash images (objcopy -O
# binary) of the CPU test firmware, whose vector table is at address 0.
file(MAKE_DIRECTORY ${OUT}/tbf ${OUT}/tab ${OUT}/elf ${OUT}/machine)
file(GLOB tbfs ${FW}/apps/*.tbf)
file(GLOB tabs ${FW}/apps/*.tab)
file(COPY ${tbfs} DESTINATION ${OUT}/tbf)
file(COPY ${tabs} DESTINATION ${OUT}/tab)
file(GLOB elfs ${FW}/kernel/*.elf ${FW}/apps/*.elf ${FW}/tests/firmware/cpu_*.elf)
file(COPY ${elfs} DESTINATION ${OUT}/elf)
file(GLOB cpu ${FW}/tests/firmware/cpu_*.elf)
foreach(e ${cpu})
  get_filename_component(n ${e} NAME_WE)
  if(NOT EXISTS ${OUT}/machine/${n}.bin OR ${e} IS_NEWER_THAN ${OUT}/machine/${n}.bin)
    execute_process(COMMAND ${OBJCOPY} -O binary ${e} ${OUT}/machine/${n}.bin
      RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "objcopy -O binary ${e} failed")
    endif()
  endif()
endforeach()
