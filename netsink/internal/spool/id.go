package spool

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
)

// loadID returns the sender identity kept in dir/ID, making it on first use (written whole
// through a rename, so a crash never leaves half of one; flushed to the disk when durable,
// that is when the spool has a Sync). An unreadable ID is replaced: the
// records of the earlier run are still sent, and a receiver that deduplicates by sender takes
// those it already had once more (at least once, as always).
func loadID(dir string, durable bool) ([16]byte, error) {
	var id [16]byte
	path := filepath.Join(dir, "ID")
	b, err := os.ReadFile(path)
	if err == nil && len(b) == 20 && crc32.Checksum(b[:16], castagnoli) == binary.LittleEndian.Uint32(b[16:]) {
		copy(id[:], b)
		return id, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return id, err
	}
	if _, err := rand.Read(id[:]); err != nil {
		return id, err
	}
	out := binary.LittleEndian.AppendUint32(id[:], crc32.Checksum(id[:], castagnoli))
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return id, err
	}
	_, err = f.Write(out)
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil && durable {
		err = syncDir(dir)
	}
	if err != nil {
		return id, fmt.Errorf("write %s: %w", path, err)
	}
	return id, nil
}
