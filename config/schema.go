package config

import (
	"log/slog"
	"os"
	"slices"

	"github.com/slogx/handlers/slogx"
)

// topLevelKeys are the keys of a dictConfig document, version 1.
var topLevelKeys = []string{"version", "formatters", "filters", "handlers", "loggers", "root",
	"incremental", "disable_existing_loggers"}

// readSections are the sections dictConfig reads values from: cfg:// references are
// resolved in them.
var readSections = []string{"formatters", "filters", "handlers", "loggers", "root"}

// envSections are the sections whose strings get ${VAR} substitution: where a value names
// a place (a file, a host, a URL) or a level. Formatters are left alone: their formats are
// templates, with a ${name} syntax of their own in style '$'.
var envSections = []string{"handlers", "loggers", "root"}

// builder reads one document: its options, the warnings about ignored keys, and the
// registry its factories come from.
type builder struct {
	o        Options
	reg      *Registry
	warnings []error
}

func newBuilder(o Options) *builder { return &builder{o: o, reg: o.registry()} }

// ignore reports the keys of a that nobody read and CPython ignores: a warning each, or
// with Strict an error naming the first.
func (b *builder) ignore(a *Args, what string) error {
	if a.err != nil {
		return a.err
	}
	for _, k := range a.Unused() {
		a.used[k] = true
		if b.o.Strict {
			return a.Errorf(k, "unknown key for %s (CPython ignores it; Options.Strict refuses it)", what)
		}
		b.warn(errorf(join(a.path, k), "ignored, as CPython ignores it for %s", what))
	}
	return nil
}

func (b *builder) warn(err error) {
	b.warnings = append(b.warnings, err)
	b.o.warn(err)
}

// prepare checks the header and resolves references and environment variables in the
// sections dictConfig reads.
func (b *builder) prepare(doc map[string]any, incremental bool) error {
	top := newArgs("", doc)
	if err := checkHeader(top, incremental); err != nil {
		return err
	}
	r := &refs{doc: doc, used: map[string]bool{}}
	resolved := map[string]any{}
	for _, s := range readSections {
		if v, ok := doc[s]; ok {
			n, err := r.resolve(s, v)
			if err != nil {
				return err
			}
			resolved[s] = n
		}
	}
	for _, k := range sortedKeys(doc) {
		if !slices.Contains(topLevelKeys, k) && !r.used[k] {
			if b.o.Strict {
				return errorf(k, "unknown top-level key: no cfg:// reference reads it (CPython ignores it; Options.Strict refuses it)")
			}
			b.warn(errorf(k, "ignored: a top-level section no cfg:// reference reads"))
		}
	}
	for s, v := range resolved {
		doc[s] = v
	}
	for _, s := range envSections {
		if v, ok := doc[s]; ok {
			n, err := expandEnv(s, v, os.LookupEnv)
			if err != nil {
				return err
			}
			doc[s] = n
		}
	}
	return nil
}

// build checks the document and builds it: formatters, filters, handlers, then loggers.
// On an error it closes every handler it opened.
func (b *builder) build(doc map[string]any) (*Logging, error) {
	if err := b.prepare(doc, false); err != nil {
		return nil, err
	}
	formatters, err := buildSection(doc, "formatters", b.formatter)
	if err != nil {
		return nil, err
	}
	filters, err := buildSection(doc, "filters", b.filter)
	if err != nil {
		return nil, err
	}
	handlerDocs, err := section(doc, "handlers")
	if err != nil {
		return nil, err
	}
	set := &handlerSet{entries: handlerDocs, formatters: formatters, filters: filters, b: b, classes: handlerClasses,
		built: map[string]*builtHandler{}}
	l, err := buildLogging(doc, set)
	if err != nil {
		for i := len(set.order) - 1; i >= 0; i-- {
			slogx.Close(set.order[i])
		}
		return nil, err
	}
	l.warnings, l.opts = b.warnings, b.o
	return l, nil
}

// checkHeader checks version, incremental and disable_existing_loggers. incremental is
// what the caller expects: Load builds a whole document, Logging.Apply an incremental one.
func checkHeader(top *Args, incremental bool) error {
	if !top.Has("version") {
		return errorf("version", "required (version: 1)")
	}
	if v := top.Int("version", 0); top.err == nil && v != 1 {
		return errorf("version", "unsupported version %d (want 1)", v)
	}
	switch inc := top.Bool("incremental", false); {
	case top.err != nil:
	case inc && !incremental:
		top.Errorf("incremental", "an incremental document changes a loaded configuration: use (*Logging).Apply")
	case !inc && incremental:
		top.Errorf("incremental", "Apply takes an incremental document (incremental: true); Load a whole one")
	}
	// disable_existing_loggers has nothing to disable: no logger exists before Load.
	top.Bool("disable_existing_loggers", true)
	return top.Err()
}

// section returns the mapping at key (empty when absent).
func section(doc map[string]any, key string) (map[string]any, error) {
	v, ok := doc[key]
	if !ok || v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(key, "want a mapping, got %s", describe(v))
	}
	return m, nil
}

// buildSection builds every entry of a section of mappings with build.
func buildSection[T any](doc map[string]any, key string, build func(*Args) (T, error)) (map[string]T, error) {
	sec, err := section(doc, key)
	if err != nil {
		return nil, err
	}
	out := make(map[string]T, len(sec))
	for _, name := range sortedKeys(sec) {
		path := key + "." + name
		m, ok := sec[name].(map[string]any)
		if !ok {
			return nil, errorf(path, "want a mapping, got %s", describe(sec[name]))
		}
		v, err := build(newArgs(path, m))
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	return out, nil
}

// buildLogging builds every handler (in name order, as dictConfig does, each after those it
// refers to) and reads the loggers and root.
func buildLogging(doc map[string]any, set *handlerSet) (*Logging, error) {
	l := &Logging{handlers: map[string]handlerEntry{}, loggers: map[string]*loggerConf{},
		lastResort: newLastResort(), cache: map[string]*cachedLogger{}}
	for _, name := range sortedKeys(set.entries) {
		bh, err := set.get(name)
		if err != nil {
			return nil, err
		}
		e := handlerEntry{h: bh.h, inner: bh.h, level: bh.level}
		if nf, ok := bh.h.(*nameFilter); ok {
			e.inner, e.filters = nf.h, nf.prefixes
			e.perRecord = len(nf.fns) > 0
		}
		l.handlers[name] = e
	}
	l.order = set.order
	loggers, err := section(doc, "loggers")
	if err != nil {
		return nil, err
	}
	for _, name := range sortedKeys(loggers) {
		m, ok := loggers[name].(map[string]any)
		if !ok {
			return nil, errorf("loggers."+name, "want a mapping, got %s", describe(loggers[name]))
		}
		c, err := set.b.readLogger(newArgs("loggers."+name, m), set.entries, set.filters)
		if err != nil {
			return nil, err
		}
		l.loggers[canonical(name)] = c
	}
	root, err := section(doc, "root")
	if err != nil {
		return nil, err
	}
	c, configured := l.loggers[""] // loggers.root is the root logger too, as in Python
	if _, ok := doc["root"]; ok || !configured {
		if c, err = set.b.readLogger(newArgs("root", root), set.entries, set.filters); err != nil {
			return nil, err
		}
	}
	if !c.levelSet && c.level != notset {
		c.level = slog.LevelWarn // root's initial level, which dictConfig keeps without one
	}
	c.levelSet = true
	l.loggers[""] = c
	return l, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
