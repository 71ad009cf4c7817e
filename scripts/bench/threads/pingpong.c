/* Wait/notify ping-pong: two threads hand a turn back and forth ROUNDS times through a
   mutex and two condition variables (wasi-libc builds these on memory.atomic.wait32 and
   notify, glibc on futex). Argument: round trips (default 100000). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ping = PTHREAD_COND_INITIALIZER, pong = PTHREAD_COND_INITIALIZER;
static int turn; /* 0: the main thread's, 1: the other's */
static long rounds;

static void *other(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    for (long i = 0; i < rounds; i++) {
        while (turn != 1) pthread_cond_wait(&ping, &mu);
        turn = 0;
        pthread_cond_signal(&pong);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(int argc, char **argv) {
    rounds = argc > 1 ? atol(argv[1]) : 100000;
    pthread_t t;
    if (pthread_create(&t, NULL, other, NULL) != 0) { perror("pthread_create"); return 1; }
    pthread_mutex_lock(&mu);
    for (long i = 0; i < rounds; i++) {
        turn = 1;
        pthread_cond_signal(&ping);
        while (turn != 0) pthread_cond_wait(&pong, &mu);
    }
    pthread_mutex_unlock(&mu);
    pthread_join(t, NULL);
    printf("%ld round trips\n", rounds);
    return 0;
}
