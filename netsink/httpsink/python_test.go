package httpsink

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/netsink"
	"github.com/slogx/handlers/netsink/internal/nettest"
)

// TestHTTPPythonDifferential runs CPython's logging.handlers.HTTPHandler and ours against the
// same server and compares what they send: method, content type, and the form keys in order.
func TestHTTPPythonDifferential(t *testing.T) {
	py := testutil.LookPath(t, "python3")
	nettest.NoLeak(t)
	ts := newHTTPTestServer(t)
	host := strings.TrimPrefix(ts.URL, "http://")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "testdata/http_pyhandler.py", host, "/py", "POST").CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	pyReq := ts.next(t)

	h := httpNew(t, Options{URL: ts.URL + "/py", Name: "py"}, nil)
	slog.New(h).Warn("hello world", "user", "ann", "n", 3)
	nettest.Flush(t, h)
	goReq := ts.next(t)

	if pyReq.Method != goReq.Method || pyReq.Path != goReq.Path {
		t.Errorf("python %s %s, go %s %s", pyReq.Method, pyReq.Path, goReq.Method, goReq.Path)
	}
	if p, g := pyReq.Header.Get("Content-Type"), goReq.Header.Get("Content-Type"); p != g {
		t.Errorf("content type: python %q, go %q", p, g)
	}
	pyKeys := httpFormKeys(t, string(pyReq.Body))
	// Python 3.12 added taskName; it is asyncio's, with no Go meaning.
	pyKeys = slices.DeleteFunc(pyKeys, func(k string) bool { return k == "taskName" })
	goKeys := httpFormKeys(t, string(goReq.Body))
	if strings.Join(pyKeys, ",") != strings.Join(goKeys, ",") {
		t.Errorf("form keys differ\npython %q\ngo     %q", pyKeys, goKeys)
	}
	pyForm, _ := url.ParseQuery(string(pyReq.Body))
	goForm, _ := url.ParseQuery(string(goReq.Body))
	// Values that must agree exactly; the others depend on the process, the time or the file.
	for _, k := range []string{"name", "levelname", "levelno", "exc_info", "exc_text", "stack_info",
		"processName", "user", "n"} {
		if pyForm.Get(k) != goForm.Get(k) {
			t.Errorf("%s: python %q, go %q", k, pyForm.Get(k), goForm.Get(k))
		}
	}
	// Python keeps the unformatted message and its args apart; Go records are already formatted.
	if pyForm.Get("msg") != "hello %s" || goForm.Get("msg") != "hello world" || goForm.Get("args") != "()" {
		t.Errorf("msg: python %q %q, go %q %q", pyForm.Get("msg"), pyForm.Get("args"), goForm.Get("msg"), goForm.Get("args"))
	}
	if !strings.HasSuffix(pyForm.Get("msecs"), ".0") || !strings.HasSuffix(goForm.Get("msecs"), ".0") {
		t.Errorf("msecs: python %q, go %q", pyForm.Get("msecs"), goForm.Get("msecs"))
	}
}

// httpRecorded is one request as testdata/http_recorder.py prints it.
type httpRecorded struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"` // base64
}

// TestHTTPToPythonServer sends every format to a real python3 http.server.
func TestHTTPToPythonServer(t *testing.T) {
	py := testutil.LookPath(t, "python3")
	nettest.NoLeak(t)
	cmd := exec.Command(py, "testdata/http_recorder.py")
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
	waited := make(chan error, 1)
	defer func() {
		stdin.Close() // the recorder stops at end of input
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-waited
		}
	}()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(io.LimitReader(stdout, 16<<20))
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		waited <- cmd.Wait()
	}()
	next := func() string {
		t.Helper()
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("recorder exited")
			}
			return l
		case <-time.After(10 * time.Second):
			t.Fatal("recorder printed nothing")
			return ""
		}
	}
	port, ok := strings.CutPrefix(next(), "PORT ")
	if !ok {
		t.Fatal("recorder did not print its port")
	}
	base := "http://127.0.0.1:" + port
	record := func() httpRecorded {
		t.Helper()
		var r httpRecorded
		if err := json.Unmarshal([]byte(next()), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	body := func(r httpRecorded) string {
		b, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	for _, tc := range []struct {
		o     Options
		check func(r httpRecorded)
	}{
		{Options{URL: base + "/form"}, func(r httpRecorded) {
			f, _ := url.ParseQuery(body(r))
			if r.Method != "POST" || f.Get("msg") != "to python" || f.Get("k") != "v" {
				t.Errorf("form %+v", r)
			}
		}},
		{Options{URL: base + "/get", Method: "GET"}, func(r httpRecorded) {
			u, _ := url.Parse(r.Path)
			if r.Method != "GET" || u.Query().Get("msg") != "to python" {
				t.Errorf("get %+v", r)
			}
		}},
		{Options{URL: base + "/json", Format: JSON, Username: "u", Password: "p", AllowInsecure: true}, func(r httpRecorded) {
			var m map[string]any
			if err := json.Unmarshal([]byte(body(r)), &m); err != nil || m["msg"] != "to python" || m["k"] != "v" {
				t.Errorf("json %q %v", body(r), err)
			}
			if r.Headers["authorization"] != "Basic dTpw" || r.Headers["content-type"] != "application/json" {
				t.Errorf("headers %v", r.Headers)
			}
		}},
		{Options{URL: base + "/nd", Format: NDJSON, Delivery: netsink.Delivery{BatchInterval: time.Hour}}, func(r httpRecorded) {
			if n := strings.Count(body(r), "\n"); n != 2 || r.Headers["content-type"] != "application/x-ndjson" {
				t.Errorf("ndjson %d lines, %v", n, r.Headers)
			}
		}},
	} {
		h := httpNew(t, tc.o, nil)
		slog.New(h).Info("to python", "k", "v")
		if tc.o.Format == NDJSON {
			slog.New(h).Info("to python", "k", "v")
		}
		nettest.Flush(t, h)
		tc.check(record())
		if s := h.Stats(); s.Records == 0 || s.Errors != 0 {
			t.Errorf("%s: stats %+v", tc.o.URL, s)
		}
		h.Close()
	}

	// The recorder answers 500 under /fail: retried, then counted as an error.
	errs := nettest.NewErrs()
	h := httpNew(t, Options{URL: base + "/fail", Format: JSON, Delivery: netsink.Delivery{MaxRetries: 1,
		Backoff: netsink.Backoff{Initial: time.Millisecond}}}, errs.Opts())
	slog.New(h).Error("refused")
	nettest.Flush(t, h)
	record()
	record()
	if err := errs.Next(t); !strings.Contains(err.Error(), "500") {
		t.Errorf("error %v", err)
	}
}
