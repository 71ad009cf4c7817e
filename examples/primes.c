/* The embedded example of the README: counts primes below a bound with a sieve, prints a
 * few of them, and reports its arguments and one environment variable. Public domain.
 *
 * Built with Debian's clang and wasi-libc (see examples/README.md):
 *   clang --target=wasm32-wasi -O2 -Wl,--strip-debug -o examples/primes.wasm examples/primes.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    int limit = argc > 1 ? atoi(argv[1]) : 100000;
    if (limit < 2) limit = 2;
    char *composite = calloc((size_t)limit, 1);
    if (!composite) { fprintf(stderr, "out of memory\n"); return 1; }
    int count = 0, last = 0;
    for (int i = 2; i < limit; i++) {
        if (composite[i]) continue;
        count++;
        last = i;
        if (count <= 10) printf("%d ", i);
        for (long long j = (long long)i * i; j < limit; j += i) composite[j] = 1;
    }
    printf("...\n%d primes below %d; the largest is %d\n", count, limit, last);
    const char *who = getenv("USER_NAME");
    printf("hello, %s\n", who ? who : "stranger");
    free(composite);
    return count > 0 ? 0 : 1;
}
