// Command apicheck writes the record of the module's exported surface: one line per exported
// declaration of every package a user can import (not internal/, examples/ or the
// benchmarks and interop modules), in the form of Go's own api/go1.*.txt:
//
//	pkg netsink/syslog, func New(Options, *slogx.Options) (*Handler, error)
//	pkg netsink/syslog, type Options struct, Network string
//
// Run from the module root, `go run ./internal/apicheck -w` rewrites api/v1.txt; without -w
// it prints the record. TestAPIRecord fails when the code and api/v1.txt differ, so every
// change to the surface is made on purpose, in the same commit as the record.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// recordPath is the record, relative to the module root.
const recordPath = "api/v1.txt"

// contexts are the platforms whose files make up the surface: a declaration present on any
// of them is part of it (sinks' event log is Windows-only).
var contexts = []struct{ goos, goarch string }{{"linux", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"}}

func main() {
	write := flag.Bool("w", false, "write "+recordPath+" instead of printing the record")
	flag.Parse()
	lines, err := record(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "apicheck:", err)
		os.Exit(1)
	}
	out := []byte(strings.Join(lines, "\n") + "\n")
	if !*write {
		os.Stdout.Write(out)
		return
	}
	if err := os.WriteFile(recordPath, out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "apicheck:", err)
		os.Exit(1)
	}
}

// record returns the sorted lines of the surface of the module rooted at root.
func record(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "internal" || name == "testdata" ||
			name == "examples" || name == "api") {
			return filepath.SkipDir
		}
		if path != root {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module: benchmarks, interop
			}
		}
		dirs = append(dirs, path)
		return nil
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, dir := range dirs {
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			return nil, err
		}
		for _, c := range contexts {
			ls, err := packageLines(dir, filepath.ToSlash(rel), c.goos, c.goarch)
			if err != nil {
				return nil, err
			}
			for _, l := range ls {
				seen[l] = true
			}
		}
	}
	lines := make([]string, 0, len(seen))
	for l := range seen {
		lines = append(lines, l)
	}
	slices.Sort(lines)
	return lines, nil
}

// packageLines returns the lines of the package in dir as built for goos/goarch (none for a
// command or a directory without Go files).
func packageLines(dir, rel, goos, goarch string) ([]string, error) {
	ctx := build.Default
	ctx.GOOS, ctx.GOARCH, ctx.CgoEnabled = goos, goarch, false
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		if ok, err := ctx.MatchFile(dir, n); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if f.Name.Name == "main" {
			return nil, nil
		}
		files = append(files, f)
	}
	p := &printerState{fset: fset, pkg: "pkg " + rel + ", "}
	for _, f := range files {
		for _, d := range f.Decls {
			p.decl(d)
		}
	}
	return p.lines, nil
}

type printerState struct {
	fset  *token.FileSet
	pkg   string
	lines []string
}

func (p *printerState) add(format string, args ...any) {
	p.lines = append(p.lines, p.pkg+fmt.Sprintf(format, args...))
}

// expr prints e as in the source, on one line.
func (p *printerState) expr(e ast.Node) string {
	var b bytes.Buffer
	_ = printer.Fprint(&b, p.fset, e)
	return strings.Join(strings.Fields(b.String()), " ")
}

func (p *printerState) decl(d ast.Decl) {
	switch d := d.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return
		}
		if d.Recv == nil {
			p.add("func %s%s%s", d.Name.Name, p.typeParams(d.Type.TypeParams), p.signature(d.Type))
			return
		}
		recv := d.Recv.List[0].Type
		base := recv
		if s, ok := base.(*ast.StarExpr); ok {
			base = s.X
		}
		switch b := base.(type) {
		case *ast.IndexExpr:
			base = b.X
		case *ast.IndexListExpr:
			base = b.X
		}
		if id, ok := base.(*ast.Ident); !ok || !id.IsExported() {
			return
		}
		p.add("method (%s) %s%s", p.expr(recv), d.Name.Name, p.signature(d.Type))
	case *ast.GenDecl:
		var typ string // the type of the previous constant spec, for iota groups
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				p.typeSpec(s)
			case *ast.ValueSpec:
				kind := "var"
				if d.Tok == token.CONST {
					kind = "const"
					if s.Type != nil {
						typ = p.expr(s.Type)
					} else if len(s.Values) > 0 {
						typ = ""
					}
				} else {
					typ = ""
					if s.Type != nil {
						typ = p.expr(s.Type)
					}
				}
				for i, n := range s.Names {
					if !n.IsExported() {
						continue
					}
					line := kind + " " + n.Name
					if typ != "" {
						line += " " + typ
					}
					if i < len(s.Values) {
						line += " = " + p.expr(s.Values[i])
					}
					p.add("%s", line)
				}
			}
		}
	}
}

func (p *printerState) typeParams(l *ast.FieldList) string {
	if l == nil || len(l.List) == 0 {
		return ""
	}
	return "[" + strings.TrimSuffix(strings.TrimPrefix(p.expr(l), "("), ")") + "]"
}

// signature prints a function type without parameter names: (A, B) (C, error).
func (p *printerState) signature(t *ast.FuncType) string {
	s := "(" + p.types(t.Params) + ")"
	if t.Results == nil || len(t.Results.List) == 0 {
		return s
	}
	r := p.types(t.Results)
	if len(t.Results.List) == 1 && len(t.Results.List[0].Names) <= 1 {
		return s + " " + r
	}
	return s + " (" + r + ")"
}

func (p *printerState) types(l *ast.FieldList) string {
	if l == nil {
		return ""
	}
	var out []string
	for _, f := range l.List {
		n := max(len(f.Names), 1)
		for range n {
			out = append(out, p.expr(f.Type))
		}
	}
	return strings.Join(out, ", ")
}

func (p *printerState) typeSpec(s *ast.TypeSpec) {
	if !s.Name.IsExported() {
		return
	}
	name := s.Name.Name + p.typeParams(s.TypeParams)
	if s.Assign.IsValid() {
		p.add("type %s = %s", name, p.expr(s.Type))
		return
	}
	switch t := s.Type.(type) {
	case *ast.StructType:
		p.add("type %s struct", name)
		for _, f := range t.Fields.List {
			if len(f.Names) == 0 {
				p.add("type %s struct, embedded %s", name, p.expr(f.Type))
				continue
			}
			for _, n := range f.Names {
				if n.IsExported() {
					p.add("type %s struct, %s %s", name, n.Name, p.expr(f.Type))
				}
			}
		}
	case *ast.InterfaceType:
		p.add("type %s interface", name)
		for _, m := range t.Methods.List {
			if len(m.Names) == 0 {
				p.add("type %s interface, embedded %s", name, p.expr(m.Type))
				continue
			}
			for _, n := range m.Names {
				if ft, ok := m.Type.(*ast.FuncType); ok {
					p.add("type %s interface, %s%s", name, n.Name, p.signature(ft))
				} else {
					p.add("type %s interface, %s", name, n.Name)
				}
			}
		}
	default:
		p.add("type %s %s", name, p.expr(s.Type))
	}
}
