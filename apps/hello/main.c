// hello: the smallest app. Prints one line and exits (completion code 0).
#include "console.h"

int main(void) {
    printf("Hello World!\n");
    return 0;
}
