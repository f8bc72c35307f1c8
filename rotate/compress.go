package rotate

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// maxJobs bounds the background backlog. Past it a backup stays uncompressed (reported) and
// a rollover finishes its renames on the writer's goroutine: nothing is lost.
const maxJobs = 1024

// tmpMark is in the name of every partial gzip file, so that retention never counts it as a
// backup and recovery can remove the ones a crash left.
const tmpMark = ".gz.tmp"

// worker runs the slow part of rotation (finishing a size rollover's renames, gzipping
// backups) on one background goroutine, started when there is work and gone when there is
// none, so Write never waits for it. Jobs run in the order queued.
type worker struct {
	mu      sync.Mutex
	jobs    []func() error
	running bool
	wg      sync.WaitGroup
}

// add queues job and starts the goroutine if needed. It reports false when the backlog is
// full; the caller then does the work itself or leaves it (nothing is lost either way).
func (w *worker) add(b *file, job func() error) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.jobs) >= maxJobs {
		return false
	}
	w.jobs = append(w.jobs, job)
	if !w.running {
		w.running = true
		w.wg.Add(1)
		go w.run(b)
	}
	return true
}

func (w *worker) run(b *file) {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		if len(w.jobs) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		job := w.jobs[0]
		w.jobs[0] = nil
		w.jobs = w.jobs[1:]
		w.mu.Unlock()
		if err := job(); err != nil {
			b.report(err)
		}
	}
}

// wait blocks until every queued job has run.
func (w *worker) wait() { w.wg.Wait() }

// compressJob is a backup as it was when queued: its name and identity. file.locate finds it
// again after renames, with the names locked, by identity (false once it was deleted).
type compressJob struct {
	src string
	fi  os.FileInfo
}

// queueCompress queues the backup now at src for gzip, with the names locked.
func (b *file) queueCompress(src string) {
	fi, err := os.Lstat(src)
	if err != nil || !fi.Mode().IsRegular() {
		return // gone, or not ours to compress
	}
	if b.fi != nil && os.SameFile(fi, b.fi) {
		// A rollover that could not open a new file nor move this one back writes on to it
		// under a backup name: removing it after compression would lose what comes next.
		return
	}
	j := compressJob{src: src, fi: fi}
	if !b.bg.add(b, func() error { return compressOne(b, j) }) {
		b.report(fmt.Errorf("rotate %s: background backlog full, %s left uncompressed", b.path, src))
	}
}

// compressOne gzips j's backup crash-safely: the gzip goes to a temporary file that is synced
// and renamed to <backup>.gz before the original is removed, so a crash at any point leaves
// the original or the complete .gz (recovery removes the other). With shared (no Lock), the
// backup is held exclusively from before the copy until it is removed: a writer of another
// process that has not noticed the rollover yet still holds it shared, and then it is left
// alone here; that writer queues it when it lets it go (file.letGo).
func compressOne(b *file, j compressJob) (err error) {
	b.lockNames()
	in, ok, err := b.openBackup(j)
	b.unlockNames()
	if err != nil {
		return fmt.Errorf("rotate %s: compress: %w", b.path, err)
	}
	if !ok {
		return nil // removed first, or still written to
	}
	defer in.Close()
	fi := j.fi
	src := in.Name()
	tmp, err := os.CreateTemp(filepath.Dir(src), filepath.Base(src)+tmpMark+"*")
	if err != nil {
		return fmt.Errorf("rotate %s: compress: %w", b.path, err)
	}
	tmpName := tmp.Name()
	// Held until tmp is closed, so that another process's recovery tells this live partial
	// gzip from a crashed one's (cleanCompressLeftovers).
	if _, err := holdExclusive(tmp); err != nil {
		tmp.Close()
		os.Remove(tmpName)
		return fmt.Errorf("rotate %s: compress: %w", b.path, err)
	}
	done := false
	defer func() {
		if !done {
			os.Remove(tmpName) // before Close: the flock keeps recovery away until then
		}
		tmp.Close() // synced already: its error cannot lose data
	}()
	zw := gzip.NewWriter(tmp)
	zw.Name = filepath.Base(src)
	zw.ModTime = fi.ModTime()
	if _, err := io.Copy(zw, in); err != nil {
		return fmt.Errorf("rotate %s: compress %s: %w", b.path, src, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("rotate %s: compress %s: %w", b.path, src, err)
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		return fmt.Errorf("rotate %s: compress %s: %w", b.path, src, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("rotate %s: compress %s: %w", b.path, src, err)
	}
	// The .gz keeps the backup's age, which MaxAge goes by.
	if err := os.Chtimes(tmpName, fi.ModTime(), fi.ModTime()); err != nil {
		return fmt.Errorf("rotate %s: compress %s: %w", b.path, src, err)
	}
	if !renameOpenFiles {
		tmp.Close() // Windows renames no open file; it has no flock to keep either
	}

	b.lockNames()
	defer b.unlockNames()
	cur, ok := b.locate(src, fi)
	if !ok {
		return nil // deleted by retention while we compressed: the deferred cleanup drops tmp
	}
	if exists(cur + ".gz") {
		return fmt.Errorf("rotate %s: compress: %s.gz exists, %s left uncompressed", b.path, cur, cur)
	}
	if err := renameNoReplace(tmpName, cur+".gz"); err != nil {
		return fmt.Errorf("rotate %s: compress: %w", b.path, err)
	}
	done = true
	if err := os.Remove(cur); err != nil {
		return fmt.Errorf("rotate %s: compress: remove original: %w", b.path, err)
	}
	return nil
}

// openBackup opens j's backup for compression, with the names locked. It reports false when
// the backup is gone, or, with shared, while a writer holds it.
func (b *file) openBackup(j compressJob) (*os.File, bool, error) {
	src, ok := b.locate(j.src, j.fi)
	if !ok {
		return nil, false, nil
	}
	in, err := openToLock(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if b.shared {
		held, err := holdExclusive(in)
		if err != nil || !held {
			in.Close()
			return nil, false, err
		}
	}
	if st, err := in.Stat(); err != nil || !os.SameFile(st, j.fi) {
		in.Close()
		return nil, false, err
	}
	return in, true, nil
}

// removeAbandoned removes the partial gzip name unless a live compression, in this process or
// another, still holds it.
func removeAbandoned(name string) error {
	f, err := openToLock(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if held, err := holdExclusive(f); err != nil || !held {
		return err
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// sameAt reports whether name is the file fi describes.
func sameAt(name string, fi os.FileInfo) bool {
	st, err := os.Lstat(name)
	return err == nil && os.SameFile(st, fi)
}

// cleanCompressLeftovers finishes what a crash interrupted: partial gzip files no live
// compression holds are removed (the original is still there), and an original whose complete
// .gz exists is removed (the crash fell between the rename and the removal). Only originals
// that isBackup accepts are removed, so "app.log.bak" survives next to "app.log.bak.gz". It
// runs with the names locked.
func cleanCompressLeftovers(path string, isBackup func(name string) bool) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, base+".") {
			continue
		}
		full := filepath.Join(dir, n)
		switch {
		case strings.Contains(n, tmpMark):
			if err := removeAbandoned(full); err != nil {
				errs = append(errs, err)
			}
		case strings.HasSuffix(n, ".gz"):
			orig := strings.TrimSuffix(full, ".gz")
			if orig != path && isBackup(orig) && exists(orig) {
				if err := os.Remove(orig); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}
