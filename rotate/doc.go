// Package rotate writes logs to files that rotate by size or by time, as Python's
// RotatingFileHandler and TimedRotatingFileHandler do, with the same rules, names and
// schedules (differential tests run CPython on the same inputs), and without Python's ways of
// losing data:
//
//   - a backup name that already exists is never overwritten;
//   - Compress gzips backups on a background goroutine, crash-safely, and never a backup a
//     writer still appends to; MaxAge removes backups by age, as lumberjack does;
//   - Lock (Unix) lets several processes write one file: it rotates once and no line is lost;
//     without Lock no line is lost either (a process follows another's rotation instead of
//     repeating it, no rename replaces a name, and with Compress or MaxAge a backup is
//     compressed or removed only once no writer holds it), but files may grow past MaxBytes;
//   - a failed rollover keeps writing to the current file, which stays open until a new one
//     exists, and reports the failure;
//   - an interrupted rollover is finished when the file is opened again.
//   - a record is written whole or not at all: a write that fails part-way (a full disk)
//     leaves no fragment for the next record to be glued onto.
//
// SizeFile and TimedFile are io.WriteClosers that take one record per Write, so a record is
// never split between two files; NewSizeHandler and NewTimedHandler put a slogx.Handler on
// them. Lumberjack adapts an existing lumberjack.Logger.
package rotate
