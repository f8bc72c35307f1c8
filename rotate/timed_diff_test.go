package rotate

import (
	"fmt"
	"math/rand"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

type timedScenario struct {
	Path        string   `json:"path"`
	TZ          string   `json:"tz"`
	When        string   `json:"when"`
	Interval    int      `json:"interval"`
	UTC         bool     `json:"utc"`
	At          *int64   `json:"at"`
	BackupCount int      `json:"backupCount"`
	Events      [][2]any `json:"events"`
	times       []int64  // the event times, for the Go side
	msgs        []string
}

var counterName = regexp.MustCompile(`^(.*)\.([0-9]+)$`)

// TestTimedMatchesCPython drives records at chosen times through CPython's
// TimedRotatingFileHandler (time.time patched) and NewTimed (Now injected), in UTC, New York
// and London, across DST changes, and compares the files byte for byte. The one allowed
// difference: when a backup name repeats (an hourly rollover in the repeated hour of a DST
// fall-back), CPython deletes the earlier backup and we keep it, appending a counter; the
// comparison then checks that CPython's file equals our last one.
func TestTimedMatchesCPython(t *testing.T) {
	python(t)
	rng := rand.New(rand.NewSource(3))
	zones := []string{"UTC", "America/New_York", "Europe/London"}
	whens := []string{"S", "M", "H", "D", "midnight", "W0", "W3", "W6"}
	units := map[string]int64{"S": 1, "M": 60, "H": 3600, "D": 86400, "midnight": 86400, "W0": 7 * 86400, "W3": 7 * 86400, "W6": 7 * 86400}
	dst := []int64{1710054000, 1730613600, 1711846800, 1729990800}
	pyDir, goDir := t.TempDir(), t.TempDir()
	var scs []timedScenario
	for i := 0; i < 90; i++ {
		sc := timedScenario{TZ: zones[i%len(zones)], When: whens[rng.Intn(len(whens))], Interval: 1 + rng.Intn(2),
			UTC: rng.Intn(4) == 0, BackupCount: 0}
		if rng.Intn(3) == 0 {
			sc.BackupCount = 1 + rng.Intn(3)
		}
		if rng.Intn(3) == 0 {
			at := int64(1 + rng.Intn(86399))
			sc.At = &at
		}
		step := units[sc.When] * int64(sc.Interval)
		if step > 86400 {
			step = 86400 // weekly: daily steps over a few weeks
		}
		t0 := dst[rng.Intn(len(dst))] - int64(rng.Intn(20))*step - rng.Int63n(step)
		for j, tt := 0, t0; j < 30; j++ {
			sc.times = append(sc.times, tt)
			msg := fmt.Sprintf("record %d at %d", j, tt)
			sc.msgs = append(sc.msgs, msg)
			sc.Events = append(sc.Events, [2]any{tt, msg})
			tt += rng.Int63n(step*3/2 + 1)
		}
		sc.Path = filepath.Join(pyDir, strconv.Itoa(i), "app.log")
		mkdir(t, filepath.Dir(sc.Path))
		scs = append(scs, sc)
	}
	var ans struct {
		Version []int `json:"version"`
	}
	runPython(t, map[string]any{"mode": "timed", "scenarios": scs}, &ans)
	needCPython311(t, ans.Version)

	collisions := 0
	for i, sc := range scs {
		gdir := filepath.Join(goDir, strconv.Itoa(i))
		mkdir(t, gdir)
		var now int64
		o := TimedOptions{When: sc.When, Interval: sc.Interval, UTC: sc.UTC, BackupCount: sc.BackupCount,
			Location: mustLoc(t, sc.TZ), Now: func() time.Time { return time.Unix(now, 0) }}
		if sc.At != nil {
			o.AtTime = time.Duration(*sc.At) * time.Second
		}
		now = sc.times[0]
		f, err := NewTimed(filepath.Join(gdir, "app.log"), o)
		if err != nil {
			t.Fatal(err)
		}
		for j, tt := range sc.times {
			now = tt
			write(t, f, sc.msgs[j]+"\n")
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		pyFiles, goFiles := dirFiles(t, filepath.Dir(sc.Path)), dirFiles(t, gdir)
		// Fold our counter-suffixed backups into the name CPython reused.
		reused := 0
		for name, c := range goFiles {
			m := counterName.FindStringSubmatch(name)
			if m == nil || len(m[2]) > 2 {
				continue
			}
			if _, py := pyFiles[name]; py {
				continue
			}
			reused++
			k, _ := strconv.Atoi(m[2])
			if _, ok := goFiles[m[1]]; ok && k >= maxCounter(goFiles, m[1]) {
				goFiles[m[1]] = c
			}
			delete(goFiles, name)
		}
		collisions += reused
		if sc.BackupCount > 0 && reused > 0 {
			continue // retention counts our kept duplicates: not comparable
		}
		if d := diffFiles(pyFiles, goFiles); d != "" {
			t.Errorf("scenario %d %+v: %s", i, sc.TZ+" "+sc.When, d)
		}
	}
	t.Logf("CPython %v: %d scenarios, %d backup names CPython reused (and deleted a backup)", ans.Version, len(scs), collisions)
}

func maxCounter(files map[string]string, base string) int {
	max := 0
	for k := 1; ; k++ {
		if _, ok := files[base+"."+strconv.Itoa(k)]; !ok {
			return max
		}
		max = k
	}
}
