package spool

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// recover maps the segments an earlier run left, oldest first, and positions the spool
// after the last record delivered (the cursor). See the package doc for what is skipped.
func (s *Spool) recover() error {
	entries, err := os.ReadDir(s.o.Dir)
	if err != nil {
		return err
	}
	var nums []uint64
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".seg")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if n, err := strconv.ParseUint(base, 10, 64); err == nil {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	_ = os.Remove(filepath.Join(s.o.Dir, spareName)) // made ahead by the earlier run, unused
	s.next = 1
	s.done = s.cur.load()
	s.last = s.done
	for _, num := range nums {
		s.next = num + 1
		path := filepath.Join(s.o.Dir, segName(num))
		seg, err := s.recoverSegment(num, path)
		if err != nil {
			return err
		}
		if seg == nil {
			_ = os.Remove(path)
			continue
		}
		s.segs = append(s.segs, seg)
		s.disk.Add(int64(len(seg.data)))
		s.mapped = append(s.mapped, seg)
	}
	s.recovered = s.last - s.done
	s.cur.store(s.done)
	return nil
}

func segName(num uint64) string {
	b := make([]byte, 0, 24)
	n := strconv.AppendUint(nil, num, 10)
	for range 20 - len(n) {
		b = append(b, '0')
	}
	return string(append(append(b, n...), ".seg"...))
}

// recoverSegment maps one segment and scans it. It returns nil when nothing in it is left
// to send (the caller deletes it).
func (s *Spool) recoverSegment(num uint64, path string) (*segment, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() < headerSize {
		if st.Size() > 0 {
			s.torn++
		}
		return nil, nil
	}
	data, err := mapSegment(path, int(st.Size()))
	if err != nil {
		return nil, err
	}
	if string(data[:len(magic)]) != magic {
		s.torn++
		_ = munmap(data)
		return nil, nil
	}
	seg := &segment{num: num, path: path, data: data, live: true, mapped: true}
	first, end := -1, headerSize // offset of the first record kept, end of the last
	off := headerSize
	for ; off+recHeader <= len(data); off += recHeader + int(binary.LittleEndian.Uint32(data[off+4:])) {
		crc := binary.LittleEndian.Uint32(data[off:])
		l := int(binary.LittleEndian.Uint32(data[off+4:]))
		seq := binary.LittleEndian.Uint64(data[off+8:])
		if l == 0 {
			if crc != 0 || seq != 0 {
				s.torn++ // a crash in the middle of an Append, before its length
			}
			off = len(data)
			break
		}
		if l > len(data)-off-recHeader || seq == 0 || seq == ^uint64(0) || checksum(data[off+4:off+recHeader+l]) != crc {
			s.torn++
			off = len(data)
			break
		}
		switch {
		case seq <= s.done && s.last == s.done:
			// Delivered before: its segment was not deleted yet.
		case s.last == s.done && len(s.segs) == 0 && first < 0:
			// The first record to send. Records between the cursor and it were dropped
			// (DropOldest) before the cursor was written.
			s.done, s.last = seq-1, seq
		case seq == s.last+1:
			s.last = seq
		default:
			// Out of sequence: it followed a torn record, in this segment or an earlier one.
			s.lost++
			continue
		}
		if seq > s.done {
			if first < 0 {
				first = off
				seg.first = seq
			}
			seg.last = seq
			end = off + recHeader + l
		}
	}
	if off < len(data) && slices.ContainsFunc(data[off:], func(b byte) bool { return b != 0 }) {
		s.torn++ // the file ends inside a record's header
	}
	if first < 0 {
		_ = munmap(data)
		return nil, nil
	}
	seg.end.Store(int64(end))
	seg.synced = end // nothing of ours to flush
	if len(s.segs) == 0 {
		s.doff = first
	}
	return seg, nil
}
