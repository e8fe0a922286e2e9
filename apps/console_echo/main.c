// console_echo: reads lines from the console and writes each back as "echo: <line>".
#include "console.h"

int main(void) {
    printf("console_echo: ready\n");
    char line[64];
    for (;;) {
        int n = console_read_line(line, sizeof line);
        if (n < 0) {
            printf("console_echo: read failed (%s)\n", tock_strerror(n));
            return n;
        }
        printf("echo: %s\n", line);
    }
}
