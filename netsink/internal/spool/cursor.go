package spool

import (
	"encoding/binary"
	"hash/crc32"
	"os"
)

// cursor is the sequence number of the last record settled, kept in a mapped file so that
// storing it is a memory write. Two slots are written in turn, each with a generation and a
// checksum: a slot torn by a crash leaves the other one, one step older (a record sent
// twice, never one lost).
type cursor struct {
	data []byte
	gen  uint64
}

const cursorSlot = 24 // gen, done, crc (and padding)

func (c *cursor) open(path string) error {
	data, err := mapFile(path, os.Getpagesize())
	if err != nil {
		return err
	}
	c.data = data
	return nil
}

// load returns the newest valid slot's sequence number (0 when none is).
func (c *cursor) load() uint64 {
	var done uint64
	for i := range 2 {
		b := c.data[i*cursorSlot : (i+1)*cursorSlot]
		gen, seq := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])
		if crc32.Checksum(b[:16], castagnoli) != binary.LittleEndian.Uint32(b[16:]) || gen == 0 {
			continue
		}
		if gen > c.gen {
			c.gen, done = gen, seq
		}
	}
	return done
}

// store records done in the slot older than the current one.
func (c *cursor) store(done uint64) {
	c.gen++
	b := c.data[(c.gen%2)*cursorSlot : (c.gen%2+1)*cursorSlot]
	binary.LittleEndian.PutUint64(b, c.gen)
	binary.LittleEndian.PutUint64(b[8:], done)
	binary.LittleEndian.PutUint32(b[16:], crc32.Checksum(b[:16], castagnoli))
}

func (c *cursor) sync() error {
	if c.data == nil {
		return nil
	}
	return msync(c.data)
}

func (c *cursor) close() {
	if c.data != nil {
		_ = munmap(c.data)
		c.data = nil
	}
}
