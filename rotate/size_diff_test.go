package rotate

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

type sizeScenario struct {
	Path        string   `json:"path"`
	MaxBytes    int64    `json:"maxBytes"`
	BackupCount int      `json:"backupCount"`
	Records     []string `json:"records"`
	oversized   bool     // some record alone reaches MaxBytes
}

// TestSizeMatchesCPython drives the same records through CPython's RotatingFileHandler and
// NewSize and compares the resulting files byte for byte. CPython before 3.13 also rolls an
// empty file over when one record alone reaches maxBytes, leaving an empty backup; we do not
// (CPython 3.13's rule). Scenarios where that can happen are compared with empty files
// removed from CPython's chain, and keep every backup so that the chains line up.
func TestSizeMatchesCPython(t *testing.T) {
	python(t)
	rng := rand.New(rand.NewSource(2))
	pyDir, goDir := t.TempDir(), t.TempDir()
	var scs []sizeScenario
	for i := 0; i < 48; i++ {
		sc := sizeScenario{MaxBytes: int64(20 + rng.Intn(400)), BackupCount: rng.Intn(6)}
		switch i {
		case 0:
			sc.MaxBytes = 0 // never rotates
		case 1:
			sc.BackupCount = 0 // never rotates
		}
		sc.oversized = i%4 == 3
		if sc.oversized {
			sc.BackupCount = 125 // more than the records: no backup is dropped
		}
		n := 1 + rng.Intn(120)
		for j := 0; j < n; j++ {
			l := rng.Intn(60)
			if sc.MaxBytes > 0 && !sc.oversized && int64(l+1) >= sc.MaxBytes {
				l = int(sc.MaxBytes) - 2
			}
			if sc.oversized && (rng.Intn(5) == 0 || j == 0 && i%8 == 3) {
				l = int(sc.MaxBytes) + rng.Intn(20) - 1
			}
			sc.Records = append(sc.Records, record(rng, j, l))
		}
		sc.Path = filepath.Join(pyDir, strconv.Itoa(i), "app.log")
		scs = append(scs, sc)
	}
	for i := range scs {
		mkdir(t, filepath.Dir(scs[i].Path))
	}
	var ans struct {
		Version []int `json:"version"`
	}
	runPython(t, map[string]any{"mode": "size", "scenarios": scs}, &ans)
	py313 := ans.Version[0] > 3 || ans.Version[1] >= 13
	t.Logf("CPython %v", ans.Version)

	pyEmpty := 0 // empty backups CPython < 3.13 made: the documented difference
	for i, sc := range scs {
		gdir := filepath.Join(goDir, strconv.Itoa(i))
		mkdir(t, gdir)
		o := SizeOptions{MaxBytes: sc.MaxBytes, BackupCount: sc.BackupCount}
		if o.BackupCount == 0 {
			o.MaxBytes = 0 // Python's "never rotates", as config maps it (NewSize refuses MaxBytes without backups)
		}
		f, err := NewSize(filepath.Join(gdir, "app.log"), o)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range sc.Records {
			if _, err := f.Write([]byte(r + "\n")); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		pyFiles := dirFiles(t, filepath.Dir(sc.Path))
		goFiles := dirFiles(t, gdir)
		if !sc.oversized || py313 {
			if d := diffFiles(pyFiles, goFiles); d != "" {
				t.Errorf("scenario %d (max %d, backups %d): %s", i, sc.MaxBytes, sc.BackupCount, d)
			}
			continue
		}
		pyChain, goChain := chain(pyFiles, true), chain(goFiles, false)
		pyEmpty += len(chain(pyFiles, false)) - len(pyChain)
		if strings.Join(pyChain, "\x00") != strings.Join(goChain, "\x00") {
			t.Errorf("scenario %d (max %d): non-empty chains differ:\npython %q\ngo     %q", i, sc.MaxBytes, pyChain, goChain)
		}
		for name, c := range goFiles {
			if c == "" && name != "app.log" {
				t.Errorf("scenario %d: empty backup %s", i, name)
			}
		}
	}
	if !py313 && pyEmpty == 0 {
		t.Errorf("no scenario exercised CPython 3.11's empty-file rollover")
	}
	t.Logf("CPython made %d empty backups that we do not", pyEmpty)
}

// record returns a printable ASCII record of length l (CPython counts characters, we count
// bytes: they agree on ASCII).
func record(rng *rand.Rand, seq, l int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789%{}\"\\"
	s := fmt.Sprintf("%d:", seq)
	for len(s) < l {
		s += string(alphabet[rng.Intn(len(alphabet))])
	}
	if len(s) > l && l >= 0 {
		s = s[:l]
	}
	return s
}

func diffFiles(want, got map[string]string) string {
	var names []string
	for n := range want {
		names = append(names, n)
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		w, wok := want[n]
		g, gok := got[n]
		switch {
		case !wok:
			fmt.Fprintf(&b, "extra file %s; ", n)
		case !gok:
			fmt.Fprintf(&b, "missing file %s; ", n)
		case w != g:
			fmt.Fprintf(&b, "%s differs: python %q, go %q; ", n, w, g)
		}
	}
	return b.String()
}

// chain returns the contents oldest first: app.log.N .. app.log.1, app.log; dropping empty
// backups when asked.
func chain(files map[string]string, dropEmpty bool) []string {
	var out []string
	for i := len(files); i >= 1; i-- {
		if c, ok := files["app.log."+strconv.Itoa(i)]; ok && (c != "" || !dropEmpty) {
			out = append(out, c)
		}
	}
	return append(out, files["app.log"])
}
