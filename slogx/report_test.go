package slogx

import (
	"bytes"
	"errors"
	"fmt"
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

func TestReportedOnceThroughLayers(t *testing.T) {
	var calls int
	inner := NewReporter(func(error) { calls++ })
	outer := NewReporter(func(error) { calls++ })
	err := inner.Error(errors.New("disk full"))
	err = outer.Error(err) // middleware passing the handler's error on
	if calls != 1 || inner.Errors() != 1 || outer.Errors() != 1 {
		t.Fatalf("calls %d, inner %d, outer %d", calls, inner.Errors(), outer.Errors())
	}
	if err.Error() != "disk full" || !IsReported(err) {
		t.Fatalf("err %v", err)
	}
	if !IsReported(fmt.Errorf("queue: target: %w", err)) {
		t.Fatal("wrapping hides the mark")
	}
	joined := errors.Join(err, inner.Drop(1, errors.New("x")))
	if !IsReported(joined) || IsReported(errors.Join(err, errors.New("fresh"))) {
		t.Fatal("IsReported on joined errors")
	}
}
