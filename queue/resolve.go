package queue

import "log/slog"

// resolveRecord returns r with every slog.LogValuer among its attributes (inside groups too)
// replaced by its value, as Python's QueueHandler.prepare formats the record in the caller: the
// target, running later on the listener goroutine, must see the values as they were at the log
// call, and a LogValuer need not be safe to call from another goroutine. A record without
// LogValuers — the common case — is returned as is, without allocating.
func resolveRecord(r slog.Record) slog.Record {
	needs := false
	r.Attrs(func(a slog.Attr) bool {
		needs = hasLogValuer(a.Value)
		return !needs
	})
	if !needs {
		return r
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(resolveAttr(a))
		return true
	})
	return out
}

func hasLogValuer(v slog.Value) bool {
	switch v.Kind() {
	case slog.KindLogValuer:
		return true
	case slog.KindGroup:
		for _, a := range v.Group() {
			if hasLogValuer(a.Value) {
				return true
			}
		}
	}
	return false
}

func resolveAttr(a slog.Attr) slog.Attr {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindGroup && hasLogValuer(a.Value) {
		as := a.Value.Group()
		res := make([]slog.Attr, len(as))
		for i, m := range as {
			res[i] = resolveAttr(m)
		}
		a.Value = slog.GroupValue(res...)
	}
	return a
}
