package sinks

import (
	"context"
	"log/slog"
)

// Null returns Python's NullHandler: a handler that does nothing. Enabled is always false, so a
// slog.Logger over it does not even build the record: a library can log unconditionally at
// zero cost until the application installs a real handler.
func Null() slog.Handler { return nullHandler{} }

type nullHandler struct{}

func (nullHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (nullHandler) Handle(context.Context, slog.Record) error { return nil }
func (h nullHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h nullHandler) WithGroup(string) slog.Handler           { return h }
