package pickle

import "strconv"

// popTop runs POP: the top value, or a mark.
func (m *machine) popTop(byte) error {
	if len(m.stack) == 0 {
		return m.malformed("stack underflow")
	}
	if _, ok := m.stack[len(m.stack)-1].(mark); ok {
		m.marks = m.marks[:len(m.marks)-1]
	}
	m.stack = m.stack[:len(m.stack)-1]
	return nil
}

// popMarkOp runs POP_MARK: everything down to the last mark.
func (m *machine) popMarkOp(byte) error {
	_, err := m.popMark()
	return err
}

// dup runs DUP.
func (m *machine) dup(byte) error {
	v, err := m.top()
	if err != nil {
		return err
	}
	m.push(v)
	return nil
}

// get runs GET, BINGET and LONG_BINGET: push the memoized value.
func (m *machine) get(code byte) error {
	idx, err := m.memoIndex(code)
	if err != nil {
		return err
	}
	v, ok := m.memo[idx]
	if !ok {
		return m.malformed("memo %d not set", idx)
	}
	m.push(v)
	return nil
}

// put runs PUT, BINPUT, LONG_BINPUT and MEMOIZE: remember the top value.
func (m *machine) put(code byte) error {
	idx, err := m.memoIndex(code)
	if err != nil {
		return err
	}
	v, err := m.top()
	if err != nil {
		return err
	}
	m.memo[idx] = v
	return nil
}

// memoIndex reads the memo index of a GET or PUT opcode; MEMOIZE's is the memo's size.
func (m *machine) memoIndex(code byte) (uint64, error) {
	switch code {
	case 'g', 'p':
		s, err := m.line()
		if err != nil {
			return 0, err
		}
		idx, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, m.malformed("memo index %q", s)
		}
		return idx, nil
	case 'h', 'q':
		return m.uint(1)
	case 'j', 'r':
		return m.uint(4)
	}
	return uint64(len(m.memo)), nil
}
