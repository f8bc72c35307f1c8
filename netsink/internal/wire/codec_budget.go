package wire

import (
	"fmt"
	"log/slog"
	"strconv"
	"unsafe"
)

// BudgetPerByte is how many bytes decoding a frame may allocate per byte of the frame. A
// record's attributes are 40-byte slog.Attr values, so a frame whose attributes average
// fewer than about 6 bytes on the wire (a one-letter key and a small integer) cannot be
// decoded within it once it holds more than a handful of them: senders do not write such
// records, hostile ones do (a 2-byte entry, empty key and nil, would cost 20 times its size).
const BudgetPerByte = 8

// BudgetSlack is allowed on top of BudgetPerByte times the frame's length: a small record
// of up to 5 attributes (held inline by slog.Record) whose strings the connection has not
// seen yet costs a few hundred bytes whatever its length, and the error of a refused frame
// (its message names up to MaxDepth keys) about 2 KiB.
const BudgetSlack = 4 << 10

// ErrTooDense is wrapped by the error for a frame whose decoding would allocate more than
// BudgetPerByte bytes per byte of frame (plus BudgetSlack). It wraps ErrMalformed: such a
// frame is refused like any undecodable frame, and the Server counts it apart (TooDense).
var ErrTooDense = fmt.Errorf("%w: decoding needs more than %d bytes of memory per byte of frame", ErrMalformed, BudgetPerByte)

// Budget is the allocation budget of a frame of n bytes.
func Budget(n int) int64 { return int64(n)*BudgetPerByte + BudgetSlack }

// wireErrReserve is the part of a frame's budget left for its error: the decoding itself
// may spend the rest, then the error of a refused frame (its message, the keys of the
// attributes it failed in, the wrapping) allocates within it.
const wireErrReserve = 2 << 10

// attrSize is the size of a slog.Attr: every attribute the decoder keeps costs it.
const attrSize = int(unsafe.Sizeof(slog.Attr{}))

// allocCost is what the runtime allocates for an object of n bytes: the size class it
// rounds up to (16 at least: a string shorter than that may take a block of the tiny
// allocator to itself), or whole 8 KiB pages above 32 KiB, counting the 8-byte header that
// objects with pointers get above 512 bytes. TestAllocCostCoversRuntimeAllocs holds it to the
// runtime.
func allocCost(n int) int64 {
	if n > 512 {
		n += 8
	}
	switch {
	case n <= 0:
		return 0
	case n <= 16:
		return 16
	case n <= wireSizeClasses[len(wireSizeClasses)-1]:
		lo, hi := 0, len(wireSizeClasses)-1
		for lo < hi {
			if m := (lo + hi) / 2; wireSizeClasses[m] < n {
				lo = m + 1
			} else {
				hi = m
			}
		}
		return int64(wireSizeClasses[lo])
	}
	return int64(n+8<<10-1) &^ (8<<10 - 1)
}

// wireSizeClasses are the runtime's size classes above 16 bytes (internal/runtime/gc).
var wireSizeClasses = [...]int{24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280,
	1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784,
	6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760,
	24576, 27264, 28672, 32768}

// mapCost is an upper bound of what a map[string]any of n entries, made with n as its size
// hint, allocates: its header, then groups of 8 slots of 32 bytes at a load of at most 7/8,
// doubled at a power of two. TestAllocCostCoversRuntimeAllocs holds it to the runtime.
func mapCost(n int) int64 {
	if n == 0 {
		return 48
	}
	return 352 + 96*int64(n)
}

// boxCost is what storing v in an interface (an element of an []any) allocates at most.
func boxCost(v slog.Value) int64 {
	switch v.Kind() {
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindDuration, slog.KindString:
		return 16
	case slog.KindTime:
		return allocCost(int(unsafe.Sizeof(v.Time())))
	}
	return 0 // bools are static, values of kind Any are interfaces already, groups are maps
}

// charge takes n bytes from the frame's budget before the decoder allocates them; past the
// budget it refuses the frame, and nothing is allocated.
func (w *Dec) charge(n int64) error {
	if w.budget -= n; w.budget < 0 {
		return w.tooDense()
	}
	return nil
}

// tooDense is the error of a frame over its budget.
func (w *Dec) tooDense() error {
	return fmt.Errorf("%w: a %d-byte frame may allocate %d bytes", ErrTooDense, len(w.cur.b), Budget(len(w.cur.b)))
}

// pushAttr appends an attribute to the stack, growing it (within the budget) when full.
func (w *Dec) pushAttr(k string, v slog.Value) error {
	if len(w.stack) == cap(w.stack) {
		if err := w.growStack(); err != nil {
			return err
		}
	}
	w.stack = append(w.stack, slog.Attr{})
	a := &w.stack[len(w.stack)-1]
	a.Key, a.Value = k, v // apart: a slog.Attr built whole goes through a temporary
	return nil
}

// growStack makes room for one more attribute: room for every entry the open maps still
// claim (w.reserved) when the budget holds it, else twice the room, or the claimed room if
// that is less: the charge decides. A claim sizes an allocation only once an entry has
// decoded and only within the budget, so a frame that holds what it claims gets its stack
// in one allocation and a frame that does not is refused before it allocates past its
// budget.
func (w *Dec) growStack() error {
	need := len(w.stack) + 1 + w.reserved/2
	n := max(2*cap(w.stack), 16)
	if (need > n || allocCost(n*attrSize) > w.budget) && (need < n || allocCost(need*attrSize) <= w.budget) {
		n = need
	}
	if err := w.charge(allocCost(n * attrSize)); err != nil {
		return err
	}
	s := make([]slog.Attr, len(w.stack), n)
	copy(s, w.stack)
	w.stack = s
	return nil
}

// popGroup moves the attributes of the stack from base on into a slice of their own, of
// exactly their number (empty groups left out, as slog.GroupValue would copy the slice to
// leave them out), and takes them off the stack.
func (w *Dec) popGroup(base int) ([]slog.Attr, error) {
	as := w.stack[base:]
	n := 0
	for i := range as {
		if !wireEmptyGroup(as[i].Value) {
			n++
		}
	}
	if n == 0 {
		w.stack = w.stack[:base]
		return nil, nil
	}
	if err := w.charge(allocCost(n * attrSize)); err != nil {
		return nil, err
	}
	out := make([]slog.Attr, 0, n)
	for i := range as {
		if !wireEmptyGroup(as[i].Value) {
			out = append(out, as[i])
		}
	}
	w.stack = w.stack[:base]
	return out, nil
}

func wireEmptyGroup(v slog.Value) bool {
	return v.Kind() == slog.KindGroup && len(v.Group()) == 0
}

// inAttr notes that decoding the value of key k failed with err, for the frame's error to
// name the path of keys: one message built once, where wrapping err at each level would
// build MaxDepth messages, each longer than the last.
func (w *Dec) inAttr(k string, err error) error {
	if w.nErrKeys < len(w.errKeys) {
		w.errKeys[w.nErrKeys] = k
		w.nErrKeys++
	}
	return err
}

// attrPathError prefixes err with the keys noted by inAttr, outermost first, each quoted
// and cut to 32 bytes, the whole prefix to about 256: the error of a frame costs little
// beside its budget (see wireErrReserve).
func (w *Dec) attrPathError(err error) error {
	b := make([]byte, 0, 512)
	for i := w.nErrKeys - 1; i >= 0; i-- {
		if len(b) > 256 {
			b = append(b, "...: "...)
			break
		}
		k := w.errKeys[i]
		b = strconv.AppendQuote(append(b, "attr "...), k[:min(len(k), 32)])
		b = append(b, ": "...)
	}
	clear(w.errKeys[:w.nErrKeys])
	w.nErrKeys = 0
	return fmt.Errorf("%s%w", b, err)
}
