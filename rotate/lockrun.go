package rotate

import "time"

// With Lock, a write that took the flock, stated the path and released the flock each time
// would pay three system calls around the one that writes, 4-5x the cost of a plain file.
// So when writes come back to back, a run holds the flock across them, and only its first
// write stats the path:
//
//   - Every write that does not find a run takes the flock and follows the path (stat; reopen
//     if another process rotated the file away; adopt the size the other processes grew it
//     to). If it came within lockRunGap of the previous write (this process is busy
//     logging), it keeps the flock when done: a run starts. A write that came after a pause
//     releases the flock at once, so sporadic writers never hold the flock while idle.
//   - While the run lasts this process holds the flock, so no other process using Lock can
//     write, rotate or stat-and-follow: the path still names our file and its size is our
//     last size plus what we wrote since. Checking them again would learn nothing, so the
//     writes of a run skip the stat; a rollover during the run happens under the flock.
//   - A run ends after lockRunWrites writes, when a releaser goroutine finds that no write
//     came since its previous check (the first lockRunGap after the run started, later ones
//     further apart while writes go on; it sleeps on a timerfd: Go's timers wake about 1 ms
//     late when the process is idle, which would make other processes wait that long; see
//     shortSleeper), when it has lasted lockRunHold whatever happens, or at Close. The next
//     write starts over: flock, follow.
//
// So the cross-process rules hold: every write and every rollover happens under the flock,
// and every process checks the path between the moment it takes the flock and its first write
// after any other process could have held it — a process never writes into a file another has
// rotated away, the file rotates once per threshold, and each record is one O_APPEND write(2)
// under the lock, whole. The price: another process may wait for the flock up to about
// lockRunHold (or lockRunWrites of our writes) while this one is busy, and a file moved by a
// program that does not take the flock (a user's mv) is noticed when the next run starts
// rather than at the next write.
//
// In-process users of the names lock (the compressor goroutine) take it while a run holds the
// flock: the flock is ours already, so lockNames only takes the mutex and unlockNames leaves
// the flock to the run.
const (
	lockRunWrites = 1024
	lockRunGap    = 100 * time.Microsecond
	lockRunHold   = time.Millisecond
)

// lockRun is the state of the current run, guarded by file.names.
type lockRun struct {
	held   bool // a run holds the flock beyond the names mutex
	own    bool // the write in progress took the flock (lockWrite succeeded)
	writes int  // writes made in the run
	// busy is true when the last run ended on a limit rather than for lack of writes: the
	// next write starts a run at once. Otherwise a write reads the clock to tell whether it
	// follows the previous one closely — reading it on every write would cost more than
	// the stat it saves (a clock read is ~100 ns on some virtual machines).
	busy bool
	last time.Time // when the previous write outside a run ended
	gen  uint64    // runs started: the releaser counts its checks per run
	wake chan struct{}
	done chan struct{} // closed when the releaser returned; nil if it never started
}

// lockWrite takes the names lock for a write with Lock and reports whether the caller must
// follow the path before writing: true unless a run already holds the flock.
func (b *file) lockWrite() (follow bool) {
	b.names.Lock()
	if b.run.held {
		return false
	}
	if err := b.lk.lock(); err != nil {
		// Writing on without the lock may rotate twice but loses nothing.
		b.report(err)
		return true
	}
	b.run.own = true
	return true
}

// unlockWrite ends the write's hold on the flock — keeping it for a run when writes come back
// to back — and releases the names lock.
func (b *file) unlockWrite() {
	switch {
	case b.run.held:
		b.run.writes++
		if b.run.writes >= lockRunWrites {
			b.run.busy = true
			b.endRunLocked()
		}
	case !b.run.own:
		// lockWrite failed to take the flock: nothing to keep or release.
	case b.run.busy:
		b.startRunLocked()
	default:
		now := time.Now()
		if now.Sub(b.run.last) < lockRunGap {
			b.startRunLocked()
		} else {
			b.lk.unlock()
		}
		b.run.last = now
	}
	b.run.own = false
	b.names.Unlock()
}

// startRunLocked makes the flock taken by the current write outlive it, and has the releaser
// watch the run; names must be locked.
func (b *file) startRunLocked() {
	b.run.held, b.run.writes = true, 1
	b.run.gen++
	if b.run.done == nil {
		b.run.wake, b.run.done = make(chan struct{}, 1), make(chan struct{})
		go b.releaser(b.run.wake, b.run.done)
	}
	select {
	case b.run.wake <- struct{}{}:
	default: // already signalled
	}
}

// endRunLocked releases the flock held by a run; names must be locked.
func (b *file) endRunLocked() {
	if b.run.held {
		b.run.held = false
		b.lk.unlock()
	}
}

// releaser ends the runs that go idle or last lockRunHold, until wake is closed. A check
// that finds no write since the previous one (since the run's first write, for the first
// check) ends the run as idle. Checks come lockRunGap apart at first, then further apart
// while the run stays busy (each check is a wake-up and a contended mutex: at one every
// lockRunGap they cost the writer more than the flock they save); the writer's own limit,
// lockRunWrites, ends busy runs meanwhile.
func (b *file) releaser(wake <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	sl := newShortSleeper()
	defer sl.close()
	for range wake {
		var gen uint64
		seen := 0
		var held, interval time.Duration
		for {
			if interval == 0 {
				interval = lockRunGap
			}
			sl.sleep(interval)
			b.names.Lock()
			if !b.run.held {
				b.names.Unlock()
				break
			}
			if b.run.gen != gen {
				gen, seen, held, interval = b.run.gen, 1, 0, lockRunGap // a new run, one write so far
			}
			held += interval
			idle := b.run.writes == seen
			if idle || held >= lockRunHold {
				b.run.busy = !idle
				b.endRunLocked()
				b.names.Unlock()
				break
			}
			seen = b.run.writes
			interval = min(2*interval, lockRunHold-held)
			b.names.Unlock()
		}
	}
}

// endRun ends the run, if any, and stops the releaser: Close calls it before the background
// work, which must take the flock itself from then on. b.mu must be held.
func (b *file) endRun() {
	if b.lk == nil {
		return
	}
	b.names.Lock()
	b.endRunLocked()
	done := b.run.done
	if done != nil {
		close(b.run.wake)
		b.run.done = nil
	}
	b.names.Unlock()
	if done != nil {
		<-done
	}
}
