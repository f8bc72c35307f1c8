package pickle

// global is what GLOBAL and STACK_GLOBAL push for an allowlisted name: the constructor
// REDUCE may interpret. Any other name is refused before anything is pushed.
type global struct {
	name string
	new  constructor
}

// globalLine runs GLOBAL: module and name, each on its own line.
func (m *machine) globalLine(byte) error {
	module, err := m.line()
	if err != nil {
		return err
	}
	name, err := m.line()
	if err != nil {
		return err
	}
	return m.pushGlobal(module, name)
}

// stackGlobal runs STACK_GLOBAL: module and name are the two str on top of the stack.
func (m *machine) stackGlobal(byte) error {
	name, err := m.pop()
	if err != nil {
		return err
	}
	module, err := m.pop()
	if err != nil {
		return err
	}
	ms, ok1 := module.(string)
	ns, ok2 := name.(string)
	if !ok1 || !ok2 {
		return m.malformed("STACK_GLOBAL of %T and %T", module, name)
	}
	return m.pushGlobal(ms, ns)
}

func (m *machine) pushGlobal(module, name string) error {
	full := module + "." + name
	c, ok := constructors[full]
	if !ok {
		return m.refuse("global %.100q is not in the allowlist", full)
	}
	m.push(global{name: full, new: c})
	return nil
}

// reduce runs REDUCE: an allowlisted constructor applied to a tuple of arguments, which
// the constructor interprets into a Go value; nothing is called in Python's sense.
func (m *machine) reduce(byte) error {
	args, err := m.pop()
	if err != nil {
		return err
	}
	callable, err := m.pop()
	if err != nil {
		return err
	}
	g, ok := callable.(global)
	if !ok {
		return m.malformed("REDUCE of %T", callable)
	}
	t, ok := args.(Tuple)
	if !ok {
		return m.malformed("REDUCE of %s with %T arguments", g.name, args)
	}
	v, err := g.new(t)
	if err != nil {
		return &Error{Offset: m.at, Reason: g.name + ": " + err.Error(), Refused: isRefusal(err)}
	}
	m.push(v)
	return nil
}
