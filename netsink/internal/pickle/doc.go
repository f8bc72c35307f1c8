// Package pickle reads Python pickles (protocols 0 to 5) the way netsink's Server needs
// them: as plain data, from a peer it does not trust.
//
// Decode runs a pickle machine that knows the data opcodes — None, booleans, integers of
// any size, floats, str, bytes, bytearray, tuples, lists, dicts, sets, the memo, marks,
// PROTO and FRAME — and yields Go values (see Decode for the mapping). GLOBAL and
// STACK_GLOBAL are accepted for an allowlist of exactly the types logging's extra commonly
// carries and CPython pickles by reduction (bytes and bytearray in old protocols, set,
// frozenset, datetime's datetime, date, time, timedelta and timezone, decimal.Decimal);
// REDUCE on one of them is interpreted by Go code that checks the arguments and builds a
// Go value. Every other global, and everything else that would build an object (INST,
// OBJ, BUILD, NEWOBJ, NEWOBJ_EX, EXT1/2/4, persistent ids, out-of-band buffers), is refused
// with an error wrapping ErrRefused: the machine never imports or executes anything and
// never constructs an arbitrary object.
//
// Limits: every declared length is checked against the input before anything is
// allocated, and the stack and memo cannot outgrow the number of opcodes, so decoding
// costs memory proportional to the input. Integers are limited to CPython's own
// int-to-str limit (4300 digits). The memo lets a small pickle describe a huge value (one
// string referenced thousands of times, or lists of lists doubling at each level), so
// the decoded value's expanded size — references counted as often as they are used — and
// its nesting are bounded too (Limits); beyond them the pickle is refused.
package pickle
