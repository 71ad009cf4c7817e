//! The deterministic scheduler (issue 29): under `WASMC_DETERMINISTIC=1` the threads of a
//! wasi-threads program run one at a time, and the runtime decides which.
//!
//! # Scheduling points
//! A thread gives up the run token only at a *scheduling point*: before every atomic access
//! to a shared memory and every `atomic.fence` (compiled code calls the `sched_point`
//! builtin when `VMStoreContext::sched` is set), `memory.atomic.wait*` and `notify`, a
//! thread's spawn and exit, `sched_yield` and `poll_oneoff`. Between points a thread runs
//! native code at full speed. A data-race-free program communicates only through these
//! operations, so every behaviour it can have is some sequence of choices at them (the
//! reduction of CHESS, loom and Shuttle); a program with a data race on plain memory may
//! have behaviours no schedule shows.
//!
//! # Decisions
//! At a point the *options* are the runnable threads, the current one first (when it is
//! runnable), then the others by thread id (the main thread is 0). Option 0 is therefore
//! "no preemption", and a choice list that ends early continues without preemptions. The
//! policy ([`Policy`]) picks an option; a decision among two or more options is a *choice*,
//! numbered from 0 in the order the run makes them, and the list of chosen indices is the
//! run's *trace* ([`format_trace`]). `model_checker_select(n)` is a choice of arity `n`.
//! With a preemption bound, once the run has preempted that many times the current thread
//! stays the only option while it is runnable (CHESS's bound: a switch away from a thread
//! that could go on counts; one forced by blocking or exiting does not).
//!
//! # Virtual time
//! Time is WASI's deterministic clock ([`Clock`]). A timed wait or a sleep blocks its
//! thread until the clock reaches its deadline; when no thread can run, the clock jumps to
//! the earliest deadline. When no thread can run and none has a deadline, the program is
//! deadlocked: every blocked thread prints what it waits on and its backtrace, in thread id
//! order, and the process ends with status 134.
//!
//! # Mechanics
//! Every thread of the program is an OS thread parked on its own condition variable while
//! another holds the token; [`State::current`] names the holder. Handing the token over is
//! one notify and one wait: only the holder changes the state, so the lock is uncontended.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};

use crate::abi::{MEMORY_RESERVATION, SchedPoint};
use crate::parking::WaitResult;

pub use wasmc_abi::mc::{format_trace, parse_trace};

/// Thread id of the main thread (spawned threads have wasi-threads' ids, from 1).
pub const MAIN_THREAD: u32 = 0;

/// The exit status of a deadlocked run (as a trap's).
pub const DEADLOCK_EXIT_STATUS: i32 = 134;

/// The virtual clock the scheduler reads and advances (WASI's deterministic state).
pub trait Clock: Send + Sync {
    /// The virtual time, in nanoseconds, without advancing it.
    fn now(&self) -> u64;
    /// Moves the virtual time forward to `t` (never back).
    fn advance_to(&self, t: u64);
}

/// How the scheduler picks among the options at a choice (`WASMC_SCHED`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Policy {
    /// `random`: uniformly among the options, from a stream fixed by `seed`.
    Random {
        /// `WASMC_SCHED_SEED`.
        seed: u64,
    },
    /// `pct`: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi and
    /// Nagarakatte, ASPLOS 2010). Each thread gets a random priority of at least `depth`
    /// when it starts; `depth - 1` change points are drawn uniformly among the first
    /// `steps` scheduling points; at the i-th of them the running thread's priority drops
    /// to `i`, below every initial one. The runnable thread of highest priority runs. For a
    /// program of `n` threads and at most `steps` points, a bug of depth `depth` is found
    /// with probability at least 1 / (n * steps^(depth-1)) per run.
    Pct {
        /// `WASMC_SCHED_SEED`.
        seed: u64,
        /// `WASMC_SCHED_DEPTH` (at least 1).
        depth: u32,
        /// `WASMC_SCHED_STEPS`: the bound on the run's scheduling points the change points
        /// are drawn from.
        steps: u64,
    },
    /// `rr`: round-robin, the next runnable thread by id at every point (a switch at every
    /// point: the most interleaved schedule); `model_checker_select` returns 0.
    RoundRobin,
    /// Replays a trace: the i-th choice takes `choices[i]` (clamped to the options), and
    /// option 0 after the list ends. The model checker's runs use it.
    Replay {
        /// The trace's choices.
        choices: Vec<u32>,
    },
}

/// A record of the choices of a run in memory that the model checker's parent process
/// shares with the child that runs it (an anonymous shared mapping made before `fork`), so
/// the record survives the child however it ends. Word 0 counts the choices, word 1 holds
/// [`ChoiceLog::DEADLOCK`], [`ChoiceLog::FULL`] and [`ChoiceLog::TRAP`], word 2 the scheduling points passed;
/// choice `i` is word `3 + i`: the chosen index in the low 32 bits, the arity above.
pub struct ChoiceLog {
    words: *mut u64,
    /// Choices the log holds at most.
    cap: usize,
}

// SAFETY: the log is written only by the thread that holds the run token (under the
// scheduler's lock) and read by another process after this one ended.
unsafe impl Send for ChoiceLog {}

impl ChoiceLog {
    /// Flag: the run ended in a deadlock.
    pub const DEADLOCK: u64 = 1;
    /// Flag: the run made more choices than the log holds (the later ones are lost; the
    /// model checker cannot branch there).
    pub const FULL: u64 = 2;
    /// Flag: a thread of the run trapped (the process then ends with the trap's status,
    /// which a program could also choose with `proc_exit`).
    pub const TRAP: u64 = 4;
    /// Words before the first choice.
    pub const HEADER: usize = 3;

    /// A log over `words`, which holds `HEADER + cap` words; clears it.
    ///
    /// # Safety
    /// `words` must be valid for writes of `HEADER + cap` words for as long as the log (and
    /// the scheduler it is given to) is used, and nothing else may write them meanwhile.
    pub unsafe fn new(words: *mut u64, cap: usize) -> ChoiceLog {
        // SAFETY: the caller guarantees the header words are writable.
        unsafe { std::ptr::write_bytes(words, 0, ChoiceLog::HEADER) };
        ChoiceLog { words, cap }
    }

    fn word(&self, i: usize) -> *mut u64 {
        // SAFETY: callers pass `i < HEADER + cap`, so the result is inside the log's words.
        unsafe { self.words.add(i) }
    }

    fn push(&self, chosen: u32, arity: u32) {
        // SAFETY: word 0 is in the log (see `new`); only the token holder writes it.
        let n = unsafe { *self.word(0) } as usize;
        if n >= self.cap {
            // SAFETY: as above, for word 1.
            unsafe { *self.word(1) |= ChoiceLog::FULL };
            return;
        }
        // SAFETY: `n < cap`, so the word is in the log.
        unsafe {
            *self.word(ChoiceLog::HEADER + n) = u64::from(arity) << 32 | u64::from(chosen);
            *self.word(0) = n as u64 + 1;
        }
    }

    fn set_flag(&self, flag: u64) {
        // SAFETY: word 1 is in the log.
        unsafe { *self.word(1) |= flag };
    }

    fn set_steps(&self, steps: u64) {
        // SAFETY: word 2 is in the log.
        unsafe { *self.word(2) = steps };
    }
}

/// The scheduler's configuration for a run.
pub struct Options {
    /// How choices are made.
    pub policy: Policy,
    /// Most preemptions a run may make (`None`: unbounded).
    pub preemption_bound: Option<u32>,
    /// Where the model checker wants the run's choices.
    pub log: Option<ChoiceLog>,
}

/// What a blocked thread waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Runnable,
    /// In `memory.atomic.wait{width}` on the native address `addr` for a notify; `seq`
    /// orders waiters (notify wakes the oldest first).
    Waiting {
        addr: usize,
        width: u8,
        expected: u64,
        deadline: Option<u64>,
        seq: u64,
    },
    /// In `poll_oneoff` until the virtual time `deadline`.
    Sleeping {
        deadline: u64,
    },
}

impl Status {
    fn deadline(self) -> Option<u64> {
        match self {
            Status::Runnable => None,
            Status::Waiting { deadline, .. } => deadline,
            Status::Sleeping { deadline } => Some(deadline),
        }
    }
}

struct Thread {
    cv: Arc<Condvar>,
    status: Status,
    /// The result of this thread's last wait.
    woken: WaitResult,
    /// PCT priority (higher runs first).
    prio: u64,
}

/// The scheduler's state, changed only by the thread holding the run token.
struct State {
    threads: BTreeMap<u32, Thread>,
    /// The thread that holds the run token.
    current: u32,
    policy: Policy,
    rng: u64,
    /// The next choice's number.
    choice: usize,
    /// Scheduling points passed.
    steps: u64,
    preemptions: u32,
    bound: Option<u32>,
    /// PCT: the steps at which the running thread's priority drops, in order.
    change_points: Vec<u64>,
    wait_seq: u64,
    /// While a deadlock is reported: the blocked threads still to report, in id order.
    deadlock: Option<Vec<u32>>,
    log: Option<ChoiceLog>,
}

/// The deterministic scheduler of the process (one program runs per process).
pub struct Scheduler {
    state: Mutex<State>,
    clock: Arc<dyn Clock>,
    /// Base addresses of the program's shared memories, to print Wasm addresses.
    memories: Vec<usize>,
}

static SCHEDULER: OnceLock<Scheduler> = OnceLock::new();

thread_local! {
    /// This OS thread's id under the scheduler (`u32::MAX`: none).
    static ME: Cell<u32> = const { Cell::new(u32::MAX) };
}

/// The next value of a xorshift64* stream.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

/// A nonzero stream state for `seed`.
fn seeded(seed: u64) -> u64 {
    (seed ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9) | 1
}

/// Starts the scheduler for this process, with the calling thread as the main thread
/// (id [`MAIN_THREAD`]) holding the run token. `memories` are the base addresses of the
/// program's shared memories (for messages).
///
/// # Errors
/// A scheduler already runs in this process.
pub fn install(
    options: Options,
    clock: Arc<dyn Clock>,
    memories: Vec<usize>,
) -> Result<&'static Scheduler, String> {
    let mut rng = match &options.policy {
        Policy::Random { seed } | Policy::Pct { seed, .. } => seeded(*seed),
        Policy::RoundRobin | Policy::Replay { .. } => seeded(0),
    };
    let change_points = match &options.policy {
        Policy::Pct { depth, steps, .. } => {
            let mut points: Vec<u64> =
                (1..*depth).map(|_| 1 + next_random(&mut rng) % (*steps).max(1)).collect();
            points.sort_unstable();
            points
        }
        _ => Vec::new(),
    };
    let mut state = State {
        threads: BTreeMap::new(),
        current: MAIN_THREAD,
        policy: options.policy,
        rng,
        choice: 0,
        steps: 0,
        preemptions: 0,
        bound: options.preemption_bound,
        change_points,
        wait_seq: 0,
        deadlock: None,
        log: options.log,
    };
    let prio = state.initial_priority();
    state.threads.insert(
        MAIN_THREAD,
        Thread {
            cv: Arc::new(Condvar::new()),
            status: Status::Runnable,
            woken: WaitResult::Ok,
            prio,
        },
    );
    let sched = Scheduler { state: Mutex::new(state), clock, memories };
    SCHEDULER.set(sched).map_err(|_| "the deterministic scheduler runs already".to_string())?;
    ME.with(|m| m.set(MAIN_THREAD));
    Ok(SCHEDULER.get().expect("just set"))
}

/// The process's scheduler, if [`install`] started one.
pub fn get() -> Option<&'static Scheduler> {
    SCHEDULER.get()
}

/// Notes in the model checker's choice log, if there is one, that a thread trapped (its
/// report is being printed and the process is about to end).
pub fn record_trap() {
    if let Some(s) = SCHEDULER.get() {
        let st = s.lock();
        if let Some(log) = &st.log {
            log.set_flag(ChoiceLog::TRAP);
        }
    }
}

/// The scheduler, if the calling thread runs under it (the main thread after [`install`],
/// a spawned thread after [`Scheduler::enter`]).
pub fn current() -> Option<&'static Scheduler> {
    if ME.with(|m| m.get()) == u32::MAX { None } else { SCHEDULER.get() }
}

impl State {
    fn initial_priority(&mut self) -> u64 {
        match self.policy {
            // Above every change point's priority (1..depth), distinct with overwhelming
            // probability; ties go to the lower thread id.
            Policy::Pct { depth, .. } => u64::from(depth) + (next_random(&mut self.rng) >> 2),
            _ => 0,
        }
    }

    /// Picks option index for a choice among `arity >= 2` options whose thread ids are
    /// `threads` (empty for `model_checker_select`), and records it.
    fn choose(&mut self, arity: u32, threads: &[u32], me: u32) -> u32 {
        let i = match &self.policy {
            Policy::Random { .. } => (next_random(&mut self.rng) % u64::from(arity)) as u32,
            Policy::RoundRobin if threads.is_empty() => 0,
            Policy::RoundRobin => {
                // The next thread after `me` by id, cyclically.
                let next = threads.iter().filter(|t| **t > me).min().or(threads.iter().min());
                threads.iter().position(|t| Some(t) == next).unwrap_or(0) as u32
            }
            Policy::Pct { .. } if threads.is_empty() => {
                (next_random(&mut self.rng) % u64::from(arity)) as u32
            }
            Policy::Pct { .. } => {
                let prio = |t: &u32| self.threads.get(t).map_or(0, |t| t.prio);
                let best = threads.iter().max_by(|a, b| prio(a).cmp(&prio(b)).then(b.cmp(a)));
                threads.iter().position(|t| Some(t) == best).unwrap_or(0) as u32
            }
            Policy::Replay { choices } => {
                choices.get(self.choice).copied().unwrap_or(0).min(arity - 1)
            }
        };
        self.choice += 1;
        if let Some(log) = &self.log {
            log.push(i, arity);
        }
        i
    }

    /// Makes runnable every blocked thread whose deadline is at or before `now`.
    fn expire(&mut self, now: u64) {
        for t in self.threads.values_mut() {
            if t.status.deadline().is_some_and(|d| d <= now) {
                if matches!(t.status, Status::Waiting { .. }) {
                    t.woken = WaitResult::TimedOut;
                }
                t.status = Status::Runnable;
            }
        }
    }
}

/// How a scheduling decision ended.
enum Next {
    Run(u32),
    Deadlock,
}

impl Scheduler {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The calling thread's id under the scheduler.
    fn me() -> u32 {
        ME.with(|m| m.get())
    }

    /// A scheduling decision at a point of thread `me` (which may be blocked or gone).
    fn decide(&self, st: &mut State, me: u32) -> Next {
        st.steps += 1;
        if let Some(log) = &st.log {
            log.set_steps(st.steps);
        }
        // PCT: at a change point the running thread's priority drops below all others.
        if let Some(k) = st.change_points.iter().position(|s| *s == st.steps)
            && let Some(t) = st.threads.get_mut(&me)
        {
            t.prio = k as u64 + 1;
        }
        loop {
            st.expire(self.clock.now());
            let me_runnable = st.threads.get(&me).is_some_and(|t| t.status == Status::Runnable);
            let mut options: Vec<u32> = Vec::with_capacity(st.threads.len());
            if me_runnable {
                options.push(me);
            }
            options.extend(
                st.threads
                    .iter()
                    .filter(|(id, t)| **id != me && t.status == Status::Runnable)
                    .map(|(id, _)| *id),
            );
            if options.is_empty() {
                match st.threads.values().filter_map(|t| t.status.deadline()).min() {
                    Some(d) => {
                        self.clock.advance_to(d);
                        continue;
                    }
                    None => return Next::Deadlock,
                }
            }
            if me_runnable && st.bound.is_some_and(|b| st.preemptions >= b) {
                options.truncate(1);
            }
            let i =
                if options.len() > 1 { st.choose(options.len() as u32, &options, me) } else { 0 };
            if me_runnable && i != 0 {
                st.preemptions += 1;
            }
            return Next::Run(options[i as usize]);
        }
    }

    /// Passes a point of the calling thread `me`: decides who runs next and, if another
    /// thread, hands it the token and waits until `me` holds it again. `fp` is the exit
    /// frame of `me`'s call from Wasm (0 if none), for a deadlock report.
    fn reschedule<'a>(
        &'a self,
        mut st: MutexGuard<'a, State>,
        me: u32,
        fp: usize,
    ) -> MutexGuard<'a, State> {
        match self.decide(&mut st, me) {
            Next::Run(next) if next == me => return st,
            Next::Run(next) => {
                st = self.pass_token(st, next);
            }
            Next::Deadlock => self.start_deadlock_report(&mut st),
        }
        self.wait_for_token(st, me, fp)
    }

    fn hand_over(&self, st: &mut State, next: u32) {
        st.current = next;
        if let Some(t) = st.threads.get(&next) {
            t.cv.notify_one();
        }
    }

    /// Gives the token to `next` and wakes it with the lock released (woken under the
    /// lock, on the same CPU it would run at once and block on the lock the waker still
    /// holds: two more context switches per hand-over); returns the lock retaken.
    fn pass_token<'a>(&'a self, mut st: MutexGuard<'a, State>, next: u32) -> MutexGuard<'a, State> {
        st.current = next;
        let cv = st.threads.get(&next).map(|t| t.cv.clone());
        drop(st);
        if let Some(cv) = cv {
            cv.notify_one();
        }
        self.lock()
    }

    /// Blocks until `me` holds the token (reporting its part of a deadlock, if that is why).
    fn wait_for_token<'a>(
        &'a self,
        mut st: MutexGuard<'a, State>,
        me: u32,
        fp: usize,
    ) -> MutexGuard<'a, State> {
        let Some(cv) = st.threads.get(&me).map(|t| t.cv.clone()) else { return st };
        while st.current != me {
            st = cv.wait(st).unwrap_or_else(|e| e.into_inner());
        }
        if st.deadlock.is_some() {
            self.report_deadlocked(st, me, fp);
        }
        st
    }

    /// No thread can run and none has a deadline: starts the report, which the blocked
    /// threads continue one by one ([`Scheduler::report_deadlocked`]).
    fn start_deadlock_report(&self, st: &mut State) {
        let blocked: Vec<u32> = st.threads.keys().copied().collect();
        if let Some(log) = &st.log {
            log.set_flag(ChoiceLog::DEADLOCK);
        }
        eprintln!(
            "wasm deadlock: every thread is blocked and none has a timeout ({} thread{})",
            blocked.len(),
            if blocked.len() == 1 { "" } else { "s" }
        );
        let mut rest = blocked;
        rest.reverse();
        let first = rest.pop();
        st.deadlock = Some(rest);
        match first {
            Some(t) => self.hand_over(st, t),
            None => crate::exit::exit_process(DEADLOCK_EXIT_STATUS),
        }
    }

    /// The token holder `me`, blocked in a deadlock: prints what it waits on and its
    /// backtrace, then passes the token to the next blocked thread, or ends the process.
    fn report_deadlocked(&self, mut st: MutexGuard<'_, State>, me: u32, fp: usize) -> ! {
        let mut out = String::new();
        let who =
            if me == MAIN_THREAD { "thread 0 (main)".to_string() } else { format!("thread {me}") };
        let status = st.threads.get(&me).map(|t| t.status);
        match status {
            Some(Status::Waiting { addr, width, expected, .. }) => {
                // As the Wasm operand: a signed i32 or i64.
                let expected =
                    if width == 32 { i64::from(expected as u32 as i32) } else { expected as i64 };
                let _ = write!(
                    out,
                    "{who}: blocked in memory.atomic.wait{width} on address {} (expected \
                     {expected}, no timeout)",
                    self.describe_addr(addr)
                );
            }
            _ => {
                let _ = write!(out, "{who}: blocked");
            }
        }
        // SAFETY: `fp` is the exit frame of this thread's call from Wasm, which is still
        // in progress (the thread is blocked inside it).
        let (frames, omitted) = unsafe { crate::traps::backtrace_from(fp) };
        let _ = crate::traps::write_backtrace(&mut out, &frames, omitted);
        eprintln!("{out}");
        let next = st.deadlock.as_mut().and_then(|rest| rest.pop());
        match next {
            Some(t) => {
                self.hand_over(&mut st, t);
                let cv = st.threads.get(&me).map(|t| t.cv.clone());
                // This thread's part is done; it never runs again.
                loop {
                    st = match &cv {
                        Some(cv) => cv.wait(st).unwrap_or_else(|e| e.into_inner()),
                        None => crate::exit::exit_process(DEADLOCK_EXIT_STATUS),
                    };
                }
            }
            None => {
                drop(st);
                crate::exit::exit_process(DEADLOCK_EXIT_STATUS)
            }
        }
    }

    /// `addr` as a Wasm address of a shared memory when it is in one, else native.
    fn describe_addr(&self, addr: usize) -> String {
        for (i, base) in self.memories.iter().enumerate() {
            if (*base..base.saturating_add(MEMORY_RESERVATION as usize)).contains(&addr) {
                let suffix =
                    if self.memories.len() > 1 { format!(" of memory {i}") } else { String::new() };
                return format!("{:#x}{suffix}", addr - base);
            }
        }
        format!("{addr:#x} (native)")
    }

    /// A scheduling point of the calling thread before an atomic access of `_kind` (or a
    /// yield): other threads may run before it returns.
    pub fn point(&self, _kind: Option<SchedPoint>, fp: usize) {
        let me = Self::me();
        let st = self.lock();
        drop(self.reschedule(st, me, fp));
    }

    /// `memory.atomic.wait{width}` on the native address `addr` under the scheduler: a
    /// point, then "not-equal" unless `load()` (the cell, read atomically) is `expected`,
    /// else blocks until a notify ("ok") or until the virtual clock passes `timeout` ns
    /// from now ("timed-out"). `fp` is the exit frame of the call from Wasm.
    pub fn wait(
        &self,
        addr: usize,
        width: u8,
        expected: u64,
        load: &dyn Fn() -> u64,
        timeout: Option<u64>,
        fp: usize,
    ) -> WaitResult {
        let me = Self::me();
        let mut st = self.reschedule(self.lock(), me, fp);
        if load() != expected {
            return WaitResult::NotEqual;
        }
        let deadline = timeout.map(|t| self.clock.now().saturating_add(t));
        st.wait_seq += 1;
        let seq = st.wait_seq;
        if let Some(t) = st.threads.get_mut(&me) {
            t.status = Status::Waiting { addr, width, expected, deadline, seq };
            t.woken = WaitResult::Ok;
        }
        let st = self.reschedule(st, me, fp);
        st.threads.get(&me).map_or(WaitResult::Ok, |t| t.woken)
    }

    /// `memory.atomic.notify` of the native address `addr`: a point, then wakes at most
    /// `count` of its waiters, oldest first; returns how many.
    pub fn notify(&self, addr: usize, count: u32, fp: usize) -> u32 {
        let me = Self::me();
        let mut st = self.reschedule(self.lock(), me, fp);
        let mut waiters: Vec<(u64, u32)> = st
            .threads
            .iter()
            .filter_map(|(id, t)| match t.status {
                Status::Waiting { addr: a, seq, .. } if a == addr => Some((seq, *id)),
                _ => None,
            })
            .collect();
        waiters.sort_unstable();
        let mut woken = 0;
        for (_, id) in waiters.into_iter().take(count as usize) {
            if let Some(t) = st.threads.get_mut(&id) {
                t.status = Status::Runnable;
                t.woken = WaitResult::Ok;
                woken += 1;
            }
        }
        woken
    }

    /// Blocks the calling thread until the virtual clock reaches `deadline` (ns; a
    /// `poll_oneoff` clock subscription): other threads run meanwhile.
    pub fn sleep_until(&self, deadline: u64) {
        let me = Self::me();
        let mut st = self.lock();
        if let Some(t) = st.threads.get_mut(&me) {
            t.status = Status::Sleeping { deadline };
        }
        drop(self.reschedule(st, me, 0));
    }

    /// `model_checker_select(n)`: a choice of arity `n` made by the policy (0 for `n` below
    /// 2, which is no choice).
    pub fn select(&self, n: u32) -> u32 {
        let me = Self::me();
        let mut st = self.lock();
        if n < 2 {
            return 0;
        }
        st.choose(n, &[], me)
    }

    /// Registers thread `id`, about to be spawned, as runnable (it runs once chosen, after
    /// its OS thread calls [`Scheduler::enter`]).
    pub fn add_thread(&self, id: u32) {
        let mut st = self.lock();
        let prio = st.initial_priority();
        let t = Thread {
            cv: Arc::new(Condvar::new()),
            status: Status::Runnable,
            woken: WaitResult::Ok,
            prio,
        };
        st.threads.insert(id, t);
    }

    /// Forgets thread `id`, whose OS thread could not be started.
    pub fn remove_thread(&self, id: u32) {
        self.lock().threads.remove(&id);
    }

    /// The first call of thread `id`'s OS thread: waits until the thread is chosen.
    pub fn enter(&self, id: u32) {
        ME.with(|m| m.set(id));
        let st = self.lock();
        drop(self.wait_for_token(st, id, 0));
    }

    /// The calling thread ends: the token goes to another thread (a scheduling decision);
    /// the caller must not run Wasm code again.
    pub fn exit_thread(&self) {
        let me = Self::me();
        let mut st = self.lock();
        st.threads.remove(&me);
        match self.decide(&mut st, me) {
            Next::Run(next) => drop(self.pass_token(st, next)),
            Next::Deadlock => self.start_deadlock_report(&mut st),
        }
    }

    /// The scheduling points passed so far.
    pub fn steps(&self) -> u64 {
        self.lock().steps
    }
}
