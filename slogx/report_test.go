package slogx

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReporterRateLimitsStderr(t *testing.T) {
	var out bytes.Buffer
	now := time.Unix(1000, 0)
	r := NewReporter(nil)
	r.out = &out
	r.now = func() time.Time { return now }

	r.Error(errors.New("first"))
	r.Error(errors.New("second")) // same second: counted, not printed
	r.Drop(3, errors.New("third"))
	now = now.Add(time.Second)
	r.Error(errors.New("fourth"))

	got := out.String()
	want := "first\nfourth (2 earlier errors not shown)\n"
	if got != want {
		t.Fatalf("got %q want %q", got, want)
	}
	if r.Errors() != 3 || r.Dropped() != 3 {
		t.Fatalf("errors %d dropped %d", r.Errors(), r.Dropped())
	}
}

func TestReporterCallsOnErrorEveryTime(t *testing.T) {
	var got []string
	r := NewReporter(func(err error) { got = append(got, err.Error()) })
	for range 3 {
		r.Error(errors.New("x"))
	}
	if strings.Join(got, ",") != "x,x,x" {
		t.Fatalf("OnError calls: %v", got)
	}
}
