/* Smallest semihosting round trip: print a line and exit with code 0. */
#include "testfw.h"

int main(void) {
    sh_print("hello from the core");
    return 0;
}
