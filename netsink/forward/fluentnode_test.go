package forward

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
	"github.com/slogx/handlers/slogx"
)

// fluentNodeServer starts @fluent-org/logger's FluentServer (.ci/run installs it with npm,
// globally) with the shared key key, and returns its address and its entries, one JSON
// object per line. Missing node or the package skips locally and fails under CI=true.
func fluentNodeServer(t *testing.T, key string) (string, *bufio.Scanner) {
	node := testutil.LookPath(t, "node")
	npm := testutil.LookPath(t, "npm")
	out, err := exec.Command(npm, "root", "-g").Output()
	if err != nil {
		testutil.MissingPeer(t, "npm root -g: "+err.Error())
	}
	root := strings.TrimSpace(string(out))
	if _, err := os.Stat(filepath.Join(root, "@fluent-org", "logger")); err != nil {
		testutil.MissingPeer(t, "@fluent-org/logger not installed (npm install -g @fluent-org/logger@1.0.10)")
	}
	cmd := exec.Command(node, "testdata/forward_fluent_server.js", key)
	cmd.Env = append(os.Environ(), "NODE_PATH="+root)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close() // the server exits when its stdin closes
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "PORT ") {
		t.Fatalf("fluent server did not start: %q %v", sc.Text(), sc.Err())
	}
	return "127.0.0.1:" + strings.TrimPrefix(sc.Text(), "PORT "), sc
}

// The shared-key handshake against an independent implementation: the right key delivers
// (with acks), the wrong one fails clearly and counts as an error.
func TestForwardFluentNodeSharedKey(t *testing.T) {
	addr, entries := fluentNodeServer(t, "node-secret")

	f, err := New(addr, Options{Tag: "slogx.node", SharedKey: "node-secret", Hostname: "slogx-test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 11, 30, 1, 2, 3, 456789012, time.UTC)
	lg := slog.New(f).WithGroup("g")
	for i := range 100 {
		r := slog.NewRecord(when, slog.LevelInfo, "via node", 0)
		r.AddAttrs(slog.Int("i", i), slog.Group("sub", slog.String("k", "v")))
		if err := lg.Handler().Handle(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Flush(nettest.Ctx(t)); err != nil {
		t.Fatal(err)
	}
	if st := f.Stats(); st.Records != 100 || st.Errors != 0 {
		t.Errorf("stats %+v", st)
	}
	f.Close()
	for i := range 100 {
		if !entries.Scan() {
			t.Fatalf("entry %d missing: %v", i, entries.Err())
		}
		var e struct {
			Tag    string
			Time   struct{ Epoch, Nano int64 }
			Record map[string]any
		}
		if err := json.Unmarshal(entries.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		g, _ := e.Record["g"].(map[string]any)
		sub, _ := g["sub"].(map[string]any)
		if e.Tag != "slogx.node" || e.Time.Epoch != when.Unix() || e.Time.Nano != 456789012 ||
			e.Record["message"] != "via node" || e.Record["level"] != "INFO" || g["i"] != float64(i) || sub["k"] != "v" {
			t.Fatalf("entry %d: %s", i, entries.Bytes())
		}
	}

	errs := &fwdErrors{}
	bad, err := New(addr, Options{SharedKey: "wrong", Delivery: netsink.Delivery{Backoff: fastBackoff(), CloseTimeout: 50 * time.Millisecond}}, &slogx.Options{OnError: errs.add})
	if err != nil {
		t.Fatal(err)
	}
	slog.New(bad).Info("never")
	deadline := time.Now().Add(10 * time.Second)
	for bad.Stats().Errors == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	bad.Close()
	if st := bad.Stats(); st.Errors == 0 || st.Records != 0 {
		t.Errorf("wrong key: stats %+v", st)
	}
	if text := errs.text(); !strings.Contains(text, "shared key") {
		t.Errorf("wrong key: errors %s", text)
	} else {
		t.Logf("wrong key reported as: %s", strings.SplitN(text, "\n", 2)[0])
	}
}
