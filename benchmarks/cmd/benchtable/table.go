package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// group is one table: the implementations of one benchmark group at one GOMAXPROCS.
type group struct {
	name  string // e.g. "Handle/5attrs"; "" for benchmarks without sub-benchmarks
	procs int
	impls []*row // in order of first appearance
}

// row is one implementation: every sample of every unit.
type row struct {
	name    string
	samples map[string][]float64
	units   []string // in order of first appearance
}

// groupResults splits benchmark names at their last "/" into group and implementation and
// collects the repeated runs (-count) of each. Order is the order of first appearance.
func groupResults(rs []result) []*group {
	type key struct {
		name  string
		procs int
	}
	var out []*group
	byKey := map[key]*group{}
	for _, r := range rs {
		gname, impl := "", r.name
		if i := strings.LastIndexByte(r.name, '/'); i >= 0 {
			gname, impl = r.name[:i], r.name[i+1:]
		}
		k := key{gname, r.procs}
		g := byKey[k]
		if g == nil {
			g = &group{name: gname, procs: r.procs}
			byKey[k] = g
			out = append(out, g)
		}
		i := slices.IndexFunc(g.impls, func(x *row) bool { return x.name == impl })
		if i < 0 {
			g.impls = append(g.impls, &row{name: impl, samples: map[string][]float64{}})
			i = len(g.impls) - 1
		}
		rw := g.impls[i]
		for _, u := range sortedUnits(r.values) {
			if _, seen := rw.samples[u]; !seen {
				rw.units = append(rw.units, u)
			}
			rw.samples[u] = append(rw.samples[u], r.values[u])
		}
	}
	return out
}

// standardUnits come first, in this order (cpu-ns/op is the CPU time per op the benchmarks
// of this module report); other units (MB/s, custom metrics) follow, sorted.
var standardUnits = []string{"ns/op", "cpu-ns/op", "B/op", "allocs/op"}

func sortedUnits(m map[string]float64) []string {
	var us []string
	for _, u := range standardUnits {
		if _, ok := m[u]; ok {
			us = append(us, u)
		}
	}
	var rest []string
	for u := range m {
		if !slices.Contains(standardUnits, u) {
			rest = append(rest, u)
		}
	}
	slices.Sort(rest)
	return append(us, rest...)
}

// median returns the median of xs (benchstat's summary statistic too).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread returns the largest deviation of xs from their median, in percent of the median.
func spread(xs []float64) float64 {
	m := median(xs)
	if m == 0 {
		return 0
	}
	var d float64
	for _, x := range xs {
		d = max(d, math.Abs(x-m))
	}
	return 100 * d / m
}

// render writes one markdown table per group: the median of every unit, the spread of the
// primary unit (ns/op unless told otherwise; a group without it falls back to ns/op), and for
// each of ratioUnits the group has, the ratio to the group's baseline (lower is faster). The
// primary unit comes first, among the columns and among the ratios.
func render(w io.Writer, gs []*group, cfg config, flags rules, ratioUnits []string, primary string) error {
	var b strings.Builder
	for _, k := range []string{"goos", "goarch", "cpu", "pkg"} {
		if vs := cfg[k]; len(vs) > 0 {
			fmt.Fprintf(&b, "%s: %s  \n", k, strings.Join(vs, ", "))
		}
	}
	fmt.Fprintf(&b, "\nMedians over all runs; ± is the largest deviation of %s from the median; "+
		"\"vs X\" is ns/op divided by the baseline X's ns/op, \"U vs X\" the same for unit U "+
		"(lower is faster).\n", primary)
	for _, g := range gs {
		writeGroup(&b, g, flags, ratioUnits, primary)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeGroup(b *strings.Builder, g *group, flags rules, ratioUnits []string, primary string) {
	title := g.name
	if title == "" {
		title = "(no sub-benchmarks)"
	}
	fmt.Fprintf(b, "\n### %s, GOMAXPROCS=%d\n\n", title, g.procs)

	var units []string
	for _, r := range g.impls {
		for _, u := range r.units {
			if !slices.Contains(units, u) {
				units = append(units, u)
			}
		}
	}
	if !slices.Contains(units, primary) {
		primary = "ns/op"
	}
	units = primaryFirst(units, primary)
	base := baselineFor(g.name, g.impls[0].name, flags)
	var baseRow *row
	if i := slices.IndexFunc(g.impls, func(r *row) bool { return r.name == base }); i >= 0 {
		baseRow = g.impls[i]
	}
	var ratios []string // the ratio units this group reports
	for _, u := range ratioUnits {
		if slices.Contains(units, u) {
			ratios = append(ratios, u)
		}
	}
	ratios = primaryFirst(ratios, primary)

	b.WriteString("| benchmark |")
	align := "|:--|"
	for _, u := range units {
		fmt.Fprintf(b, " %s |", u)
		align += "--:|"
		if u == primary {
			b.WriteString(" ± |")
			align += "--:|"
		}
	}
	for _, u := range ratios {
		if u == "ns/op" {
			fmt.Fprintf(b, " vs %s |", base)
		} else {
			fmt.Fprintf(b, " %s vs %s |", u, base)
		}
		align += "--:|"
	}
	fmt.Fprintf(b, "\n%s\n", align)

	for _, r := range g.impls {
		fmt.Fprintf(b, "| %s |", r.name)
		for _, u := range units {
			xs := r.samples[u]
			if len(xs) == 0 {
				b.WriteString(" |")
				if u == primary {
					b.WriteString(" |")
				}
				continue
			}
			fmt.Fprintf(b, " %s |", number(median(xs)))
			if u == primary {
				fmt.Fprintf(b, " %.0f%% |", spread(xs))
			}
		}
		for _, u := range ratios {
			x, bx := math.NaN(), math.NaN()
			if len(r.samples[u]) > 0 {
				x = median(r.samples[u])
			}
			if baseRow != nil && len(baseRow.samples[u]) > 0 {
				bx = median(baseRow.samples[u])
			}
			if bx > 0 && !math.IsNaN(x) {
				fmt.Fprintf(b, " %.2fx |", x/bx)
			} else {
				b.WriteString(" n/a |")
			}
		}
		b.WriteString("\n")
	}
	if baseRow == nil {
		fmt.Fprintf(b, "\nBaseline %q is not in this group.\n", base)
	}
}

// number formats a median with the precision benchmark numbers deserve: three significant
// digits below 100, whole numbers above.
func number(x float64) string {
	switch {
	case x == math.Trunc(x) || math.Abs(x) >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case math.Abs(x) >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	default:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
}

// primaryFirst moves primary to the front of units, if it is there; the others keep their order.
func primaryFirst(units []string, primary string) []string {
	i := slices.Index(units, primary)
	if i <= 0 {
		return units
	}
	out := append([]string{primary}, units[:i]...)
	return append(out, units[i+1:]...)
}
