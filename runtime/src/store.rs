//! The store: the owner of a set of instances that may call each other, and of the state
//! they share (the GC heap, the root table, activations' stack limit, the embedding's
//! data), which lives in its [`StoreInner`].
//!
//! This module is the top of the runtime's module graph: it gives the store's VM contexts
//! the runtime's builtins (`crate::libcalls`), so that `crate::instance` (which the
//! builtins call into) depends on neither the builtins nor WASI.

use std::sync::Arc;

use crate::instance::{Extern, Func, Instance, InstantiateError, RootedVal, StoreInner, Val};
use crate::meta::Import;
use crate::registry::LoadedModule;
use crate::traps::Trap;
use wasmc_gc::{GcConfig, HeapError};

/// A set of instances that may call each other, and the state they share.
pub struct Store {
    inner: Box<StoreInner>,
}

impl Store {
    /// An empty store whose Wasm code may use `stack_size` bytes of stack. The caller must
    /// run calls on a thread with at least that much stack plus room for host code
    /// (1 MiB is ample).
    ///
    /// # Errors
    /// The GC heap's address space cannot be reserved.
    pub fn new(stack_size: usize, gc: GcConfig) -> Result<Store, HeapError> {
        Ok(Store { inner: StoreInner::new(stack_size, gc, &crate::libcalls::BUILTINS)? })
    }

    /// The store's shared state.
    pub fn inner(&mut self) -> &mut StoreInner {
        &mut self.inner
    }

    /// Instantiates `module`, resolving each import with `resolve`, and runs its start
    /// function. Returns the index of the new instance.
    ///
    /// # Errors
    /// See [`InstantiateError`]. On a trap during initialisation, the instance stays in the
    /// store (its tables or memories may be shared and partly written, as the spec says).
    pub fn instantiate(
        &mut self,
        module: &Arc<LoadedModule>,
        resolve: &mut dyn FnMut(&Import) -> Option<Extern>,
    ) -> Result<usize, InstantiateError> {
        self.inner.instantiate(module, resolve)
    }

    /// The instance at `index`.
    pub fn instance(&mut self, index: usize) -> &mut Instance {
        self.inner.instance(index)
    }

    /// Calls `func` with `args`; returns its results or the trap. A reference result that
    /// points into the GC heap is returned as an owned root ([`RootedVal::Gc`]), so it stays
    /// valid across later calls and collections (read its current bits with
    /// [`StoreInner::raw`]); nothing the host gets from a call dangles. The arguments are
    /// raw: read a rooted reference's bits just before the call (nothing collects between).
    /// Reference arguments are trusted to be references of this store (from its roots or
    /// results) that match the parameter's type: only the argument count is checked.
    ///
    /// # Errors
    /// The trap, including an argument count mismatch or a function of another store (as
    /// host traps).
    pub fn call(&mut self, func: &Func, args: &[Val]) -> Result<Vec<RootedVal>, Trap> {
        self.inner.call(func, args)
    }

    /// Runs `f` in a root scope: the scoped roots ([`StoreInner::root`]) made in it are
    /// freed when it returns.
    pub fn root_scope<R>(&mut self, f: impl FnOnce(&mut Store) -> R) -> R {
        let mark = self.inner.roots.scope_mark();
        let result = f(self);
        self.inner.roots.end_scope(mark);
        result
    }
}
