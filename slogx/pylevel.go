package slogx

import (
	"log/slog"
	"strconv"
)

// Python's logging levels (logging.DEBUG ... logging.CRITICAL).
const (
	PyDebug    = 10
	PyInfo     = 20
	PyWarning  = 30
	PyError    = 40
	PyCritical = 50
)

// LevelCritical is the slog level that Python's CRITICAL (50) maps to.
const LevelCritical = slog.Level(12)

// PythonLevel maps a slog level to Python's numeric level linearly: py = 20 + slog*5/2, so
// Debug (-4) -> 10, Info (0) -> 20, Warn (4) -> 30, Error (8) -> 40, 12 -> 50 (CRITICAL).
// In-between levels truncate toward INFO.
func PythonLevel(l slog.Level) int { return PyInfo + int(l)*5/2 }

// FromPythonLevel maps Python's numeric level back to slog: slog = (py-20)*2/5.
func FromPythonLevel(py int) slog.Level { return slog.Level((py - PyInfo) * 2 / 5) }

// PythonLevelName returns Python's name for l: DEBUG, INFO, WARNING, ERROR, CRITICAL for the
// five mapped levels and, like logging.getLevelName, "Level N" (N the Python number) for others.
func PythonLevelName(l slog.Level) string {
	switch l {
	case slog.LevelDebug:
		return "DEBUG"
	case slog.LevelInfo:
		return "INFO"
	case slog.LevelWarn:
		return "WARNING"
	case slog.LevelError:
		return "ERROR"
	case LevelCritical:
		return "CRITICAL"
	}
	return "Level " + strconv.Itoa(PythonLevel(l))
}
