// Package slogxtest helps test code that logs through log/slog: a [Recorder] handler that
// keeps every record, attributes resolved, for assertions, and [NewLogger], which writes a
// test's logs to its t.Log so that they show with the failing test only.
package slogxtest
