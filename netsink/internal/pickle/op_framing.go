package pickle

// proto checks PROTO's version: the opcodes of every version up to 5 are known.
func (m *machine) proto(byte) error {
	v, err := m.read(1)
	if err != nil {
		return err
	}
	if v[0] > 5 {
		return m.malformed("unsupported protocol %d", v[0])
	}
	return nil
}

// frame checks FRAME's length; the frame's bytes are already in the input.
func (m *machine) frame(byte) error {
	n, err := m.uint(8)
	if err != nil {
		return err
	}
	if n > uint64(len(m.p)-m.pos) {
		return m.malformed("frame of %d bytes, %d left", n, len(m.p)-m.pos)
	}
	return nil
}

// stop ends the run with the top of the stack as the result.
func (m *machine) stop(byte) error {
	v, err := m.pop()
	if err != nil {
		return err
	}
	m.result, m.done = v, true
	return nil
}

// refused rejects every opcode that would name a class or call a function.
func (m *machine) refused(code byte) error {
	return m.refuse("%s", refusedNames[code])
}
