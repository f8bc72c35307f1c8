package queue

import "log/slog"

// resolveRecord replaces every slog.LogValuer among r's attributes (inside groups too) by its
// value, for Options.ResolveLogValuers. A record without LogValuers — the common case — is
// left as is, without allocating.
//
// It works through a pointer: a Record is ~300 bytes, and copying it in and out would cost
// more than the scan.
func resolveRecord(r *slog.Record) {
	needs := false
	r.Attrs(func(a slog.Attr) bool {
		if k := a.Value.Kind(); k == slog.KindLogValuer || k == slog.KindGroup && hasLogValuer(a.Value) {
			needs = true
			return false
		}
		return true
	})
	if !needs {
		return
	}
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(resolveAttr(a))
		return true
	})
	*r = out
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
