package spool

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults and bounds of Options.
const (
	DefaultMaxBytes = 1 << 30
	// MinSegment and MaxSegment bound the size of one segment file: MaxBytes/8 within them.
	MinSegment = 64 << 10
	MaxSegment = 64 << 20
)

const (
	headerSize = 16 // segment header: magic and version
	recHeader  = 16 // length, crc, seq
	magic      = "SLGXSPL1"
	// touchAhead is how far ahead of the writer the background goroutine keeps pages
	// faulted in; touchFirst is what a new segment gets before its first record.
	touchAhead = 256 << 10
	touchFirst = 64 << 10
)

// ErrLocked is wrapped by Open's error when another handler, in this process or another,
// owns the directory.
var ErrLocked = errors.New("the spool directory is in use by another handler or process")

// ErrUnsupported is wrapped by Open's error on systems without the spool (see spool_other.go).
var ErrUnsupported = errors.New("a disk spool is not supported on this system")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Options configures Open.
type Options struct {
	// Dir is the spool directory, created if missing (0700). One Spool owns it at a time.
	Dir string
	// MaxBytes bounds the size of the segment files together; zero means DefaultMaxBytes.
	// It must leave room for two segments of at least MinSegment.
	MaxBytes int64
	// Sync: 0 leaves writeback to the kernel (a record survives a crash of the process, not
	// a power loss); positive flushes what was written at most this often (a power loss
	// loses at most that much); negative flushes every record before Append returns.
	Sync time.Duration

	// Segment overrides the segment size (tests); zero derives it from MaxBytes.
	Segment int
	// Name prefixes errors ("netsink: socket 127.0.0.1:9"); empty means "spool".
	Name string
}

// segment is one segment file, mapped.
type segment struct {
	num   uint64
	path  string
	data  []byte // the mapping: the whole file
	end   atomic.Int64
	first uint64 // sequence number of the first record (0: none yet)
	last  uint64 // of the last record
	live  bool   // in Spool.segs: not deleted
	own   bool   // made by this run (mapped for writing): it may be recycled as the spare
	// touched is how far the background goroutine has faulted pages in (active segment);
	// synced how far a positive Sync has flushed (under Spool.mapMu); mapped is cleared
	// under mapMu and the engine's lock.
	touched atomic.Int64
	synced  int
	mapped  bool
}

// Spool is a spool directory opened by its one owner. See the package doc.
type Spool struct {
	o       Options
	name    string
	segSize int
	lock    *os.File
	id      [16]byte

	segs []*segment   // live, oldest first; the last one is active
	disk atomic.Int64 // bytes of the live segment files and the spare (read by the background goroutine)
	next uint64       // number of the next segment
	done uint64       // sequence number of the last record settled
	last uint64       // of the last record written
	doff int          // offset in segs[0] of record done+1, when there is one

	// The read cursor of At: record rseq is at roff in rseg.
	rseg *segment
	roff int
	rseq uint64

	cur       cursor
	recovered uint64 // records left by an earlier run, offered again
	torn      uint64 // torn records skipped at recovery
	lost      uint64 // whole records skipped at recovery, after a torn one

	// mapMu orders the background goroutine's use of mappings before their munmap;
	// mapped is every segment still mapped (live, or dead and waiting for Reclaim), unmap
	// those Reclaim handed to the background goroutine.
	mapMu  sync.Mutex
	mapped []*segment
	dead   []*segment
	unmaps []*segment
	active atomic.Pointer[segment]

	// The spare is the next segment, made ahead by the background goroutine so that a Write
	// that fills a segment does not create, allocate and map a file. spareMu is held while
	// it is made; spareOn is set from then until rotate takes it (its bytes count as used).
	spareMu       sync.Mutex
	spare         []byte
	spareRecycled bool // the spare is a delivered segment: its pages are mapped already
	spareOn       atomic.Bool

	poke   chan struct{}
	stop   chan struct{}
	bgDone chan struct{}
	closed bool
}

// Open locks o.Dir, reads what an earlier run left there, and starts the background
// goroutine. Close releases it all.
func Open(o Options) (*Spool, error) {
	if o.Name == "" {
		o.Name = "spool"
	}
	s := &Spool{o: o, name: o.Name + ": spool " + o.Dir, poke: make(chan struct{}, 1),
		stop: make(chan struct{}), bgDone: make(chan struct{})}
	if o.Dir == "" {
		return nil, fmt.Errorf("%s: no directory", o.Name)
	}
	if err := supported(); err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	if o.MaxBytes == 0 {
		s.o.MaxBytes = DefaultMaxBytes
	}
	page := os.Getpagesize()
	s.segSize = o.Segment
	if s.segSize <= 0 {
		s.segSize = int(min(max(s.o.MaxBytes/8, MinSegment), MaxSegment))
	}
	s.segSize = max(s.segSize/page*page, page)
	if s.o.MaxBytes < 2*int64(s.segSize) {
		return nil, fmt.Errorf("%s: MaxBytes %d leaves no room for two segments of %d bytes", s.name, s.o.MaxBytes, s.segSize)
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	lock, err := lockDir(filepath.Join(o.Dir, "LOCK"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	s.lock = lock
	ok := false
	defer func() {
		if !ok {
			s.release()
		}
	}()
	if s.id, err = loadID(o.Dir, o.Sync != 0); err != nil {
		return nil, fmt.Errorf("%s: sender id: %w", s.name, err)
	}
	if err := s.cur.open(filepath.Join(o.Dir, "CURSOR")); err != nil {
		return nil, fmt.Errorf("%s: cursor: %w", s.name, err)
	}
	if err := s.recover(); err != nil {
		return nil, fmt.Errorf("%s: recover: %w", s.name, err)
	}
	if _, err := s.rotate(); err != nil {
		return nil, err
	}
	ok = true
	go s.background()
	return s, nil
}

// ID returns the sender identity kept in the directory: the same for every run.
func (s *Spool) ID() [16]byte { return s.id }

// Recovered returns how many records an earlier run left undelivered and Open offered
// again, how many torn records it skipped, and how many whole records it had to skip after
// a torn one (a power loss, not a crash of the process).
func (s *Spool) Recovered() (records, torn, lost uint64) { return s.recovered, s.torn, s.lost }

// Done returns the sequence number of the last record settled; Last that of the last record
// written. The records done+1..last are the ones the spool holds.
func (s *Spool) Done() uint64 { return s.done }

// Last returns the sequence number of the last record written.
func (s *Spool) Last() uint64 { return s.last }

// Len returns how many records are held.
func (s *Spool) Len() int { return int(s.last - s.done) }

// MaxRecord returns the largest record a segment holds.
func (s *Spool) MaxRecord() int { return s.segSize - headerSize - recHeader }

// Fits reports whether a record of n bytes can be appended now without dropping anything:
// in the active segment, or in a new one within MaxBytes.
func (s *Spool) Fits(n int) bool {
	a := s.segs[len(s.segs)-1]
	if int(a.end.Load())+recHeader+n <= len(a.data) {
		return true
	}
	return n <= s.MaxRecord() && (s.spareOn.Load() || s.disk.Load()+int64(s.segSize) <= s.o.MaxBytes)
}

// SyncError is Append's error when the record was written but a negative Sync could not
// flush it to the disk: it is held, and will be sent, like any other.
type SyncError struct{ Err error }

func (e *SyncError) Error() string { return e.Err.Error() }
func (e *SyncError) Unwrap() error { return e.Err }

// Append writes p as the record after Last and returns its sequence number. stamp, if not
// nil, is called with the record's copy in the spool and its number before the checksum is
// computed (Socket writes the number into the frame). The caller checked Fits. An error
// other than a *SyncError means p was not written (no segment could be started: a full
// disk).
func (s *Spool) Append(p []byte, stamp func(rec []byte, seq uint64)) (uint64, error) {
	a := s.segs[len(s.segs)-1]
	off := int(a.end.Load())
	if off+recHeader+len(p) > len(a.data) {
		var err error
		if a, err = s.rotate(); err != nil {
			return 0, err
		}
		off = int(a.end.Load())
	}
	seq := s.last + 1
	rec := a.data[off : off+recHeader+len(p) : off+recHeader+len(p)]
	body := rec[recHeader:]
	copy(body, p)
	if stamp != nil {
		stamp(body, seq)
	}
	binary.LittleEndian.PutUint64(rec[8:], seq)
	// The length makes the record visible to a recovery; the checksum, last, makes it
	// whole: a crash in between leaves a record that fails its checksum (torn).
	binary.LittleEndian.PutUint32(rec[4:], uint32(len(p)))
	binary.LittleEndian.PutUint32(rec[0:], checksum(rec[4:]))
	end := off + len(rec)
	if end+recHeader <= len(a.data) {
		// The end mark: a recycled segment still holds the records of its last use.
		clear(a.data[end : end+recHeader])
	}
	a.end.Store(int64(end))
	if a.first == 0 {
		a.first = seq
	}
	a.last = seq
	s.last = seq
	if s.o.Sync < 0 {
		if err := msync(a.data[pageDown(off):end]); err != nil {
			return seq, &SyncError{fmt.Errorf("%s: sync: %w", s.name, err)}
		}
	}
	if int64(end+touchAhead/2) > a.touched.Load() {
		s.wake()
	}
	return seq, nil
}

// checksum is the CRC-32C of a record's length, sequence number and payload: everything
// after the checksum itself.
func checksum(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

func (s *Spool) wake() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// rotate starts a new active segment: the spare when there is one (waiting for it if it
// is being made), a new file otherwise.
func (s *Spool) rotate() (*segment, error) {
	num := s.next
	path := filepath.Join(s.o.Dir, segName(num))
	s.spareMu.Lock()
	data, recycled := s.spare, s.spareRecycled
	fromSpare := data != nil
	var err error
	if data != nil {
		s.spare, s.spareRecycled = nil, false
		if err = os.Rename(filepath.Join(s.o.Dir, spareName), path); err != nil {
			_ = munmap(data)
			data = nil
			s.disk.Add(-int64(s.segSize))
		}
	} else {
		data, err = createSegment(path, s.segSize, s.o.Sync != 0)
		if err == nil {
			copy(data, magic)
			touch(data, 0, min(touchFirst, len(data)))
		}
	}
	if err == nil && !fromSpare {
		s.disk.Add(int64(len(data))) // before makeSpare can look; the spare was counted
	}
	s.spareOn.Store(false)
	s.spareMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("%s: new segment: %w", s.name, err)
	}
	s.next++
	seg := &segment{num: num, path: path, data: data, live: true, mapped: true, own: true}
	seg.end.Store(headerSize)
	seg.touched.Store(int64(min(touchFirst, len(data))))
	if recycled {
		seg.touched.Store(int64(len(data)))
	}
	if len(s.segs) == 0 {
		s.doff = headerSize
	}
	s.segs = append(s.segs, seg)
	s.mapMu.Lock()
	s.mapped = append(s.mapped, seg)
	s.mapMu.Unlock()
	s.active.Store(seg)
	s.wake()
	return seg, nil
}

// spareName is the file of the spare segment until it becomes active.
const spareName = "spare"

// makeSpare makes the spare segment if there is none, the active one is half full (until
// then a delivered segment may come back as the spare, see recycle), and MaxBytes leaves
// room for it.
func (s *Spool) makeSpare() {
	if s.spareOn.Load() {
		return
	}
	if a := s.active.Load(); a == nil || int(a.end.Load()) < len(a.data)/2 {
		return
	}
	s.spareMu.Lock()
	defer s.spareMu.Unlock()
	if s.spare != nil || s.disk.Load()+int64(s.segSize) > s.o.MaxBytes {
		return
	}
	s.spareOn.Store(true)
	s.disk.Add(int64(s.segSize))
	path := filepath.Join(s.o.Dir, spareName)
	_ = os.Remove(path)
	data, err := createSegment(path, s.segSize, s.o.Sync != 0)
	if err != nil {
		s.disk.Add(-int64(s.segSize))
		s.spareOn.Store(false) // rotate tries itself, and returns the error
		return
	}
	copy(data, magic)
	touch(data, 0, min(touchFirst, len(data)))
	s.spare = data
}

// At returns the payload of record seq, held by the spool. Reading in order costs one step;
// the bytes stay valid until Reclaim after the record was settled.
func (s *Spool) At(seq uint64) []byte {
	switch {
	case s.rseg != nil && s.rseg.live && s.rseq == seq && seq > s.done:
	case s.rseg != nil && s.rseg.live && s.rseq+1 == seq && s.rseq > s.done:
		s.rseg, s.roff = s.step(s.rseg, s.roff)
		s.rseq = seq
	default:
		s.rseg, s.roff, s.rseq = s.segs[0], s.doff, s.done+1
		for s.rseq < seq {
			s.rseg, s.roff = s.step(s.rseg, s.roff)
			s.rseq++
		}
	}
	n := int(binary.LittleEndian.Uint32(s.rseg.data[s.roff+4:]))
	start := s.roff + recHeader
	return s.rseg.data[start : start+n : start+n]
}

// step returns the position of the record after the one at off in seg.
func (s *Spool) step(seg *segment, off int) (*segment, int) {
	off += recHeader + int(binary.LittleEndian.Uint32(seg.data[off+4:]))
	if off < int(seg.end.Load()) {
		return seg, off
	}
	for i, x := range s.segs {
		if x == seg && i+1 < len(s.segs) {
			return s.segs[i+1], headerSize
		}
	}
	return seg, off // past the last record: the caller asked for one that does not exist
}

// Settle marks the records up to seq as settled (delivered, refused or dropped), deletes the
// segments left with nothing to send, records the cursor, and returns how many records and
// payload bytes it settled.
func (s *Spool) Settle(seq uint64) (n, bytes int) {
	seq = min(seq, s.last)
	for s.done < seq {
		seg := s.segs[0]
		if s.doff >= int(seg.end.Load()) {
			s.dropFront()
			continue
		}
		l := int(binary.LittleEndian.Uint32(seg.data[s.doff+4:]))
		s.doff += recHeader + l
		s.done++
		n++
		bytes += l
	}
	if len(s.segs) > 1 && s.doff >= int(s.segs[0].end.Load()) {
		s.dropFront()
	}
	if n > 0 {
		s.cur.store(s.done)
		if s.o.Sync < 0 {
			_ = s.cur.sync()
		}
	}
	return n, bytes
}

// DropOldest deletes the oldest segment, unless it is the active one, and returns how many
// records it still held: they are settled, as dropped.
func (s *Spool) DropOldest() int {
	if len(s.segs) < 2 {
		return 0
	}
	seg := s.segs[0]
	n := int(seg.last - s.done)
	s.done = seg.last
	s.dropFront()
	s.cur.store(s.done)
	return n
}

// dropFront deletes segs[0], which must not be active. Its file goes at once; its mapping
// at the next Reclaim, since a Send may still be reading it.
func (s *Spool) dropFront() {
	s.remove(0)
	s.doff = headerSize
}

// remove takes segs[i] out of the spool. Its file and mapping stay until Reclaim, since a
// Send may still be reading it; a crash before then leaves a file whose records are all
// settled, which the next Open deletes.
func (s *Spool) remove(i int) {
	seg := s.segs[i]
	seg.live = false
	s.disk.Add(-int64(len(seg.data)))
	s.segs = append(s.segs[:i], s.segs[i+1:]...)
	s.dead = append(s.dead, seg)
}

// Reclaim disposes of the segments removed since the last call. The caller guarantees that
// no record of theirs is being read any more (the engine's sender calls it between two
// sends). One becomes the spare, if there is none: its pages are in the page cache and
// mapped, so filling it again costs no page fault, where a new file costs one per page (a
// page allocated and zeroed by the kernel). The others are deleted, and unmapped by the
// background goroutine (munmap of a large mapping takes milliseconds).
func (s *Spool) Reclaim() {
	if len(s.dead) == 0 {
		return
	}
	for _, seg := range s.dead {
		if seg.own && len(seg.data) == s.segSize && s.recycle(seg) {
			continue
		}
		_ = os.Remove(seg.path)
		s.mapMu.Lock()
		s.unmaps = append(s.unmaps, seg)
		s.mapMu.Unlock()
	}
	clear(s.dead)
	s.dead = s.dead[:0]
	s.wake()
}

// recycle makes seg the spare if there is none and MaxBytes has room for it.
func (s *Spool) recycle(seg *segment) bool {
	if !s.spareMu.TryLock() {
		return false // the background goroutine is making one
	}
	defer s.spareMu.Unlock()
	if s.spare != nil && !s.spareRecycled {
		// A new file has few of its pages faulted in yet: the recycled one is worth more.
		_ = munmap(s.spare)
		_ = os.Remove(filepath.Join(s.o.Dir, spareName))
		s.spare = nil
		s.spareOn.Store(false)
		s.disk.Add(-int64(s.segSize))
	}
	if s.spare != nil || s.disk.Load()+int64(s.segSize) > s.o.MaxBytes {
		return false
	}
	if os.Rename(seg.path, filepath.Join(s.o.Dir, spareName)) != nil {
		return false
	}
	// The header says where the records end: a recovery must not read the old ones.
	clear(seg.data[headerSize : headerSize+recHeader])
	s.mapMu.Lock()
	for i, x := range s.mapped {
		if x == seg {
			s.mapped = append(s.mapped[:i], s.mapped[i+1:]...)
			break
		}
	}
	s.mapMu.Unlock()
	s.spare, s.spareRecycled = seg.data, true
	s.disk.Add(int64(len(seg.data)))
	s.spareOn.Store(true)
	return true
}

// unmapDead unmaps the segments Reclaim handed over.
func (s *Spool) unmapDead() {
	s.mapMu.Lock()
	defer s.mapMu.Unlock()
	for _, seg := range s.unmaps {
		s.unmap(seg)
	}
	clear(s.unmaps)
	s.unmaps = s.unmaps[:0]
}

// unmap releases seg's mapping; mapMu is held.
func (s *Spool) unmap(seg *segment) {
	if !seg.mapped {
		return
	}
	_ = munmap(seg.data)
	seg.mapped = false
	for i, x := range s.mapped {
		if x == seg {
			s.mapped = append(s.mapped[:i], s.mapped[i+1:]...)
			break
		}
	}
}

// Close stops the background goroutine, flushes (with a Sync), deletes an active segment
// that holds nothing, and releases the directory. The records not settled stay for the
// next Open. Close is idempotent.
func (s *Spool) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.stop)
	<-s.bgDone
	var err error
	if s.o.Sync != 0 {
		err = s.syncAll()
	}
	if a := s.segs[len(s.segs)-1]; a.first == 0 {
		s.remove(len(s.segs) - 1) // the next Open starts a segment of its own
	}
	s.release()
	if err != nil {
		return fmt.Errorf("%s: sync: %w", s.name, err)
	}
	return nil
}

// release unmaps everything and unlocks the directory.
func (s *Spool) release() {
	s.mapMu.Lock()
	for len(s.mapped) > 0 {
		s.unmap(s.mapped[0])
	}
	s.mapMu.Unlock()
	for _, seg := range s.dead {
		_ = os.Remove(seg.path)
	}
	s.segs, s.dead, s.unmaps, s.rseg = nil, nil, nil, nil
	s.spareMu.Lock()
	if s.spare != nil {
		_ = munmap(s.spare)
		_ = os.Remove(filepath.Join(s.o.Dir, spareName))
		s.spare = nil
	}
	s.spareMu.Unlock()
	s.cur.close()
	if s.lock != nil {
		_ = s.lock.Close() // releases the flock
		s.lock = nil
	}
}

func pageDown(off int) int {
	p := os.Getpagesize()
	return off / p * p
}
