/* Non-local exit from a trap back to the host frame that entered Wasm.
 *
 * Rust cannot call setjmp soundly, so the jump buffer lives in this C frame: the runtime
 * calls wasmc_catch_traps(body, data, &slot); body enters Wasm; when compiled code traps,
 * the signal handler (or a host function) calls wasmc_unwind(slot), which returns 1 from
 * wasmc_catch_traps. No Rust frame with a destructor lives between the two. */
#include <setjmp.h>

typedef void (*wasmc_body)(void *);

int wasmc_catch_traps(wasmc_body body, void *data, void **slot) {
    sigjmp_buf buf;
    void *prev = *slot;
    if (sigsetjmp(buf, 0) == 0) {
        *slot = &buf;
        body(data);
        *slot = prev;
        return 0;
    }
    *slot = prev;
    return 1;
}

void wasmc_unwind(void *buf) {
    siglongjmp(*(sigjmp_buf *)buf, 1);
}
