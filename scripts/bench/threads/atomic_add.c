/* Uncontended atomic read-modify-write: one thread adds 1 to an atomic counter N times
   (default 200 million) with sequentially consistent fetch_add (Wasm: i32.atomic.rmw.add;
   x86-64: lock xadd), with a second thread started and joined first so that the program
   is a threaded one on both sides. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static _Atomic unsigned counter;

static void *idle(void *arg) { return arg; }

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000000;
    pthread_t t;
    if (pthread_create(&t, NULL, idle, NULL) != 0) { perror("pthread_create"); return 1; }
    pthread_join(t, NULL);
    for (long i = 0; i < n; i++) atomic_fetch_add_explicit(&counter, 1, memory_order_seq_cst);
    printf("counter %u\n", atomic_load(&counter));
    return 0;
}
