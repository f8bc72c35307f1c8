package slogx

import (
	"io"
	"log/slog"
	"os"
)

// ANSI SGR sequences Console writes when it colors.
const (
	ansiReset   = "\x1b[0m"
	ansiDim     = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiBlue    = "\x1b[34m"
	ansiBoldRed = "\x1b[1;31m"
)

// levelColor is the color of a level's column: by severity band.
func levelColor(l slog.Level) string {
	switch {
	case l < slog.LevelInfo:
		return ansiBlue
	case l < slog.LevelWarn:
		return ansiGreen
	case l < slog.LevelError:
		return ansiYellow
	case l < slog.LevelError+4:
		return ansiRed
	}
	return ansiBoldRed
}

// enabled decides, once, whether Console colors for writer w. Unknown modes never color.
func (m ColorMode) enabled(w io.Writer) bool {
	switch m {
	case ColorAlways:
		return true
	case ColorAuto:
		if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
			return false
		}
		f, ok := unwrapWriter(w).(interface{ Fd() uintptr })
		return ok && colorTerminal(f.Fd())
	}
	return false
}

// unwrapWriter follows Unwrap() io.Writer methods from w to the first writer with a file
// descriptor, or to the last writer of the chain: a handler's writer is often a wrapper
// (sinks.NewStream's hides Close) around the *os.File that decides. The chain is followed a
// bounded number of steps, in case it loops.
func unwrapWriter(w io.Writer) io.Writer {
	for range 16 {
		if _, ok := w.(interface{ Fd() uintptr }); ok {
			return w
		}
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
	return w
}
