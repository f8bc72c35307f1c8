package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSmoke(t *testing.T) {
	dir := t.TempDir()
	doc := `{"version": 1,
 "formatters": {"f": {"format": "%(levelname)-8s %(name)s %(levelno)d %(message)s"}},
 "handlers": {"file": {"class": "logging.FileHandler", "filename": "` + filepath.Join(dir, "a.log") + `", "formatter": "f"},
   "rot": {"class": "logging.handlers.RotatingFileHandler", "filename": "` + filepath.Join(dir, "r.log") + `", "maxBytes": 100, "backupCount": 2, "formatter": "f", "level": "INFO"}},
 "loggers": {"app": {"level": "DEBUG", "handlers": ["file"]}, "app.quiet": {"propagate": false, "handlers": ["rot"]}},
 "root": {"level": "WARNING", "handlers": ["rot"]}}`
	l, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	l.Logger("app.x").Debug("hello")
	l.Logger("app.quiet").Info("quiet")
	l.Logger("other").Info("dropped")
	l.Logger("").Error("root error")
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"a.log", "r.log"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		t.Logf("%s:\n%s", f, b)
	}
}
