package benchmarks

// ---- Rotating files: hook, no benchmarks yet ----------------------------------------------
//
// rotate.NewSize is not on this branch yet; its benchmarks go in this file once it is.
// Convention (see README.md), so that cmd/benchtable needs no change:
//
//	BenchmarkRotate/<case>/plain-file   an *os.File opened O_APPEND|O_CREATE in b.TempDir():
//	                                    the baseline (built-in rule Rotate=plain-file)
//	BenchmarkRotate/<case>/slogx-size   rotate.NewSize(path, rotate.SizeOptions{MaxBytes, BackupCount})
//	BenchmarkRotate/<case>/lumberjack   &lumberjack.Logger{Filename, MaxSize, MaxBackups}
//
// Each implementation gets the same pre-encoded record per Write (one Write = one record, as
// slogx.Handler does) and calls b.SetBytes(len(record)), so the table shows MB/s too. Cases
// such as "no-rotation" (MaxBytes large) and "rotate-1MiB" keep the work equal across
// implementations. DESIGN.md's target: slogx-size within 1.20x of plain-file, below lumberjack.
