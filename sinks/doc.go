// Package sinks holds the handlers that write to local destinations: Python's StreamHandler
// (NewStream), FileHandler (NewFile), WatchedFileHandler (NewWatchedFile), NullHandler (Null)
// and NTEventLogHandler (NewEventLog, Windows only).
//
// Each is a *slogx.Handler over a writer that receives exactly one Write per record, so the
// same Options, encoders, Stats and error reporting apply everywhere.
package sinks
