package netsink

import "time"

// Spool keeps the records of an engine handler on disk until they are delivered, so that
// they survive an outage of the peer longer than memory would last and a crash of the
// application (Delivery.Spool; the zero value keeps them in memory only).
//
// A record Handle accepted is in a memory-mapped segment file under Dir, in the page cache at
// least, when Handle returns: a crash of the process (a panic, an OOM kill, SIGKILL) loses
// none. Records leave the spool only once delivered as the protocol defines it (acknowledged
// for Socket and forward, a 2xx for otlp and httpsink, accepted by the mail server for smtp,
// written for stream syslog). The next handler opened on the same Dir sends the records an
// earlier run left first, in their order, then new ones (Stats().Recovered counts them); at
// least once: records in flight at a crash may arrive twice, and a Server with a Dedup
// drops those a Socket sends again (the sender identity is kept in Dir). Every record carries
// its length and a CRC-32C: a record torn by a crash or a power loss is skipped and counted
// in Stats().Dropped, never sent half.
//
// Disk use is at most MaxBytes; beyond it Delivery.Overflow applies (DropOldest drops the
// oldest segment file, its records counted). Delivery.Buffer is not used, nor is
// Delivery.MaxRetries: a batch that failed for a reason that may pass (the peer down, a 5xx)
// waits in the spool and is sent again until delivered; one refused for good (an HTTP 4xx,
// an SMTP 5yz) is dropped and counted as without a spool.
//
// Dir is locked by its one owner (flock): a second handler, in this process or another,
// gets an error wrapping ErrSpoolLocked. A spool needs shared memory-mapped files and
// flock: on Windows (and other systems without them) the constructors refuse a Spool with an
// error wrapping ErrSpoolUnsupported.
type Spool struct {
	// Dir is the spool directory, created if missing (0700). Give each handler its own.
	Dir string

	// MaxBytes bounds the segment files together; zero means 1 GiB. Segments are MaxBytes/8,
	// from 64 KiB to 64 MiB, and MaxBytes must hold at least two; a record larger than a
	// segment is dropped (counted). Segment files get their disk blocks when they are made,
	// so a full disk drops the record that needed a new one (counted, with the cause), never
	// the process.
	MaxBytes int64

	// Sync decides what survives a power loss. Zero leaves writeback to the kernel: a crash
	// of the process loses nothing, a power loss what the kernel had not written (up to
	// about 30 s on Linux). Positive flushes what was written at most this often, from a
	// background goroutine (a power loss loses at most that long). Negative flushes every
	// record before Handle returns (nothing is lost, one msync per record).
	Sync time.Duration
}
