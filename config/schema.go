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

// envSections are the sections whose strings get ${VAR} substitution: where a value names
// a place (a file, a host, a URL) or a level. Formatters are left alone: their formats are
// templates, with a ${name} syntax of their own in style '$'.
var envSections = []string{"handlers", "loggers", "root"}

// build checks the document and builds it: formatters, filters, handlers, then loggers.
// On an error it closes every handler it opened.
func (r *Registry) build(doc map[string]any) (*Logging, error) {
	top := newArgs("", doc)
	if err := checkHeader(top); err != nil {
		return nil, err
	}
	for _, s := range envSections {
		if v, ok := doc[s]; ok {
			n, err := expandEnv(s, v, os.LookupEnv)
			if err != nil {
				return nil, err
			}
			doc[s] = n
		}
	}
	encoders, err := buildSection(doc, "formatters", buildFormatter)
	if err != nil {
		return nil, err
	}
	filters, err := buildSection(doc, "filters", buildFilter)
	if err != nil {
		return nil, err
	}
	handlerDocs, err := section(doc, "handlers")
	if err != nil {
		return nil, err
	}
	set := &handlerSet{entries: handlerDocs, encoders: encoders, filters: filters, reg: r, classes: handlerClasses,
		built: map[string]slog.Handler{}}
	l, err := buildLogging(doc, set)
	if err != nil {
		for i := len(set.order) - 1; i >= 0; i-- {
			slogx.Close(set.order[i])
		}
		return nil, err
	}
	return l, nil
}

// checkHeader checks the top-level keys, version, incremental and disable_existing_loggers.
func checkHeader(top *Args) error {
	for k := range top.m {
		if !slices.Contains(topLevelKeys, k) {
			return errorf(k, "unknown top-level key (dictConfig has version, formatters, filters, handlers, loggers, root, incremental, disable_existing_loggers)")
		}
	}
	if !top.Has("version") {
		return errorf("version", "required (version: 1)")
	}
	if v := top.Int("version", 0); top.err == nil && v != 1 {
		return errorf("version", "unsupported version %d (want 1)", v)
	}
	if top.Bool("incremental", false) {
		top.Errorf("incremental", "incremental configuration is not supported")
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
		lastResort: newLastResort(), cache: map[string]*slog.Logger{}}
	for _, name := range sortedKeys(set.entries) {
		h, err := set.get(name)
		if err != nil {
			return nil, err
		}
		e := handlerEntry{h: h, inner: h}
		if nf, ok := h.(*nameFilter); ok {
			e.inner, e.filters = nf.h, nf.prefixes
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
		c, err := readLogger(newArgs("loggers."+name, m), set.entries, set.filters)
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
		if c, err = readLogger(newArgs("root", root), set.entries, set.filters); err != nil {
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
