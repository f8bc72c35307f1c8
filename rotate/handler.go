package rotate

import (
	"fmt"
	"io"

	"github.com/slogx/handlers/slogx"
	"gopkg.in/natefinch/lumberjack.v2"
)

// NewSizeHandler returns a slogx.Handler writing to a SizeFile at path: Python's
// RotatingFileHandler. Rotation and compression failures — from the first moment, including
// a crash's half-done rollover that cannot be finished while opening — are counted in the
// handler's Stats and reported through opts.OnError (o.OnError is not used). Close closes the file and waits for its background work.
func NewSizeHandler(path string, o SizeOptions, opts *slogx.Options) (*slogx.Handler, error) {
	return slogx.Open(opts, func(rep *slogx.Reporter) (io.Writer, error) {
		return newSize(path, o, rep)
	})
}

// NewTimedHandler returns a slogx.Handler writing to a TimedFile at path: Python's
// TimedRotatingFileHandler. Failures are reported as with NewSizeHandler.
func NewTimedHandler(path string, o TimedOptions, opts *slogx.Options) (*slogx.Handler, error) {
	return slogx.Open(opts, func(rep *slogx.Reporter) (io.Writer, error) {
		return newTimed(path, o, rep)
	})
}

// Lumberjack returns a slogx.Handler writing to l, so that lumberjack users keep their
// rotation config (MaxSize in megabytes, MaxAge, MaxBackups, LocalTime, Compress) and get the
// encoders, levels and error accounting of slogx. Each record is one l.Write; Close closes l.
func Lumberjack(l *lumberjack.Logger, opts *slogx.Options) *slogx.Handler {
	return slogx.NewHandler(lumberjackWriter{l}, opts)
}

// lumberjackWriter names the file in lumberjack's errors, which do not.
type lumberjackWriter struct{ l *lumberjack.Logger }

func (w lumberjackWriter) Write(p []byte) (int, error) {
	n, err := w.l.Write(p)
	if err != nil {
		return n, fmt.Errorf("rotate: lumberjack %s: %w", w.l.Filename, err)
	}
	return n, nil
}

func (w lumberjackWriter) Close() error {
	if err := w.l.Close(); err != nil {
		return fmt.Errorf("rotate: lumberjack %s: %w", w.l.Filename, err)
	}
	return nil
}
