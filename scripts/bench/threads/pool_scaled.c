/* The thread pool of ../shared/programs/c-wasi-threads/pool with enough work per task that
   the parallel phase dominates the run (the shared program's run is mostly process start-up
   and its serial set-up): workers take tasks under a mutex and each task mixes its chunk
   of the array ROUNDS times. Argument: threads (1..64). The output does not depend on it. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define TASKS 256
#define CHUNK 4096
#define ROUNDS 400

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int next_task;
static uint64_t total;
static uint32_t data[TASKS * CHUNK];

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mu);
        int t = next_task++;
        pthread_mutex_unlock(&mu);
        if (t >= TASKS) return NULL;
        uint64_t s = 0;
        for (int r = 0; r < ROUNDS; r++)
            for (int i = t * CHUNK; i < (t + 1) * CHUNK; i++) {
                uint32_t x = data[i] + (uint32_t)r;
                x ^= x << 13; x ^= x >> 17; x ^= x << 5;
                s += x;
            }
        pthread_mutex_lock(&mu);
        total += s;
        pthread_mutex_unlock(&mu);
    }
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 2;
    if (n < 1 || n > 64) { fprintf(stderr, "threads: 1..64\n"); return 2; }
    uint32_t x = 2463534242u;
    for (int i = 0; i < TASKS * CHUNK; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; data[i] = x; }
    pthread_t th[64];
    for (int i = 0; i < n; i++)
        if (pthread_create(&th[i], NULL, worker, NULL) != 0) { perror("pthread_create"); return 1; }
    for (int i = 0; i < n; i++) pthread_join(th[i], NULL);
    printf("sum %llu\n", (unsigned long long)total);
    return 0;
}
