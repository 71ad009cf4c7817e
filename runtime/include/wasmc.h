/*
 * wasmc.h: the C embedding API of the wasmc runtime.
 *
 * Run modules compiled by `wasmc -c --module-name NAME` inside your own program. Each such
 * object defines one symbol, its module descriptor `wasmc_module_NAME`
 * (WASMC_DECLARE_MODULE(NAME) declares it); link the objects with the runtime library:
 *
 *     cc -I"$(wasmc --print-include-dir)" host.c NAME.o "$(wasmc --print-runtime-lib)" \
 *         -lpthread -ldl -lm -o host
 *
 * A store (wasmc_store_t) holds instances that may call each other and what they share:
 * the GC heap, the host's references, the Wasm stack limit. Calls run on the calling
 * thread; a store and everything from it belong to one thread at a time. Wasm code may use
 * the store's stack size (default 8 MiB), less if the thread's stack ends sooner (512 KiB
 * stay for host code): running out is a trap ("call stack exhausted"), never a crash.
 *
 * Threads: several stores may run at once, each on its own thread; a store, its instances,
 * externs and references are never used from two threads at once (the host serialises
 * that itself). A module with a shared memory (threads proposal) runs its atomics and
 * wait/notify in any store; its memory is that store's, and this API cannot hand it to
 * another store (the Rust API's SharedMemory can). `wasi.thread-spawn` is not provided
 * here: wasi-threads programs run as executables (`wasmc prog.wasm -o prog`, `wasmc run`).
 *
 * Failures are wasmc_error_t values, returned (NULL means success): a trap (with its
 * backtrace), a WASI exit (wasmc_error_exit_status), an unknown or mistyped import, a bad
 * argument. Nothing in this API exits the process or prints.
 *
 * References the host holds are wasmc_ref_t handles: roots, updated when the collector
 * moves the object, valid until wasmc_ref_delete. NULL is the null reference.
 *
 * Strings are NUL-terminated UTF-8. Pointers returned by accessors stay valid as long as
 * the object they were read from.
 */
#ifndef WASMC_H
#define WASMC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wasmc_store wasmc_store_t;
typedef struct wasmc_module wasmc_module_t;
typedef struct wasmc_imports wasmc_imports_t;
typedef struct wasmc_instance wasmc_instance_t;
typedef struct wasmc_ref wasmc_ref_t;
typedef struct wasmc_error wasmc_error_t;
typedef struct wasmc_caller wasmc_caller_t;
/* The descriptor a compiled object defines (opaque). */
typedef struct wasmc_module_descriptor wasmc_module_descriptor_t;

/* Declares the descriptor of the module compiled with `--module-name NAME`. */
#define WASMC_DECLARE_MODULE(NAME) extern const wasmc_module_descriptor_t wasmc_module_##NAME
/* The descriptor of module NAME (declared with WASMC_DECLARE_MODULE). */
#define WASMC_MODULE(NAME) (&wasmc_module_##NAME)

/* ---- values ---- */

typedef uint32_t wasmc_valkind_t;
#define WASMC_I32 0u
#define WASMC_I64 1u
#define WASMC_F32 2u
#define WASMC_F64 3u
/* Any reference type: `of.ref` is a handle, or NULL for null. */
#define WASMC_REF 4u
/* `v128`: `of.v128.bytes` are its 16 bytes in memory order (lane 0 first, lanes
 * little-endian), as `v128.store` would write them. */
#define WASMC_V128 5u

typedef struct wasmc_v128 {
    uint8_t bytes[16];
} wasmc_v128_t;

typedef struct wasmc_val {
    wasmc_valkind_t kind;
    union {
        int32_t i32;
        int64_t i64;
        float f32;
        double f64;
        wasmc_ref_t *ref;
        wasmc_v128_t v128;
    } of;
} wasmc_val_t;

/* ---- errors ---- */

/* A new error with `message` (for host functions to return: a trap of the calling code). */
wasmc_error_t *wasmc_error_new(const char *message);
void wasmc_error_delete(wasmc_error_t *error);
/* One line: "integer divide by zero", "unknown import: `env::log`", ... */
const char *wasmc_error_message(const wasmc_error_t *error);
/* The whole report as a wasmc program prints it: "wasm trap: ..." and the backtrace. */
const char *wasmc_error_report(const wasmc_error_t *error);
/* Whether the error is a trap of running code (else: linking, arguments, resources). */
bool wasmc_error_is_trap(const wasmc_error_t *error);
/* If the error is a WASI `proc_exit`, stores its status and returns true. */
bool wasmc_error_exit_status(const wasmc_error_t *error, int *status);
/* The trap's backtrace, innermost frame first (at most 64 frames). */
size_t wasmc_error_frame_count(const wasmc_error_t *error);
/* Frame `i`'s function name (its name section's, else "func[N]"). */
const char *wasmc_error_frame_func(const wasmc_error_t *error, size_t i);
/* Frame `i`'s function index in its module. */
uint32_t wasmc_error_frame_func_index(const wasmc_error_t *error, size_t i);
/* Frame `i`'s module name, or NULL if its module has none. */
const char *wasmc_error_frame_module(const wasmc_error_t *error, size_t i);

/* ---- stores ---- */

#define WASMC_COLLECTOR_GENERATIONAL 0
#define WASMC_COLLECTOR_SEMISPACE 1

/* A zeroed config is the defaults. Zero fields keep the default (or the environment's). */
typedef struct wasmc_store_config {
    /* Start from WASMC_STACK_SIZE and the WASMC_GC* variables of the environment. */
    bool from_env;
    /* Bytes of stack Wasm code may use (default 8 MiB). */
    size_t stack_size;
    /* WASMC_COLLECTOR_GENERATIONAL (default) or WASMC_COLLECTOR_SEMISPACE. */
    int collector;
    /* Initial and maximum heap budget in bytes (defaults 16 MiB, 2 GiB). */
    size_t heap_initial;
    size_t heap_max;
    /* Bytes of the nursery (generational; default 8 MiB). */
    size_t nursery;
} wasmc_store_config_t;

/* Makes a store; `config` may be NULL (defaults). */
wasmc_error_t *wasmc_store_new(const wasmc_store_config_t *config, wasmc_store_t **out);
/* Frees the store, its instances, memories, tables and globals. Its wasmc_instance_t
 * pointers dangle; its wasmc_extern_t values are refused from now on (see wasmc_extern_t);
 * its wasmc_ref_t handles are refused by every other store and must still be deleted. */
void wasmc_store_delete(wasmc_store_t *store);
/* Runs a full collection now. */
void wasmc_store_gc(wasmc_store_t *store);

typedef struct wasmc_preopen {
    const char *host_path;
    const char *guest_path;
} wasmc_preopen_t;

/* WASI preview1 for a store's instances; stdin, stdout and stderr are the process's. */
typedef struct wasmc_wasi_config {
    const char *const *argv; /* argv[0] is the program's name */
    size_t argc;
    const char *const *env; /* "NAME=VALUE" */
    size_t envc;
    const wasmc_preopen_t *preopens; /* descriptors 3, 4, ... */
    size_t npreopens;
    bool deterministic; /* fixed clocks and random bytes, as WASMC_DETERMINISTIC=1 */
} wasmc_wasi_config_t;

/* Gives the store its WASI context (one per store, shared by its instances). */
wasmc_error_t *wasmc_store_set_wasi(wasmc_store_t *store, const wasmc_wasi_config_t *config);

/* ---- modules ---- */

/* The module of a linked descriptor (WASMC_MODULE(NAME)). The same descriptor gives the
 * same module; modules live as long as the process. Fails for an object of another wasmc. */
wasmc_error_t *wasmc_module_new(const wasmc_module_descriptor_t *descriptor, wasmc_module_t **out);
void wasmc_module_delete(wasmc_module_t *module);

/* ---- exports and imports ---- */

typedef uint32_t wasmc_extern_kind_t;
#define WASMC_EXTERN_FUNC 0u
#define WASMC_EXTERN_TABLE 1u
#define WASMC_EXTERN_MEMORY 2u
#define WASMC_EXTERN_GLOBAL 3u
#define WASMC_EXTERN_TAG 4u

/* A function, table, memory, global or tag of a store: a plain value, valid as long as
 * the store. Its fields are the runtime's; read only `kind`. It records its store: using
 * it with another store (a call, wasmc_global_get, an import), or after its store was
 * deleted, is an error (NULL, 0 or false where nothing else can be returned), never a read
 * of the other store's objects. */
typedef struct wasmc_extern {
    wasmc_extern_kind_t kind;
    uint32_t index;
    uint64_t store;
    void *owner;
} wasmc_extern_t;

/* What a host function sees of its caller. */
/* The calling instance's memory 0 (NULL and *len = 0 if it has none). Valid until the
 * host function returns or calls into Wasm. */
uint8_t *wasmc_caller_memory(wasmc_caller_t *caller, size_t *len);

/* A host function: reads `nargs` arguments, writes `nresults` results (their kinds are
 * set). Reference arguments are handles valid during the call (wasmc_ref_clone keeps
 * one); reference results are taken over by the runtime and must be externrefs
 * (wasmc_ref_extern_new) or NULL. Returns NULL, or an error: a trap of the caller. */
typedef wasmc_error_t *(*wasmc_callback_t)(void *env, wasmc_caller_t *caller,
                                           const wasmc_val_t *args, size_t nargs,
                                           wasmc_val_t *results, size_t nresults);

wasmc_imports_t *wasmc_imports_new(void);
void wasmc_imports_delete(wasmc_imports_t *imports);
/* Defines module.name as a host function with these parameter and result kinds (checked
 * against each importing module's declared type). `finalize(env)`, if not NULL, runs when
 * the function is no longer used (the imports and every store it was bound in are gone). */
void wasmc_imports_func(wasmc_imports_t *imports, const char *module, const char *name,
                        const wasmc_valkind_t *params, size_t nparams,
                        const wasmc_valkind_t *results, size_t nresults,
                        wasmc_callback_t callback, void *env, void (*finalize)(void *));
/* Defines module.name as a function, table, memory, global or tag. It must belong to the
 * store that instantiates with these imports: an extern of another store, alive or
 * deleted, makes wasmc_instantiate fail ("... belongs to another store"). */
void wasmc_imports_define(wasmc_imports_t *imports, const char *module, const char *name,
                          const wasmc_extern_t *item);
/* Defines every export of `instance` under the module name `module`. */
void wasmc_imports_instance(wasmc_imports_t *imports, const char *module,
                            wasmc_instance_t *instance);
/* Resolves wasi_snapshot_preview1 imports to the store's WASI (wasmc_store_set_wasi). */
void wasmc_imports_wasi(wasmc_imports_t *imports);

/* ---- instances ---- */

/* Instantiates `module` in `store` (imports may be NULL) and runs its start function. The
 * instance lives as long as the store. */
wasmc_error_t *wasmc_instantiate(wasmc_store_t *store, const wasmc_module_t *module,
                                 const wasmc_imports_t *imports, wasmc_instance_t **out);
/* Initialises a WASI reactor (a module that exports `_initialize` and no `_start`): calls
 * its `_initialize`, which the WASI application ABI says runs once, before any other
 * export; call this right after wasmc_instantiate. `*initialized` (if not NULL) tells
 * whether the instance was a reactor. Errors: the trap of `_initialize`, or a module that
 * exports both `_start` and `_initialize`, or an `_initialize` that is not [] -> []. */
wasmc_error_t *wasmc_instance_initialize(wasmc_store_t *store, wasmc_instance_t *instance,
                                         bool *initialized);
/* The export `name`; false if there is none. */
bool wasmc_instance_export(wasmc_instance_t *instance, const char *name, wasmc_extern_t *out);
/* The same for the `len` bytes at `name`, which may include NUL bytes (Wasm names are any
 * UTF-8 string); the typed headers of `wasmc --emit header` look exports up this way. */
bool wasmc_instance_export_len(wasmc_instance_t *instance, const char *name, size_t len,
                               wasmc_extern_t *out);

/* Calls a function. `nargs` and `nresults` must match its type; arguments' kinds are
 * checked; reference results are new handles for the caller to delete. */
wasmc_error_t *wasmc_func_call(wasmc_store_t *store, const wasmc_extern_t *func,
                               const wasmc_val_t *args, size_t nargs,
                               wasmc_val_t *results, size_t nresults);
/* The number of a function's parameters and results. */
size_t wasmc_func_param_count(const wasmc_extern_t *func);
size_t wasmc_func_result_count(const wasmc_extern_t *func);

/* ---- memories, tables, globals ---- */

/* A memory's bytes and their number (pages of 65536 bytes). The pointer changes when the
 * memory grows. */
uint8_t *wasmc_memory_data(const wasmc_extern_t *memory);
size_t wasmc_memory_size(const wasmc_extern_t *memory);
/* Grows by `delta` pages; stores the old size in pages. False if it cannot. */
bool wasmc_memory_grow(const wasmc_extern_t *memory, uint64_t delta, uint64_t *old_pages);
/* A memory of the host, owned by the store (max_pages UINT64_MAX: no maximum). */
wasmc_error_t *wasmc_memory_new(wasmc_store_t *store, uint64_t min_pages, uint64_t max_pages,
                                wasmc_extern_t *out);
/* A funcref table of the host, owned by the store (max UINT64_MAX: no maximum). */
wasmc_error_t *wasmc_table_new(wasmc_store_t *store, uint64_t min, uint64_t max,
                               wasmc_extern_t *out);
uint64_t wasmc_table_size(const wasmc_extern_t *table);
/* A numeric global of the host, owned by the store. */
wasmc_error_t *wasmc_global_new(wasmc_store_t *store, const wasmc_val_t *init, bool mutable_,
                                wasmc_extern_t *out);
/* Reads a global (a reference is a new handle). */
wasmc_error_t *wasmc_global_get(wasmc_store_t *store, const wasmc_extern_t *global,
                                wasmc_val_t *out);
/* Writes a mutable numeric global. */
wasmc_error_t *wasmc_global_set(wasmc_store_t *store, const wasmc_extern_t *global,
                                const wasmc_val_t *value);

/* ---- references ---- */

void wasmc_ref_delete(wasmc_ref_t *ref);
/* Another handle to the same reference. */
wasmc_ref_t *wasmc_ref_clone(const wasmc_ref_t *ref);
/* An externref carrying the host's `value` (the same value gives the same reference). */
wasmc_ref_t *wasmc_ref_extern_new(wasmc_store_t *store, uint64_t value);
/* If `ref` is an externref of wasmc_ref_extern_new, stores its value and returns true. */
bool wasmc_ref_extern_get(wasmc_store_t *store, const wasmc_ref_t *ref, uint64_t *value);

#ifdef __cplusplus
}
#endif

#endif /* WASMC_H */
