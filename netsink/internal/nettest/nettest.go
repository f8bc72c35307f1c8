// Package nettest holds the test helpers the netsink packages share: records, frames and
// decoded-record views. Only tests import it.
package nettest

import (
	"encoding/binary"
	"log/slog"
	"time"
)

// BenchRecord is the record of the benchmarks and allocation tests: a message and five
// attributes of the common kinds.
func BenchRecord() slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request handled", 0)
	r.AddAttrs(
		slog.String("method", "GET"),
		slog.String("path", "/api/v1/items"),
		slog.Int("status", 200),
		slog.Duration("took", 1234*time.Microsecond),
		slog.Bool("cached", true),
	)
	return r
}

// Framed prefixes payload with its 4-byte big-endian length, as the wire frames records.
func Framed(payload []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(payload))), payload...)
}

// RecordMap turns a decoded record into the map slogtest expects.
func RecordMap(r slog.Record) map[string]any {
	m := map[string]any{slog.LevelKey: r.Level, slog.MessageKey: r.Message}
	if !r.Time.IsZero() {
		m[slog.TimeKey] = r.Time
	}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = valueAny(a.Value)
		return true
	})
	return m
}

func valueAny(v slog.Value) any {
	if v.Kind() != slog.KindGroup {
		return v.Any()
	}
	m := map[string]any{}
	for _, a := range v.Group() {
		m[a.Key] = valueAny(a.Value)
	}
	return m
}
