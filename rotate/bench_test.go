package rotate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/natefinch/lumberjack.v2"
)

// benchRecord is a typical JSON log line (200 bytes with its newline).
var benchRecord = []byte(`{"time":"2026-11-26T10:00:00.000000000Z","level":"INFO","msg":"request served",` +
	`"method":"GET","path":"/api/v1/items","status":200,"bytes":5120,"dur_ms":12,"user":"u-1234567"` +
	strings.Repeat(" ", 200-len(`{"time":"2026-11-26T10:00:00.000000000Z","level":"INFO","msg":"request served",`+
		`"method":"GET","path":"/api/v1/items","status":200,"bytes":5120,"dur_ms":12,"user":"u-1234567"`)-2) + "}\n")

// BenchmarkWritePlainFile is the baseline: an append-only *os.File that never rotates.
func BenchmarkWritePlainFile(b *testing.B) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "plain.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(int64(len(benchRecord)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	defer reportCPU(b, cpu)
	for i := 0; i < b.N; i++ {
		if _, err := f.Write(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteSize rotates every 1 MB, keeping 3 backups.
func BenchmarkWriteSize(b *testing.B) {
	f, err := NewSize(filepath.Join(b.TempDir(), "size.log"), SizeOptions{MaxBytes: 1 << 20, BackupCount: 3})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(int64(len(benchRecord)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	defer reportCPU(b, cpu)
	for i := 0; i < b.N; i++ {
		if _, err := f.Write(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteSizeLock is BenchmarkWriteSize with the cross-process lock.
func BenchmarkWriteSizeLock(b *testing.B) {
	if !lockSupported {
		b.Skip("no flock")
	}
	f, err := NewSize(filepath.Join(b.TempDir(), "size.log"), SizeOptions{MaxBytes: 1 << 20, BackupCount: 3, Files: Files{Lock: true}})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(int64(len(benchRecord)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	defer reportCPU(b, cpu)
	for i := 0; i < b.N; i++ {
		if _, err := f.Write(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteLumberjack rotates every 1 MB (lumberjack's MaxSize unit), keeping 3 backups.
func BenchmarkWriteLumberjack(b *testing.B) {
	l := &lumberjack.Logger{Filename: filepath.Join(b.TempDir(), "lj.log"), MaxSize: 1, MaxBackups: 3}
	defer l.Close()
	b.SetBytes(int64(len(benchRecord)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	defer reportCPU(b, cpu)
	for i := 0; i < b.N; i++ {
		if _, err := l.Write(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteTimed checks the clock on every write and never rotates within the run.
func BenchmarkWriteTimed(b *testing.B) {
	f, err := NewTimed(filepath.Join(b.TempDir(), "timed.log"), TimedOptions{When: "D"})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(int64(len(benchRecord)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime()
	defer reportCPU(b, cpu)
	for i := 0; i < b.N; i++ {
		if _, err := f.Write(benchRecord); err != nil {
			b.Fatal(err)
		}
	}
}

// Write allocates nothing between rollovers (size tracked in memory, no stat).
func TestWriteNoAlloc(t *testing.T) {
	s, err := NewSize(filepath.Join(t.TempDir(), "a.log"), SizeOptions{MaxBytes: 1 << 30, BackupCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tf, err := NewTimed(filepath.Join(t.TempDir(), "b.log"), TimedOptions{When: "D"})
	if err != nil {
		t.Fatal(err)
	}
	defer tf.Close()
	if n := testing.AllocsPerRun(100, func() { s.Write(benchRecord) }); n != 0 {
		t.Errorf("SizeFile.Write: %v allocs", n)
	}
	if n := testing.AllocsPerRun(100, func() { tf.Write(benchRecord) }); n != 0 {
		t.Errorf("TimedFile.Write: %v allocs", n)
	}
}
