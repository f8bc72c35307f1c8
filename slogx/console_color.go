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
		if w == nil || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
			return false
		}
		f, ok := w.(interface{ Fd() uintptr })
		return ok && colorTerminal(f.Fd())
	}
	return false
}
