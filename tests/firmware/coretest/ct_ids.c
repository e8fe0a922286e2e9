/* Identification registers of the SAM4L's core (Cortex-M4 r0p1 TRM, "Processor feature
   register summary"; ARMv7-M ARM B4 CPUID scheme): CPUID 0x410FC241, ID_PFR0..ID_ISAR4, MPU_TYPE
   (8 regions, unified), ICTR (80 interrupt lines: 3 words of NVIC registers).
   Manual-only: QEMU's mps2-an386 models an r0p0 with 32 lines and its own ID_ISAR0/ID_ISAR4/
   ID_MMFR0/ID_MMFR2 values. */
#include "ct.h"

int main(void) {
    static const char* const names[] = {"id_pfr0",  "id_pfr1",  "id_dfr0",  "id_afr0",  "id_mmfr0",
                                        "id_mmfr1", "id_mmfr2", "id_mmfr3", "id_isar0", "id_isar1",
                                        "id_isar2", "id_isar3", "id_isar4"};
    sh_kv("cpuid", SCB_CPUID);
    for (uint32_t i = 0; i < 13; ++i) sh_kv(names[i], REG32(0xE000ED40u + 4 * i));
    sh_kv("mpu_type", MPU_TYPE);
    sh_kv("ictr", REG32(0xE000E004u));
    sh_print("done");
    return 0;
}
