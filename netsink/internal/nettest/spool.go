package nettest

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// KillApp is the application of a crash test: it logs n records through h, numbered from 1
// by the attribute "n", and prints on stdout, every 1,000, how many Handle accepted. It never
// returns: KillDuring kills it.
func KillApp(h slog.Handler, n int) {
	out := bufio.NewWriter(os.Stdout)
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "spooled", 0)
		r.AddAttrs(slog.Int("n", i))
		if err := h.Handle(ctx, r); err != nil {
			fmt.Fprintln(out, "error:", err)
			out.Flush()
			os.Exit(1)
		}
		if i%1000 == 0 {
			fmt.Fprintln(out, i)
			out.Flush()
		}
	}
	select {}
}

// KillDuring runs the test binary again, as the application, with only the test named test
// and the environment env added; reads its progress (see KillApp); kills it (SIGKILL on
// Unix) as soon as it reported at least killAt records; and returns the last count it
// reported: Handle accepted every record up to that one.
func KillDuring(t *testing.T, test string, killAt int, env ...string) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	accepted := 0
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		n, err := strconv.Atoi(sc.Text())
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("application: %s", sc.Text())
		}
		if accepted = n; n >= killAt {
			break
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if accepted < killAt {
		t.Fatalf("the application stopped after %d records", accepted)
	}
	return accepted
}

// CheckArrived fails t unless the numbers got hold every number from 1 to at least accepted,
// none above max, with no gap; it returns the highest and how many arrived more than once.
func CheckArrived(t *testing.T, got []int64, accepted, max int) (top, dups int) {
	t.Helper()
	seen := make([]int, max+1)
	for _, n := range got {
		if n < 1 || n > int64(max) {
			t.Fatalf("record %d was never logged", n)
		}
		seen[n]++
	}
	for n := 1; n <= max; n++ {
		if seen[n] == 0 {
			break
		}
		top = n
		dups += seen[n] - 1
	}
	for n := top + 1; n <= max; n++ {
		if seen[n] != 0 {
			t.Fatalf("records 1..%d arrived, then %d: %d lost in between", top, n, n-top-1)
		}
	}
	if top < accepted {
		t.Fatalf("records up to %d arrived; Handle had accepted %d: %d lost", top, accepted, accepted-top)
	}
	return top, dups
}

// DownAddr is a loopback address nobody listens on: a peer that is down.
func DownAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
