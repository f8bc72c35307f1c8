package slogx_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/slogx/handlers/internal/testutil"
	"github.com/slogx/handlers/slogx"
)

// account hides nothing itself: its LogValue shows every field, the password included.
type account struct{ name, password string }

func (a account) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", a.name), slog.String("password", a.password))
}

// secret resolves, through a second LogValuer, to the secret itself.
type secret struct{ s string }

func (s secret) LogValue() slog.Value {
	return slog.AnyValue(testutil.Valuer{V: slog.StringValue(s.s)})
}

// redactHandlers are the handlers a redacting ReplaceAttr is given to: slogx's encoders and
// slog's own.
func redactHandlers(w *bytes.Buffer, rep func([]string, slog.Attr) slog.Attr) map[string]slog.Handler {
	return map[string]slog.Handler{
		"JSON":             slogx.NewHandler(w, &slogx.Options{ReplaceAttr: rep}),
		"Text":             slogx.NewHandler(w, &slogx.Options{Encoder: slogx.Text(), ReplaceAttr: rep}),
		"Console":          slogx.NewHandler(w, &slogx.Options{Encoder: slogx.Console(slogx.ConsoleOptions{}), ReplaceAttr: rep}),
		"slog.JSONHandler": slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: rep}),
	}
}

func TestRedactAtDepthThreeAndThroughLogValuers(t *testing.T) {
	for name := range redactHandlers(nil, nil) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			h := redactHandlers(&buf, slogx.Redact("password", "Token", "auth"))[name]
			l := slog.New(h).With("Token", "t0").WithGroup("a")
			l.Info("login",
				slog.Group("b", slog.Group("c", slog.String("PassWord", "hunter2"), slog.Int("n", 1))),
				slog.Any("user", account{"ana", "hunter3"}),
				slog.Any("token", secret{"hunter4"}),
				slog.Group("auth", slog.String("scheme", "hunter5"), slog.Group("x", slog.String("y", "hunter6"))),
				slog.Group("", slog.String("password", "hunter7")), // inline: a top-level key of group a
				slog.String("kept", "visible"))
			out := buf.String()
			if strings.Contains(out, "hunter") {
				t.Fatalf("a secret got out:\n%s", out)
			}
			for _, want := range []string{"visible", "ana"} {
				if !strings.Contains(out, want) {
					t.Fatalf("%q missing:\n%s", want, out)
				}
			}
			if n := strings.Count(out, "[REDACTED]"); n != 7 {
				t.Fatalf("%d redacted values, want 7:\n%s", n, out)
			}
		})
	}
}

func TestRedactJSONShape(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slogx.NewHandler(&buf, &slogx.Options{ReplaceAttr: slogx.Redact("password")}))
	l.WithGroup("a").Info("m", slog.Group("b", slog.Group("c", slog.String("Password", "x"), slog.Int("n", 1))))
	m := testutil.ParseJSONLines(t, buf.Bytes())[0]
	c := m["a"].(map[string]any)["b"].(map[string]any)["c"].(map[string]any)
	if c["Password"] != "[REDACTED]" || c["n"] != float64(1) {
		t.Fatalf("got %s", buf.String())
	}
}

// A caller that does not resolve, or a group value handed over directly: the members are
// redacted, the rest left as it was.
func TestRedactGroupValueDirectly(t *testing.T) {
	rep := slogx.Redact("password")
	a := rep(nil, slog.Any("u", account{"ana", "hunter2"}))
	if got := a.String(); got != "u=[name=ana password=[REDACTED]]" {
		t.Fatalf("got %s", got)
	}
	g := slog.Group("g", slog.Int("x", 1))
	if got := rep([]string{"req"}, g); got.String() != g.String() {
		t.Fatalf("got %s", got)
	}
	if got := rep([]string{"req", "PASSWORD"}, slog.Int("x", 1)); got.String() != "x=[REDACTED]" {
		t.Fatalf("inside a redacted group: got %s", got)
	}
}

func TestRedactSlogtest(t *testing.T) {
	var buf bytes.Buffer
	h := slogx.NewHandler(&buf, &slogx.Options{ReplaceAttr: slogx.Redact("password")})
	if err := slogtest.TestHandler(h, func() []map[string]any { return testutil.ParseJSONLines(t, buf.Bytes()) }); err != nil {
		t.Fatal(err)
	}
}

func TestRedactAllocs(t *testing.T) {
	if testutil.RaceEnabled {
		t.Skip("sync.Pool drops items at random under -race; make test runs this without -race too")
	}
	rep := slogx.Redact("password", "token", "secret")
	groups := []string{"req", "auth", "basic"}
	as := []slog.Attr{slog.String("user", "ana"), slog.Int("n", 1), slog.Any("err", context.Canceled),
		slog.Group("g", slog.String("a", "b"), slog.Group("h", slog.Int("c", 1))), slog.Any("v", testutil.Valuer{V: slog.StringValue("x")})}
	if n := testing.AllocsPerRun(200, func() {
		for _, a := range as {
			rep(groups, a)
		}
	}); n != 0 {
		t.Errorf("direct: %v allocs per run, want 0", n)
	}
	// Through a handler, Redact adds nothing to what any ReplaceAttr costs there.
	r := slog.NewRecord(fixedTime, slog.LevelInfo, "m", 0)
	r.AddAttrs(as[:3]...)
	r.AddAttrs(slog.Group("auth", slog.Group("basic", slog.String("user", "ana"))))
	ctx := context.Background()
	perRecord := func(rep func([]string, slog.Attr) slog.Attr) float64 {
		h := slogx.NewHandler(discard{}, &slogx.Options{ReplaceAttr: rep}).WithGroup("req")
		h.Handle(ctx, r) // warm the pools
		return testing.AllocsPerRun(200, func() { h.Handle(ctx, r) })
	}
	noop := func(_ []string, a slog.Attr) slog.Attr { return a }
	if n, base := perRecord(rep), perRecord(noop); n != base {
		t.Errorf("JSON Handle at depth 3: %v allocs per record with Redact, %v with a ReplaceAttr doing nothing", n, base)
	}
}

func TestChainReplace(t *testing.T) {
	upper := func(_ []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() == slog.KindString {
			a.Value = slog.StringValue(strings.ToUpper(a.Value.String()))
		}
		return a
	}
	dropN := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "n" {
			return slog.Attr{}
		}
		return a
	}
	calledAfterDrop := false
	spy := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "n" || a.Key == "" {
			calledAfterDrop = true
		}
		return a
	}
	rep := slogx.ChainReplace(slogx.Redact("password"), nil, upper, dropN, spy)
	if got := rep(nil, slog.String("password", "x")); got.String() != "password=[REDACTED]" {
		t.Fatalf("got %s", got)
	}
	if got := rep(nil, slog.Any("user", testutil.Valuer{V: slog.StringValue("ana")})); got.String() != "user=ANA" {
		t.Fatalf("got %s: not resolved between functions", got)
	}
	if got := rep(nil, slog.Int("n", 1)); !got.Equal(slog.Attr{}) || calledAfterDrop {
		t.Fatalf("got %s; called after the drop: %v", got, calledAfterDrop)
	}
	if slogx.ChainReplace() != nil || slogx.ChainReplace(nil, nil) != nil {
		t.Fatal("an empty chain is not nil")
	}
	if got := slogx.ChainReplace(nil, upper)(nil, slog.String("k", "v")); got.String() != "k=V" {
		t.Fatalf("got %s", got)
	}
}
