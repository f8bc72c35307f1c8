// Package spool is the disk spool of the delivery engine: records a handler accepted are
// kept in files until the transport delivered them, so that they survive a long outage of
// the peer and a crash of the application.
//
// Layout. A spool directory holds a lock file (LOCK, held with flock by the one owner), the
// sender identity (ID: 16 random bytes and their checksum, made once), the delivery cursor
// (CURSOR: the sequence number of the last record delivered, in two checksummed slots
// written alternately), and segment files (<number>.seg, numbered in write order). A segment
// starts with a 16-byte header (magic and version) followed by records:
//
//	crc     uint32, little endian: CRC-32C of the 12+length bytes that follow it
//	length  uint32: bytes of the payload (0: no more records)
//	seq     uint64: the record's sequence number (the engine's; consecutive)
//	payload length bytes, as the handler encoded (and stamped) them
//
// Writing. Segments are created at their full size and memory-mapped shared: Append copies
// the record into the mapping, so it is in the page cache, and survives a crash of the
// process, when Append returns, without a system call. A background goroutine touches
// the pages ahead of the writer, so that the page faults of a fresh file are not paid by a
// log call. Sync chooses what survives a power loss: 0 leaves writeback to the kernel; a
// positive Sync has the background goroutine flush what was written at most that often; a
// negative Sync flushes every record's pages before Append returns.
//
// Recovery. Open reads every segment left by an earlier run, oldest first, and offers the
// records after the cursor again, in order. A record whose length runs past its segment or
// whose checksum does not match is a torn tail (a crash in the middle of its Append, or a
// power loss): it and whatever follows it in that segment are skipped, never returned, and
// counted; so are records of later segments that do not follow in sequence.
//
// Bounds. The segments live at once are at most MaxBytes together: when the active segment
// is full and no other may be created, the caller applies its overflow policy (DropNewest:
// Fits says no; DropOldest: DropOldest deletes the oldest segment and counts its records).
//
// A Spool is not safe for concurrent use: the engine calls it under its own lock. Only its
// background goroutine runs beside it, on state of its own.
package spool
